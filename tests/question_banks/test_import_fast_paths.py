"""The shortcuts of a question import stay equal to what they stand in for."""

import unicodedata

import nh3
import pytest

from question_banks.imports.dedupe import find_near_duplicates, normalise, normalised
from question_banks.richtext import _ATTRIBUTES, _TAGS, clean_html

TEXTS = [
    "",
    "电气设备检修作业前应当切断电源。",
    "A & B",
    "a < b > c",
    "line\r\nbreak",
    "nul\x00here",
    "no-break\xa0space",
    "<p>段落<script>alert(1)</script></p>",
    '<img src="x" onerror="alert(1)">',
    "全角　空格，标点！？",
    "Ω≈ç√∫ 𝔘𝔫𝔦 😀",
    "\"quotes\" and 'apostrophes'",
]


@pytest.mark.parametrize("text", TEXTS)
def test_clean_html_is_nh3_for_plain_text_and_markup(text):
    expected = nh3.clean(
        text, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "data"}
    )
    assert clean_html(text) == expected


def old_normalise(stem):
    from question_banks.imports.text import plain_text

    text = unicodedata.normalize("NFKC", plain_text(stem)).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PSZC")


@pytest.mark.parametrize("text", TEXTS)
def test_normalise_drops_what_it_dropped_character_by_character(text):
    assert normalise(text) == normalised(text) == old_normalise(text)


def test_near_duplicates_are_found_against_the_file_and_the_bank():
    stems = ["电气设备检修作业前应当切断电源并悬挂警示标志", "完全不同的一道题目内容在这里"]
    found = find_near_duplicates([*stems, stems[0] + "。"], existing=[("q1", stems[1] + "！")])
    pairs = {(d.index, d.other_index, d.existing_key) for d in found}
    assert pairs == {(1, None, "q1"), (2, 0, None)}
