"""A realistic Excel bank, built here with openpyxl: every answer form real banks use, a title
row, synonym headers, a per-type sheet, a case (案例分析) question, and bad rows whose every
problem must be reported with the row number Excel shows and the column as headed."""

from collections import Counter

import pytest
from openpyxl import Workbook

from question_banks.exports import excel as excel_out
from question_banks.imports import excel

HEADER = ["序号", "试题类型", "题目", "A", "B", "C", "D", "E", "正确答案", "答案解析", "知识点",
          "难易程度", "适用工种"]  # fmt: skip


def row(qtype, stem, options="", answer="", explanation="", category="", level="", tags=""):
    """The cells after 序号; `options` "甲|乙|丙" fills columns A-C (an empty part, a gap)."""
    cells = (options.split("|") if options else []) + [""] * 5
    return [qtype, stem, *cells[:5], answer, explanation, category, level, tags]


OPTS4 = "10mA|30mA|50mA|以上都对"
# Row number in the sheet → cells; row 1 is a title, row 2 the header, row 28 stays blank.
ROWS = {
    3: row("单选题", "漏电保护器的额定动作电流一般不大于多少？", "10mA|30mA|50mA|100mA", "B",
           "手持电动工具用30mA。", "电工作业/低压电工", 1, "低压电工"),
    4: row("单选", "我国规定的安全电压额定值最高等级是多少伏？", "24|36|42", "c", "",
           "电工作业 > 低压电工", "易", "低压电工、高压电工"),
    5: row("单项选择题", "电气火灾发生后首先应当采取的措施是什么？",
           "切断电源|用水灭火|报警|以上都对", " D ", "", "电工作业", "中"),
    6: row("多选题", "下列属于特种作业的有哪些？", "电工作业|焊接与热切割作业|文秘工作|高处作业",
           "ABD", level="难"),
    7: row("多选", "生产经营单位的主要负责人有哪些职责？", "建立责任制|组织制定规章制度|替员工签字|"
           "保证安全投入", "A,B,D", level="简单"),
    8: row("多项选择题", "进入受限空间作业前必须做到哪些事项？",
           "通风|检测气体|单人进入|办理作业许可", "A、B、D", level="一般"),
    9: row("多选题", "灭火的基本方法包括以下哪几种？", "隔离法|窒息法|加热法|冷却法", "A，B，D",
           level="困难"),
    10: row("多选题", "登高作业使用的个人防护用品包括哪些？", "安全带|安全帽|拖鞋|防滑鞋", "A B D",
            level="容易"),
    11: row("多选题", "触电急救的正确做法包括哪些内容？", "迅速脱离电源|心肺复苏|直接用手拉开|"
            "拨打急救电话", "abd", level="较难"),
}  # fmt: skip
JUDGE_ANSWERS = ["对", "错", "正确", "错误", "√", "×", "✓", "✗", "A", "B", "T", "F", "Y", "N",
                 "是", "否"]  # fmt: skip
JUDGE_STEMS = [
    "特种作业人员必须经专门的安全技术培训并考核合格方可上岗作业。",
    "使用手持电动工具时可以不戴绝缘手套直接操作。",
    "发现有人触电应立即切断电源再进行施救。",
    "雷雨天气可以在大树下避雨以防被雷击。",
    "配电箱内应当设置总隔离开关和分路隔离开关。",
    "临时用电线路可以随意拖地敷设穿越通道。",
    "电气设备的金属外壳应当可靠接地或接零。",
    "严禁用铜丝代替保险丝使用。",
    "安全帽的帽衬与帽壳之间应保持一定的空间。",
    "动火作业现场可以存放大量易燃物品。",
    "从业人员有权拒绝违章指挥和强令冒险作业。",
    "特种作业操作证每六年复审一次且全国通用。",
    "建筑施工现场的消防通道必须保持畅通。",
    "酒后可以进行高处作业只要系好安全带即可。",
    "生产经营单位应当为从业人员提供符合标准的劳动防护用品。",
    "受限空间作业可以用纯氧进行通风置换。",
]
for offset, (answer, stem) in enumerate(zip(JUDGE_ANSWERS, JUDGE_STEMS, strict=True)):
    ROWS[12 + offset] = row("判断" if offset % 2 else "判断题", stem, "", answer)
ROWS.update({
    29: row("判断题", "漏电保护器每月至少试验一次。", "对|错", "错"),
    30: row("案例分析", "某工地电工在未停电的情况下检修配电箱，造成触电事故。", "", "",
            "违反停电作业规定。", "建筑施工/案例", 3, "项目负责人"),
    31: row("案例分析-单选题", "该事故的直接原因是什么？", "带电作业|天气原因|设备老化", "A"),
    32: row("案例-多选", "应当采取哪些预防措施？", "停电验电|挂接地线|加快进度|悬挂标示牌", "ABD"),
    33: row("案例分析-判断题", "该电工应持有特种作业操作证。", "", "对"),
    # --- bad rows -----------------------------------------------------------------------
    34: row("填空题", "安全生产方针是安全第一预防为主什么？", "", "综合治理"),
    35: row("单选题", "", OPTS4, "A"),
    36: row("单选题", "特种作业人员的最低年龄是多少周岁？", "16|18|20|22", "AB"),
    37: row("多选题", "下列哪些是常见的灭火器类型？", "干粉|二氧化碳|泡沫|清水", "A"),
    38: row("单选题", "绝缘手套的试验周期为多长时间？", "半年|一年", "D"),
    39: row("单选题", "安全色中表示禁止的颜色是什么？", "红色", "A"),
    40: row("判断题", "接地线可以用缠绕的方法进行连接。", "", "也许"),
    41: row("单选题", "高处作业的基准高度是多少米以上？", "1|2|3|5", "B", level=4),
    42: row("多选题", "", OPTS4, "AE", level="特难"),
    43: row("单选题", '=CONCATENATE("公式","题干")', OPTS4, "A"),
    44: row("单选题", "安全生产法规定的从业人员权利是哪一项？", "知情权|建议权||拒绝权", "A"),
})  # fmt: skip
EXPECTED_ERRORS = [
    (34, "试题类型", "填空题", "unknown_type"),
    (35, "题目", "", "empty_stem"),
    (36, "正确答案", "AB", "single_needs_one"),
    (37, "正确答案", "A", "multiple_needs_two"),
    (38, "正确答案", "D", "answer_empty_option"),
    (39, "A", "1", "too_few_options"),
    (40, "正确答案", "也许", "bad_judge_answer"),
    (41, "难易程度", "4", "bad_difficulty"),
    (42, "题目", "", "empty_stem"),
    (42, "难易程度", "特难", "bad_difficulty"),
    (42, "正确答案", "AE", "answer_empty_option"),
    (43, "题目", "", "empty_stem"),  # the formula is not evaluated, and has no cached value
    (44, "C", "", "option_gap"),
]


@pytest.fixture
def bank_file(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "低压电工题库"
    sheet.append(["低压电工作业理论考试题库（2024版）"])
    sheet.merge_cells("A1:M1")
    sheet.append(HEADER)
    for number in range(3, max(ROWS) + 1):
        if number in ROWS:
            sheet.append([number - 2, *ROWS[number]])
        else:
            sheet.append([])
    notes = workbook.create_sheet("填写说明")
    notes.append(["本表用于说明，导入时忽略。"])
    judges = workbook.create_sheet("判断题")
    judges.append(["问题", "标准答案", "适用对象"])
    judges.append(["高压设备发生接地时室内不得接近故障点4米以内。", "✔", "高压电工"])
    judges.append(["绝缘靴可以作为基本安全用具长期带电操作。", "✘", "高压电工"])
    path = tmp_path / "低压电工题库.xlsx"
    workbook.save(path)
    return path


def test_realistic_bank_counts(bank_file):
    result = excel.parse(bank_file)
    assert Counter(q.type for q in result.questions) == {
        "single": 3,
        "multiple": 6,
        "judge": 19,
        "case": 1,
    }
    got = [(e.row, e.column, e.value, e.code) for e in result.errors]
    assert sorted(got) == sorted(EXPECTED_ERRORS)
    assert {e.sheet for e in result.errors} == {"低压电工题库"}
    assert result.skipped == [] and result.near_duplicates == []


def test_answer_forms(bank_file):
    questions = excel.parse(bank_file).questions
    main = {q.source.line: q for q in questions if q.source.sheet == "低压电工题库"}
    assert [main[n].correct_keys for n in (3, 4, 5)] == ["B", "C", "D"]
    assert [main[n].correct_keys for n in range(6, 12)] == ["ABD"] * 6
    judge_keys = [main[n].correct_keys for n in range(12, 28)]
    assert judge_keys == ["A", "B"] * 8
    assert [o.text for o in main[12].options] == ["正确", "错误"]
    assert [(o.text, o.correct) for o in main[29].options] == [("对", False), ("错", True)]
    assert [main[n].difficulty for n in range(3, 12)] == [1, 1, 2, 3, 1, 2, 3, 1, 3]
    assert main[3].category == ["电工作业", "低压电工"]
    assert main[4].category == ["电工作业", "低压电工"]
    assert main[4].tags == ["低压电工", "高压电工"]
    assert main[3].explanation == "手持电动工具用30mA。"
    # "以上都对" keeps the options in place; judge options never move.
    assert (main[3].shuffle_options, main[5].shuffle_options) == (True, False)
    assert main[12].shuffle_options is False
    assert all(q.text_format == "plain" for q in main.values())


def test_case_question_and_type_sheet(bank_file):
    result = excel.parse(bank_file)
    (case,) = [q for q in result.questions if q.type == "case"]
    assert case.source.line == 30 and case.difficulty == 3
    assert case.category == ["建筑施工", "案例"] and case.tags == ["项目负责人"]
    assert [(s.type, s.correct_keys) for s in case.sub_questions] == [
        ("single", "A"),
        ("multiple", "ABD"),
        ("judge", "A"),
    ]
    typed = [q for q in result.questions if q.source.sheet == "判断题"]
    assert [(q.source.line, q.type, q.correct_keys, q.tags) for q in typed] == [
        (2, "judge", "A", ["高压电工"]),
        (3, "judge", "B", ["高压电工"]),
    ]


def test_excel_round_trip(bank_file, tmp_path):
    first = excel.parse(bank_file)
    out = tmp_path / "export.xlsx"
    excel_out.write(first.questions, out)
    second = excel.parse(out)
    assert second.errors == []
    assert second.questions == first.questions
    assert excel.parse(excel_out.write(second.questions)).questions == first.questions


def test_html_and_formula_looking_text_survive_a_round_trip(tmp_path):
    from question_banks.imports import ParsedOption, ParsedQuestion

    question = ParsedQuestion(
        "single",
        "<p>读数为 <b>=A1+1</b> 时</p>",
        [ParsedOption("A", "=SUM(1,2)", True), ParsedOption("B", "<i>二</i>")],
        text_format="html",
    )
    (again,) = excel.parse(excel_out.write([question])).questions
    assert again == question


def test_missing_header_and_not_a_workbook(tmp_path):
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号"])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    assert [e.code for e in excel.parse(path).errors] == ["no_header"]
    assert [e.code for e in excel.parse(b"not a zip").errors] == ["bad_file"]


def test_sheet_without_type_column_or_type_name(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.active.append(["题干", "答案"])
    workbook.active.append(["某题", "A"])
    path = tmp_path / "bank.xlsx"
    workbook.save(path)
    (error,) = excel.parse(path).errors
    assert (error.row, error.column, error.code) == (1, "题型", "no_type_column")
