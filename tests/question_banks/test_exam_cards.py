"""The exam page's question cards, written in presentation.exam_cards: the markup exam.js
reads, every value escaped, question HTML cleaned, and the examinee's answers ticked."""

from collections import namedtuple
from decimal import Decimal

from django.utils import translation

from question_banks.presentation import exam_cards, exam_sheet, exam_text

# The shape of selectors.attempt_items_for_exam_page's rows.
Item = namedtuple("Item", "position points option_order answer answer_seq flagged version_id")

TEXTS = {
    1: exam_text(
        "case",
        '<p onclick="steal()">案例<script>bad()</script> & "q"</p>',
        [],
        [
            {
                "qtype": "single",
                "stem": "子<b>题</b>一<img src=x onerror=alert(1)>",
                "options": [{"key": 'a"1', "text": "甲<i>x</i>"}, {"key": "b<2", "text": "乙"}],
            },
            {
                "qtype": "multiple",
                "stem": "",
                "options": [{"key": "x", "text": "X"}, {"key": "y", "text": "Y & z"}],
            },
        ],
    ),
    2: exam_text("single", "普通", [{"key": "A", "text": "一"}, {"key": "B", "text": "二"}], []),
}


def case_item() -> Item:
    return Item(
        position=7,
        points=Decimal("2.50"),
        option_order=[["b<2", 'a"1'], ["y", "x"]],
        answer={"0": ['a"1'], "1": ["x", "y"]},
        answer_seq=4,
        flagged=True,
        version_id=1,
    )


def single_item() -> Item:
    return Item(
        position=8,
        points=Decimal("1"),
        option_order=["B", "A"],
        answer=None,
        answer_seq=0,
        flagged=False,
        version_id=2,
    )


def test_a_case_question_has_a_fieldset_per_part_with_its_answers_ticked():
    with translation.override("zh-hans"):
        html = str(exam_cards([case_item(), single_item()], TEXTS))
    assert (
        '<article class="card question" id="q7" data-position="7" data-qtype="case" '
        'data-seq="4" data-flagged="1">'
    ) in html
    assert '<span class="q-no">7 / 2</span>' in html
    assert "案例分析题 · 2.50 分" in html and "单选题 · 1 分" in html
    assert '<fieldset class="choices sub">' in html and "<legend>1. 子<b>题</b>一" in html
    assert '<legend class="sr-only">选项</legend>' in html
    assert '<input type="radio" name="q7_0" value="a&quot;1" checked>' in html
    assert '<input type="radio" name="q7_0" value="b&lt;2">' in html
    assert '<input type="checkbox" name="q7_1" value="y" checked>' in html
    # Options in this examinee's order, lettered in that order.
    assert html.index('value="b&lt;2"') < html.index('value="a&quot;1"')
    assert '<span class="letter">A</span><span class="text">乙</span>' in html
    assert 'aria-pressed="true"' in html and 'aria-pressed="false"' in html


def test_question_html_is_cleaned_and_values_escaped():
    html = str(exam_cards([case_item()], TEXTS))
    assert "<script" not in html and "steal()" not in html and "onerror" not in html
    assert '<div class="stem"><p>案例 &amp; "q"</p></div>' in html
    assert "Y &amp; z" in html


def test_the_cards_speak_the_page_language():
    with translation.override("en"):
        html = str(exam_cards([case_item()], TEXTS))
    assert "Case analysis · 2.50 pts" in html and ">Flag for review<" in html


def test_the_answer_sheet_marks_answered_and_flagged_questions():
    html = str(exam_sheet([case_item(), single_item()]))
    assert html == (
        '<button type="button" class="cell answered flagged" data-goto="7">7</button>'
        '<button type="button" class="cell" data-goto="8">8</button>'
    )
