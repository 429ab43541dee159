"""Reading and checking roster files: roster.imports (no writes happen here)."""

import codecs
import datetime as dt

import pytest
from django.utils import translation

from roster.choices import EmploymentForm, PersonnelCategory
from roster.imports import FileProblem, read_roster
from roster.models import Enterprise
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db

ID = make_id_number(seq=501)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(rows, filename="roster.xlsx", *, enterprise=None, enterprises=None, data=None):
    return read_roster(
        data if data is not None else xlsx_bytes(rows),
        filename,
        enterprises=enterprises if enterprises is not None else Enterprise.objects.all(),
        enterprise=enterprise,
    )


def only_row(parsed):
    assert parsed.errors == []
    (row,) = parsed.rows
    return row.data


# Headers -----------------------------------------------------------------------------


def test_a_valid_template_row_becomes_person_data(world):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc)]))
    assert (data.id_number, data.name, data.enterprise) == (ID, "王小明", world.ent_a)
    assert data.category == PersonnelCategory.SPECIAL_OPERATOR
    assert data.department_name == "机修车间" and data.post == "低压电工作业"
    assert data.hire_date == dt.date(2023, 5, 6) and data.phone == "13800138000"


def test_header_synonyms_are_recognised(world):
    headers = [
        "名字",
        "证件号码",
        "联系电话",
        "信用代码",
        "车间",
        "工种",
        "人员类型",
        "用工性质",
        "进厂日期",
    ]
    data = only_row(parse([headers, roster_row(ID, world.ent_a.uscc)]))
    assert data.phone == "13800138000" and data.department_name == "机修车间"
    assert data.post == "低压电工作业" and data.hire_date == dt.date(2023, 5, 6)


def test_headers_with_required_marks_spaces_and_hints_are_recognised(world):
    headers = ["*姓 名", "身份证号码（18位）", *HEADERS[2:5], "岗位", *HEADERS[6:8]]
    headers.append("入职日期(yyyy-mm-dd)")
    data = only_row(parse([headers, roster_row(ID, world.ent_a.uscc)]))
    assert data.id_number == ID and data.hire_date == dt.date(2023, 5, 6)


def test_title_rows_above_the_header_are_skipped_and_row_numbers_match_excel(world):
    rows = [
        ["2025年度从业人员花名册"],
        ["填报单位：城关机械厂"],
        HEADERS,
        roster_row(ID, world.ent_a.uscc),
        roster_row(make_id_number(seq=502), world.ent_a.uscc, 人员类别="厨师"),
    ]
    parsed = parse(rows)
    assert [r.row for r in parsed.rows] == [4]
    assert [(e.row, e.column) for e in parsed.errors] == [(5, "人员类别")]


def test_missing_required_headers_are_named():
    with pytest.raises(FileProblem, match="人员类别"):
        parse([["姓名", "身份证号", "手机号"], ["王小明", ID, "13800138000"]])


def test_a_sheet_without_any_known_header_is_refused():
    with pytest.raises(FileProblem, match="No header row"):
        parse([["a", "b"], [1, 2]])


def test_an_empty_sheet_is_refused():
    with pytest.raises(FileProblem, match="empty"):
        parse([])


def test_without_an_enterprise_column_or_choice_the_file_is_refused():
    with pytest.raises(FileProblem, match="统一社会信用代码"):
        parse([["姓名", "身份证号", "人员类别"], ["王小明", ID, "特种作业人员"]])


# Whole files -------------------------------------------------------------------------


def test_a_wrong_file_type_is_refused():
    with pytest.raises(FileProblem, match=r"\.xlsx.*\.csv"):
        parse([], "roster.pdf", data=b"%PDF-1.4")


def test_a_text_file_named_xlsx_is_refused():
    with pytest.raises(FileProblem, match=r"not a real \.xlsx"):
        parse([], "roster.xlsx", data="姓名,身份证号".encode())


def test_an_old_xls_file_is_refused_with_advice():
    with pytest.raises(FileProblem, match="save"):
        parse([], "roster.xls", data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


def test_an_oversize_file_is_refused_before_reading(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(FileProblem, match="up to 100"):
        parse([], "roster.csv", data=b"x" * 101)


def test_a_formula_is_not_evaluated(world):
    row = roster_row(ID, world.ent_a.uscc, 姓名='=CONCAT("王","小明")')
    parsed = parse([HEADERS, row])
    assert [(e.column, e.reason) for e in parsed.errors] == [("姓名", "The name is missing.")]


def csv_bytes(rows, encoding="utf-8"):
    return "\r\n".join(",".join(str(v) for v in r) for r in rows).encode(encoding)


def test_a_utf8_csv_with_bom_is_read(world):
    data = codecs.BOM_UTF8 + csv_bytes([HEADERS, roster_row(ID, world.ent_a.uscc)])
    assert only_row(parse([], "roster.csv", data=data)).name == "王小明"


def test_a_gb18030_csv_from_chinese_excel_is_read(world):
    data = csv_bytes([HEADERS, roster_row(ID, world.ent_a.uscc)], encoding="gb18030")
    assert only_row(parse([], "roster.csv", data=data)).department_name == "机修车间"


def test_a_csv_with_an_id_excel_wrote_in_scientific_notation_is_reported(world):
    data = csv_bytes([HEADERS, roster_row("1.40402199001012E+17", world.ent_a.uscc)])
    (error,) = parse([], "roster.csv", data=data).errors
    assert error.column == "身份证号" and "converted this ID number to a number" in error.reason


# Cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2023, 5, 6),  # noqa: DTZ001 - Excel date cells carry no time zone
        45052,  # the Excel serial number of 2023-05-06
        20230506,
        "2023/5/6",
        "2023-05-06",
        "2023年5月6日",
        "2023.05.06",
        "20230506",
        "2023-05-06 00:00:00",
    ],
)
def test_each_date_form_is_read(world, cell):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc, 入职日期=cell)]))
    assert data.hire_date == dt.date(2023, 5, 6)


def test_an_impossible_date_is_reported(world):
    (error,) = parse([HEADERS, roster_row(ID, world.ent_a.uscc, 入职日期="2023-02-30")]).errors
    assert (error.column, error.value) == ("入职日期", "2023-02-30")


def test_a_hire_date_in_the_future_is_reported(world):
    (error,) = parse([HEADERS, roster_row(ID, world.ent_a.uscc, 入职日期="2099-01-01")]).errors
    assert error.reason == "This date is in the future."


@pytest.mark.parametrize("cell", [13800138000, 13800138000.0])
def test_a_phone_in_a_number_cell_is_read(world, cell):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc, 手机号=cell)]))
    assert data.phone == "13800138000"


def test_full_width_and_ordinary_spaces_are_trimmed_everywhere(world):
    row = roster_row(
        f"\u3000{ID} ",
        f" {world.ent_a.uscc}\u3000",
        姓名="\u3000王小明 ",
        部门=" 机修车间\u3000",
        人员类别="\u3000特种作业人员",
        用工形式=" 劳务派遣 ",
    )
    data = only_row(parse([HEADERS, row]))
    assert (data.name, data.id_number, data.department_name) == ("王小明", ID, "机修车间")
    assert data.employment_form == EmploymentForm.DISPATCHED


def test_a_chinese_name_padded_with_a_space_is_joined(world):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc, 姓名="张\u3000三")]))
    assert data.name == "张三"


def test_a_lower_case_x_in_an_id_number_is_upper_cased(world):
    id_x = next(i for i in (make_id_number(seq=s) for s in range(600, 700)) if i.endswith("X"))
    data = only_row(parse([HEADERS, roster_row(id_x.lower(), world.ent_a.uscc)]))
    assert data.id_number == id_x


@pytest.mark.parametrize("cell", [1.40402199001012e17, 140402199001012000])
def test_an_id_number_excel_turned_into_a_number_is_reported_not_imported(world, cell):
    parsed = parse([HEADERS, roster_row(cell, world.ent_a.uscc)])
    (error,) = parsed.errors
    assert parsed.rows == []
    assert (error.row, error.column) == (2, "身份证号")
    assert "format the column as text" in error.reason


def test_an_excel_float_id_is_shown_as_excel_shows_it(world):
    (error,) = parse([HEADERS, roster_row(1.40402199001012e17, world.ent_a.uscc)]).errors
    assert error.value == "1.40402199001012E+17"


def test_an_id_number_with_a_wrong_check_digit_is_reported(world):
    wrong = ID[:17] + ("0" if ID[17] != "0" else "1")
    (error,) = parse([HEADERS, roster_row(wrong, world.ent_a.uscc)]).errors
    assert (error.column, error.value) == ("身份证号", wrong)
    assert "check digit" in error.reason


@pytest.mark.parametrize(
    ("cell", "category"),
    [
        ("主要负责人", PersonnelCategory.PRINCIPAL),
        ("安全生产管理人员", PersonnelCategory.SAFETY_MANAGER),
        ("建筑施工企业主要负责人(A)", PersonnelCategory.CONSTRUCTION_A),
        ("建筑施工企业主要负责人（A）", PersonnelCategory.CONSTRUCTION_A),
        ("A", PersonnelCategory.CONSTRUCTION_A),
        ("A类", PersonnelCategory.CONSTRUCTION_A),
        ("主要负责人(A)", PersonnelCategory.CONSTRUCTION_A),
        ("项目负责人(B)", PersonnelCategory.CONSTRUCTION_B),
        ("b类", PersonnelCategory.CONSTRUCTION_B),
        ("C1", PersonnelCategory.CONSTRUCTION_C1),
        ("专职安全生产管理人员(C2)", PersonnelCategory.CONSTRUCTION_C2),
        ("C3类", PersonnelCategory.CONSTRUCTION_C3),
        ("班组长", PersonnelCategory.TEAM_LEADER),
        ("一般从业人员", PersonnelCategory.GENERAL),
        ("从业人员", PersonnelCategory.GENERAL),
        ("其他从业人员", PersonnelCategory.GENERAL),
        ("普通员工", PersonnelCategory.GENERAL),
    ],
)
def test_personnel_category_values_and_synonyms_map_to_categories(world, cell, category):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc, 人员类别=cell)]))
    assert data.category == category


def test_an_unknown_category_is_reported_with_the_accepted_values(world):
    (error,) = parse([HEADERS, roster_row(ID, world.ent_a.uscc, 人员类别="厨师")]).errors
    assert (error.column, error.value) == ("人员类别", "厨师")
    assert "特种作业人员" in error.reason


@pytest.mark.parametrize(
    ("cell", "form"),
    [
        ("正式", EmploymentForm.REGULAR),
        ("正式工", EmploymentForm.REGULAR),
        ("合同工", EmploymentForm.REGULAR),
        ("", EmploymentForm.REGULAR),
        (None, EmploymentForm.REGULAR),
        ("劳务派遣", EmploymentForm.DISPATCHED),
        ("外包", EmploymentForm.OUTSOURCED),
        ("临时", EmploymentForm.TEMPORARY),
        ("临时工", EmploymentForm.TEMPORARY),
        ("灵活用工", EmploymentForm.FLEXIBLE),
    ],
)
def test_employment_form_values_map_and_blank_means_regular(world, cell, form):
    data = only_row(parse([HEADERS, roster_row(ID, world.ent_a.uscc, 用工形式=cell)]))
    assert data.employment_form == form


def test_a_duplicate_id_number_in_the_file_reports_both_rows(world):
    rows = [HEADERS, roster_row(ID, world.ent_a.uscc), roster_row(ID, world.ent_a.uscc)]
    parsed = parse(rows)
    assert parsed.rows == []
    assert [(e.row, e.reason) for e in parsed.errors] == [
        (2, "The same ID number is also on row 3."),
        (3, "The same ID number is also on row 2."),
    ]


def test_every_bad_row_and_cell_is_reported_not_only_the_first(world):
    rows = [
        HEADERS,
        roster_row(ID, world.ent_a.uscc, 姓名="", 人员类别="厨师"),
        roster_row(make_id_number(seq=503), world.ent_a.uscc),
        roster_row("123", world.ent_a.uscc, 手机号="12345", 入职日期="去年"),
    ]
    parsed = parse(rows)
    assert [r.row for r in parsed.rows] == [3]
    assert [(e.row, e.column) for e in parsed.errors] == [
        (2, "姓名"),
        (2, "人员类别"),
        (4, "身份证号"),
        (4, "手机号"),
        (4, "入职日期"),
    ]
    assert parsed.bad_row_numbers == [2, 4] and parsed.total_rows == 3


# Enterprises -------------------------------------------------------------------------


def test_an_enterprise_the_user_does_not_administer_is_a_bad_row(world):
    parsed = parse(
        [HEADERS, roster_row(ID, world.ent_b.uscc)],
        enterprises=Enterprise.objects.filter(pk=world.ent_a.pk),
    )
    (error,) = parsed.errors
    assert (error.column, error.value) == ("统一社会信用代码", world.ent_b.uscc)


def test_an_invalid_credit_code_is_a_bad_row(world):
    (error,) = parse([HEADERS, roster_row(ID, "91990102MA0000000X")]).errors
    assert error.column == "统一社会信用代码"


def test_the_chosen_enterprise_fills_a_file_without_the_code_column(world):
    rows = [["姓名", "身份证号", "人员类别"], ["王小明", ID, "班组长"]]
    assert only_row(parse(rows, enterprise=world.ent_b)).enterprise == world.ent_b


def test_a_row_naming_another_enterprise_than_the_chosen_one_is_bad(world):
    (error,) = parse([HEADERS, roster_row(ID, world.ent_b.uscc)], enterprise=world.ent_a).errors
    assert error.column == "统一社会信用代码" and world.ent_a.uscc in error.reason
