"""Round trips through the writers, safe XML, GIFT escapes, format detection and near-duplicate
stems."""

import random
from pathlib import Path

import pytest

from question_banks.exports import excel as excel_out
from question_banks.exports import moodle_xml as moodle_out
from question_banks.imports import (
    ParsedOption,
    ParsedQuestion,
    detect_format,
    excel,
    gift,
    moodle_xml,
    parse_file,
)
from question_banks.imports.dedupe import find_near_duplicates, normalise
from question_banks.imports.model import clean_category_path

# In the repository, with their sources and licences (SOURCES.md, COPYING) beside them.
SAMPLES = Path(__file__).resolve().parent / "data" / "moodle"


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.xml")), ids=lambda p: p.name)
def test_moodle_round_trip_of_the_samples(path):
    first = moodle_xml.parse(path)
    second = moodle_xml.parse(moodle_out.write(first.questions))
    assert second.errors == [] and second.skipped == []
    assert second.questions == first.questions


def _bank():
    case = ParsedQuestion("case", "某厂发生<b>有限空间</b>中毒事故。", text_format="html")
    case.category, case.difficulty, case.tags = ["危化品", "案例"], 3, ["主要负责人"]
    case.shuffle_options = False
    case.explanation = "先通风、再检测、后作业。"
    case.name = "有限空间案例"
    case.sub_questions = [
        ParsedQuestion(
            "single",
            "直接原因是？",
            [ParsedOption("A", "未检测", True), ParsedOption("B", "天气")],
            name="原因",
        ),
        ParsedQuestion(
            "judge",
            "应先通风后作业。",
            [ParsedOption("A", "正确", True), ParsedOption("B", "错误")],
            shuffle_options=False,
            name="通风",
        ),
    ]
    multiple = ParsedQuestion(
        "multiple",
        '<p>识别图中标志 <img src="@@PLUGINFILE@@/sign.png"></p>',
        [
            ParsedOption("A", "禁止", True),
            ParsedOption("B", "警告", True),
            ParsedOption("C", "指令", True),
            ParsedOption("D", "以上都不对"),
        ],
        category=["电工作业", "高压/低压"],
        difficulty=2,
        tags=["低压电工", "高压电工"],
        shuffle_options=False,
        text_format="html",
        name="安全标志",
        files={"sign.png": b"\x89PNG\r\n\x1a\nfake"},
    )
    judge = ParsedQuestion(
        "judge",
        "电压 < 36V 时 & 环境干燥，可不用防护。",
        [ParsedOption("A", "正确"), ParsedOption("B", "错误", True)],
        shuffle_options=False,
        name="安全电压",
        difficulty=1,
    )
    return [multiple, judge, case]


def test_moodle_writer_round_trip_keeps_everything():
    questions = _bank()
    xml = moodle_out.write(questions)
    assert xml.count(b'type="category"') == 3
    result = moodle_xml.parse(xml)
    assert result.errors == [] and result.skipped == []
    assert result.questions == questions
    assert b'fraction="33.33333"' in xml  # one of Moodle's grade options


def test_excel_writer_round_trip_of_a_case_bank():
    questions = _bank()[1:]
    for q in [*questions, *questions[1].sub_questions]:
        q.name = ""  # the template has no name column
    assert excel.parse(excel_out.write(questions)).questions == questions


@pytest.mark.parametrize(
    "payload",
    [
        # billion laughs
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<quiz><question type="truefalse"><name><text>&lol2;</text></name></question></quiz>',
        # external entity reading a local file
        '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<quiz><question type="truefalse"><name><text>&xxe;</text></name></question></quiz>',
    ],
    ids=["billion-laughs", "xxe"],
)
def test_unsafe_xml_is_refused(payload):
    result = moodle_xml.parse(payload.encode())
    assert result.questions == []
    (error,) = result.errors
    assert (error.column, error.code) == ("XML", "unsafe_xml")
    assert "root:" not in error.value


def test_broken_xml_is_reported_with_its_line():
    result = moodle_xml.parse(b"<quiz>\n<question type='truefalse'>\n</quiz>")
    assert [(e.row, e.code) for e in result.errors] == [(3, "bad_xml")]


GIFT_ESCAPES = r"""// 转义字符
$CATEGORY: $course$/top/Default for 电工/电工作业/低压电工

::电工\:安全::[html]<p>读数 \= 36V \{额定\} \# 号</p>\n第二行{
    =对的\~答案#反馈
    ~错的\#答案
    ~以上都不对
    ####先\:断电。
}

::多选::哪些是灭火方法？{~%50%隔离法 ~%50%窒息法 ~%-100%加热法}

::判断::安全电压是36V。{F}
"""


def test_gift_escapes_categories_and_weights():
    result = gift.parse(GIFT_ESCAPES.encode())
    assert result.errors == [] and result.skipped == []
    escaped, multiple, judge = result.questions
    assert escaped.name == "电工:安全"
    assert escaped.category == ["电工作业", "低压电工"]
    assert escaped.text_format == "html"
    assert escaped.stem == "<p>读数 = 36V {额定} # 号</p>\n第二行"
    assert [(o.text, o.correct) for o in escaped.options] == [
        ("对的~答案", True),
        ("错的#答案", False),
        ("以上都不对", False),
    ]
    assert escaped.explanation == "先:断电。"
    assert escaped.shuffle_options is False
    assert (multiple.type, multiple.correct_keys, multiple.text_format) == (
        "multiple",
        "AB",
        "plain",
    )
    assert (judge.type, judge.correct_keys, judge.category) == (
        "judge",
        "B",
        ["电工作业", "低压电工"],
    )


def test_gift_unsupported_types_are_skipped_by_name():
    text = (
        "::简答::请简述三违。{}\n\n::数值::安全电压？{#36}\n\n::填空::安全第一{=预防为主 =预防}\n\n"
        "::配对::配对{=A -> 1 =B -> 2}\n\n::说明::这是一段说明\n\n::坏::没有结束{=A ~B\n"
    )
    result = gift.parse(text.encode())
    assert [(s.name, s.type) for s in result.skipped] == [
        ("简答", "essay"),
        ("数值", "numerical"),
        ("填空", "shortanswer"),
        ("配对", "matching"),
        ("说明", "description"),
    ]
    assert [(e.row, e.code) for e in result.errors] == [(11, "unclosed_brace")]


def test_category_paths():
    assert clean_category_path("$course$/top/Default for X/电工作业/低压电工") == [
        "电工作业",
        "低压电工",
    ]
    assert clean_category_path("$module$/Iota/Kappa") == ["Iota", "Kappa"]
    assert clean_category_path("$system$/top/高压//低压") == ["高压/低压"]


def test_detect_format():
    assert detect_format(excel_out.write([])[:100], "x.bin") == "xlsx"
    assert detect_format(b"<?xml version='1.0'?>\n<quiz>", None) == "moodle"
    assert detect_format("题干\nA. 甲\nB. 乙\nANSWER: A\n".encode(), "bank.txt") == "aiken"
    assert detect_format("::t::题{T}".encode(), "bank.txt") == "gift"
    assert detect_format(b"", "bank.gift") == "gift"
    assert detect_format(b"nothing here", "bank.txt") is None
    result = parse_file("题干\nA. 甲\nB. 乙\nANSWER: B\n".encode(), "bank.txt")
    assert result.questions[0].correct_keys == "B"


def test_near_duplicates_in_chinese():
    stems = [
        "在高处作业时，必须系好安全带。",
        "在 高处作业时必须系好安全带",  # same stem, other punctuation and spaces
        "在高处作业时，必须戴好安全帽。",  # a different question
        "<p>在高处作业时,必须系好安全带!</p>",  # HTML and half-width punctuation
        "ＡＢＣ级配电箱应上锁。",
        "abc级配电箱应上锁",  # full-width letters fold to half-width
    ]
    assert normalise(stems[0]) == normalise(stems[1]) == normalise(stems[3])
    found = find_near_duplicates(stems)
    assert [(d.index, d.other_index) for d in found] == [(1, 0), (3, 0), (3, 1), (5, 4)]
    against_bank = find_near_duplicates(stems[2:3], [(101, "在高处作业时必须戴好安全帽")])
    assert [(d.index, d.existing_key, d.similarity) for d in against_bank] == [(0, 101, 1.0)]
    assert find_near_duplicates(stems[:1], ["在高处作业时必须戴好安全帽"]) == []


def test_near_duplicates_scale_to_thousands():
    rng = random.Random(7)
    alphabet = "安全生产电工焊接高处作业应当必须禁止设备检查防护用品培训考核事故隐患排查治理"
    stems = ["".join(rng.choice(alphabet) for _ in range(30)) for _ in range(5000)]
    stems[4000] = stems[17] + "？"
    stems[4999] = "，".join([stems[18][:15], stems[18][15:]])
    found = find_near_duplicates(stems)
    assert [(d.index, d.other_index) for d in found] == [(4000, 17), (4999, 18)]
