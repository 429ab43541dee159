"""The parsers read GIFT weights, Aiken mistakes and Moodle XML pictures as Moodle does, and
say so in Chinese where this product cannot keep Moodle's meaning.

Moodle's rules followed here (question/format/gift/format.php, question/format/aiken/format.php,
question/format/xml/format.php): in GIFT "=" is worth 100 %, "~%w%" w %, a bare "~" nothing,
and the question is single-answer when any "=" is present; weights must be Moodle's grade
options; Aiken reports a question left unfinished and starts the next one; Moodle XML's old
``<image>``/``<image_base64>`` picture goes after the question text.
"""

import base64

import pytest
from django.utils import translation

from question_banks.exports import moodle_xml as moodle_out
from question_banks.imports import aiken, gift, moodle_xml
from question_banks.imports.weights import decide

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def _gift(text):
    return gift.parse(text.encode("utf-8"), "题库.gift")


# --- GIFT weights ------------------------------------------------------------------------


def test_one_full_answer_with_partly_credited_ones_is_single_choice_with_that_answer_right():
    result = _gift("安全色中表示禁止的是？{=红色 ~%50%黄色 ~%50%橙色 ~蓝色}")
    (question,) = result.questions
    assert (question.type, question.correct_keys) == ("single", "A")
    assert [o.text for o in question.options] == ["红色", "黄色", "橙色", "蓝色"]
    assert result.errors == []


def test_a_hundred_percent_tilde_among_partial_credit_is_single_choice_not_multiple():
    # No "=": Moodle makes checkboxes, but only the 100 % answer gives full marks alone; two
    # partly credited answers marked right would fail the examinee who picks the right one.
    (question,) = _gift("灭火器压力表指针在哪个区域为正常？{~%100%绿区 ~%50%黄区 ~红区}").questions
    assert (question.type, question.correct_keys) == ("single", "A")


def test_weights_adding_up_to_a_hundred_over_several_answers_make_multiple_choice():
    result = _gift("属于特种作业的有？{~%50%电工作业 ~%50%焊接与热切割作业 ~%-100%会计}")
    (question,) = result.questions
    assert (question.type, question.correct_keys) == ("multiple", "AB")


def test_thirds_written_as_moodle_writes_them_add_up_to_a_hundred():
    text = "三违指？{~%33.33333%违章指挥 ~%33.33333%违章操作 ~%33.33333%违反劳动纪律 ~违法经营}"
    (question,) = _gift(text).questions
    assert (question.type, question.correct_keys) == ("multiple", "ABC")


def test_negative_weights_on_wrong_answers_keep_the_single_right_answer():
    (question,) = _gift("安全帽的作用？{=防止物体打击 ~%-50%装饰 ~%-100%遮阳}").questions
    assert (question.type, question.correct_keys) == ("single", "A")


@pytest.mark.parametrize(
    ("answers", "code", "words"),
    [
        ("{=甲 =乙 ~丙}", "several_full_marks", "只能有一个正确答案"),
        ("{~%50%甲 ~%30%乙 ~丙}", "weights_do_not_add_up", "合计为 80%"),
        ("{~%50%甲 ~%50%乙 ~%50%丙}", "weights_do_not_add_up", "合计为 150%"),
        ("{~%100%甲 ~%100%乙 ~丙}", "weights_do_not_add_up", "合计为 200%"),
        ("{~甲 ~%-50%乙 ~丙}", "no_right_answer", "没有正确答案"),
        ("{~%35%甲 ~%50%乙}", "invalid_grade", "Moodle"),
        ("{=%50%甲 ~乙}", "weight_after_equals", "~%50%"),
    ],
)
def test_weights_this_product_cannot_mean_are_reported_in_chinese_and_skipped(answers, code, words):
    result = _gift(f"// 第一行是注释\n\n有关安全生产的说法？{answers}")
    assert result.questions == []
    (error,) = result.errors
    assert (error.row, error.code) == (3, code)
    assert words in error.reason


def test_a_reported_weight_shows_every_answer_with_its_weight():
    (error,) = _gift("题干{~%50%甲 ~%30%乙 ~丙}").errors
    assert error.value == "A 50%, B 30%, C 0%"


def test_the_good_questions_around_a_reported_one_still_import():
    result = _gift("第一题{=对 ~错}\n\n第二题{~%50%甲 ~%30%乙}\n\n第三题{=是 ~否}")
    assert [q.stem for q in result.questions] == ["第一题", "第三题"]
    assert [e.row for e in result.errors] == [3]


def test_the_decision_table():
    assert decide([1.0, 0.5, 0.0], single=True).correct == (True, False, False)
    assert decide([0.5, 0.5, -1.0], single=False).kind == "multiple"
    assert decide([0.5, 0.5], single=True).code == "no_full_marks"
    assert decide([0.0, 0.0], single=False).code == "no_right_answer"


# --- Aiken: a broken question never takes the next one along ------------------------------


def _aiken(text):
    return aiken.parse(text.encode("utf-8"), "题库.txt")


def test_a_question_without_answer_line_is_reported_at_its_line_and_the_next_one_imports():
    result = _aiken(
        "安全生产方针是？\nA. 安全第一\nB. 效益优先\n\n"
        "三级安全教育不包括？\nA. 厂级\nB. 车间级\nC. 家庭级\n答案：C\n"
    )
    assert [q.stem for q in result.questions] == ["三级安全教育不包括？"]
    (error,) = result.errors
    assert (error.row, error.code) == (1, "not_completed")
    assert "缺少 ANSWER" in error.reason


def test_a_stem_without_options_does_not_swallow_the_next_stem():
    result = _aiken("这一题只有题干\n\n特种作业操作证有效期为？\nA. 3年\nB. 6年\nANSWER: B\n")
    (question,) = result.questions
    assert question.stem == "特种作业操作证有效期为？"
    assert question.correct_keys == "B"
    (error,) = result.errors
    assert (error.row, error.code) == (1, "not_completed")
    assert "只有题干" in error.reason


def test_options_without_a_stem_are_reported_once_and_the_next_question_imports():
    result = _aiken(
        "第一题\nA. 甲\nB. 乙\nANSWER: A\n\n"
        "A. 无题干的选项\nB. 另一个\nANSWER: B\n\n"
        "第三题\nA. 丙\nB. 丁\nANSWER: B\n"
    )
    assert [q.stem for q in result.questions] == ["第一题", "第三题"]
    assert [(e.row, e.code) for e in result.errors] == [(6, "not_started")]
    assert "没有题干" in result.errors[0].reason


def test_options_lettered_from_a_again_close_the_unfinished_question():
    result = _aiken(
        "第一题缺答案\nA. 甲\nB. 乙\n"
        "A. 另一题的选项\nB. 另一题的选项二\nANSWER: A\n"
        "第三题\nA. 丙\nB. 丁\nANSWER: A\n"
    )
    assert [q.stem for q in result.questions] == ["第三题"]
    assert [(e.row, e.code) for e in result.errors] == [(1, "not_completed"), (4, "not_started")]


def test_a_stem_over_several_lines_is_still_one_question():
    result = _aiken("某企业发生事故，\n按规定应当在几小时内上报？\nA. 1\nB. 24\nANSWER: A\n")
    (question,) = result.questions
    assert question.stem == "某企业发生事故，\n按规定应当在几小时内上报？"


# --- Moodle XML pictures -----------------------------------------------------------------


def _xml(question_body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        f'<question type="multichoice">\n<name><text>标志</text></name>\n{question_body}\n'
        "<single>true</single>\n"
        '<answer fraction="100"><text>禁止吸烟</text></answer>\n'
        '<answer fraction="0"><text>当心火灾</text></answer>\n'
        "</question>\n</quiz>\n"
    ).encode()


def test_old_image_tag_picture_is_kept_after_a_plain_text_stem():
    png = base64.b64encode(PNG).decode()
    data = _xml(
        '<questiontext format="plain_text">'
        "<text>图中标志的含义是 &lt;？&gt;</text></questiontext>\n"
        f"<image>signs/no-smoking.png</image>\n<image_base64>{png}</image_base64>"
    )
    result = moodle_xml.parse(data, "标志.xml")
    (question,) = result.questions
    assert question.text_format == "html"
    assert question.stem == (
        '图中标志的含义是 &lt;？&gt; <img src="@@PLUGINFILE@@/signs_no-smoking.png" />'
    )
    assert question.files == {"signs_no-smoking.png": PNG}


def test_old_image_tag_without_its_data_is_reported_not_dropped():
    data = _xml(
        '<questiontext format="html"><text>图中标志的含义是？</text></questiontext>\n'
        "<image>no-smoking.gif</image>"
    )
    result = moodle_xml.parse(data, "标志.xml")
    assert result.questions == []
    (error,) = result.errors
    assert (error.row, error.code, error.value) == (3, "missing_file", "no-smoking.gif")
    assert "导入文件中没有这个文件" in error.reason


def test_a_damaged_embedded_picture_is_reported():
    data = _xml(
        '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">含义？]]>'
        '</text><file name="a.png" encoding="base64">not base64!</file></questiontext>'
    )
    (error,) = moodle_xml.parse(data).errors
    assert (error.code, error.value) == ("broken_file", "a.png")


def test_a_picture_is_recognised_by_its_bytes_whatever_its_name():
    png = base64.b64encode(PNG).decode()
    data = _xml(
        '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/sign">含义？]]>'
        f'</text><file name="sign" encoding="base64">{png}</file></questiontext>'
    )
    (question,) = moodle_xml.parse(data).questions
    assert question.files == {"sign": PNG}


def test_a_file_nothing_uses_is_named_in_a_note_and_the_question_imports():
    png = base64.b64encode(PNG).decode()
    data = _xml(
        '<questiontext format="html"><text>含义？</text>'
        f'<file name="unused.png" encoding="base64">{png}</file></questiontext>'
    )
    result = moodle_xml.parse(data)
    assert len(result.questions) == 1 and result.errors == []
    (note,) = result.notes
    assert (note.row, note.code, note.value) == (3, "file_left_out", "unused.png")
    assert "没有任何文字用到" in note.reason


def test_xml_single_answer_with_partial_credit_keeps_only_the_full_answer_right():
    data = (
        '<?xml version="1.0"?><quiz><question type="multichoice"><name><text>q</text></name>'
        "<questiontext><text>发现火情首先应？</text></questiontext><single>true</single>"
        '<answer fraction="100"><text>报警</text></answer>'
        '<answer fraction="50"><text>自行扑救</text></answer>'
        '<answer fraction="0"><text>离开</text></answer></question></quiz>'
    ).encode()
    (question,) = moodle_xml.parse(data).questions
    assert (question.type, question.correct_keys) == ("single", "A")


def test_xml_multiple_answer_whose_weights_do_not_add_up_is_reported():
    data = (
        '<?xml version="1.0"?><quiz><question type="multichoice"><name><text>q</text></name>'
        "<questiontext><text>哪些属于个人防护用品？</text></questiontext><single>false</single>"
        '<answer fraction="50"><text>安全帽</text></answer>'
        '<answer fraction="25"><text>安全带</text></answer>'
        '<answer fraction="0"><text>计算器</text></answer></question></quiz>'
    ).encode()
    result = moodle_xml.parse(data)
    assert result.questions == []
    (error,) = result.errors
    assert error.code == "weights_do_not_add_up" and "合计为 75%" in error.reason


def test_a_chinese_file_name_percent_encoded_in_the_text_is_found_in_its_folder():
    # Moodle writes the reference URL-encoded, the <file> name and path as they are.
    png = base64.b64encode(PNG).decode()
    data = _xml(
        '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/'
        '%E6%A0%87%E5%BF%97/%E7%A6%81%E6%AD%A2%E5%90%B8%E7%83%9F.png">含义？]]></text>'
        f'<file name="禁止吸烟.png" path="/标志/" encoding="base64">{png}</file></questiontext>'
    )
    result = moodle_xml.parse(data)
    assert result.errors == [] and result.notes == []
    (question,) = result.questions
    assert question.files == {"标志/禁止吸烟.png": PNG}
    again = moodle_xml.parse(moodle_out.write(result.questions))
    assert again.questions == result.questions
