"""The roster export: the import template, text cells, round trip, masking per role, audit."""

import datetime as dt
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from roster.choices import EmploymentForm, PersonnelCategory
from roster.identity import mask_id_number
from roster.imports import read_roster
from roster.models import AuditLog, Employment, Enterprise
from roster.services.imports import roster_export, roster_import
from tests.factories import EmploymentFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("roster:export")
TEMPLATE = ["姓名", "身份证号", "手机号", "企业名称", "统一社会信用代码", "部门", "岗位/工种",
            "人员类别", "用工形式", "入职日期"]  # fmt: skip


def everyone():
    return Employment.objects.current().select_related("person", "enterprise", "department")


def export_sheet(employments=None):
    content, _count = roster_export(
        employments=employments if employments is not None else everyone(),
        actor=None,
        unmasked_enterprises=None,
    )
    return openpyxl.load_workbook(BytesIO(content)).worksheets[0]


def rows_by_id(sheet):
    rows = list(sheet.iter_rows(min_row=2))
    return {row[1].value: row for row in rows}


@pytest.fixture
def welder(world):
    person = PersonFactory(name="赵焊工", phone="13800138000")
    return EmploymentFactory(
        person=person,
        enterprise=world.ent_a,
        category=PersonnelCategory.CONSTRUCTION_C2,
        employment_form=EmploymentForm.DISPATCHED,
        post="焊工",
        hire_date=dt.date(2022, 4, 1),
    )


def test_the_header_row_is_the_import_template(world):
    assert [c.value for c in export_sheet()[1]] == TEMPLATE


def test_id_numbers_and_phones_are_text_cells(welder):
    row = rows_by_id(export_sheet())[welder.person.id_number]
    assert row[1].data_type == "s" and row[1].number_format == "@"
    assert row[2].value == "13800138000" and row[2].number_format == "@"


def test_the_hire_date_is_a_real_date_cell(welder):
    row = rows_by_id(export_sheet())[welder.person.id_number]
    assert row[9].value == dt.datetime(2022, 4, 1)  # noqa: DTZ001 - Excel dates are naive
    assert row[9].is_date


def test_category_and_employment_form_are_written_in_chinese(welder):
    row = rows_by_id(export_sheet())[welder.person.id_number]
    assert (row[7].value, row[8].value) == ("专职安全生产管理人员(C2)", "劳务派遣")


def test_text_that_looks_like_a_formula_stays_text(world):
    person = PersonFactory(name="=HYPERLINK(1)")
    EmploymentFactory(person=person, enterprise=world.ent_a)
    row = rows_by_id(export_sheet())[person.id_number]
    assert row[0].data_type == "s"


def test_an_export_imports_back_unchanged(world, welder):
    content, count = roster_export(employments=everyone(), actor=None, unmasked_enterprises=None)
    rows = read_roster(content, "roster.xlsx", enterprises=Enterprise.objects.all())
    result = roster_import(rows=rows, actor=None, only_valid=False, dry_run=False)
    assert rows.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, count)


def test_the_command_writes_every_current_employment_unmasked(world, welder, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export_roster", "-o", str(path), stdout=StringIO())
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert set(rows_by_id(sheet)) == set(everyone().values_list("person__id_number", flat=True))
    assert AuditLog.objects.get(action="roster.export").data["via"] == "command"


def test_the_command_can_keep_one_enterprise(world, welder, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("export_roster", "-o", str(path), "--enterprise", world.ent_b.uscc)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert list(rows_by_id(sheet)) == [world.person_b.id_number]


# The web export ----------------------------------------------------------------------


def download(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).worksheets[0]
    return {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_an_enterprise_admin_gets_their_people_unmasked(client, world):
    rows = download(client, world.enterprise_admin)
    assert rows[world.person_a.name][1] == world.person_a.id_number
    assert world.person_b.name not in rows


def test_a_regulator_gets_masked_id_numbers(client, world):
    rows = download(client, world.regulator_county)
    assert rows[world.person_a.name][1] == mask_id_number(world.person_a.id_number)


def test_a_trainer_gets_masked_phones(client, world, welder):
    Employment.objects.filter(pk=welder.pk).update(enterprise=world.ent_b)
    rows = download(client, world.trainer)
    assert rows["赵焊工"][2] == "138****8000"


def test_a_system_admin_gets_everything_unmasked(client, world):
    rows = download(client, world.system_admin)
    assert rows[world.person_other.name][1] == world.person_other.id_number


def test_a_trainee_may_not_export(client, world):
    client.force_login(world.trainee)
    assert client.get(URL).status_code == 403


def test_the_roster_filters_apply(client, world, welder):
    rows = download(client, world.enterprise_admin, category=PersonnelCategory.CONSTRUCTION_C2)
    assert list(rows) == ["赵焊工"]


def test_an_enterprise_outside_the_scope_is_not_found(client, world):
    client.force_login(world.enterprise_admin)
    assert client.get(URL, {"enterprise": world.ent_b.uscc}).status_code == 404


def test_the_web_export_is_audited(client, world):
    download(client, world.regulator_county, enterprise=world.ent_a.uscc)
    audit = AuditLog.objects.get(action="roster.export")
    assert audit.actor == world.regulator_county and audit.data["masked"] is True
    assert audit.data["enterprise"] == world.ent_a.uscc and audit.data["count"] == 1


def test_the_web_export_does_not_query_per_person(client, world, django_assert_max_num_queries):
    for _ in range(30):
        EmploymentFactory(enterprise=world.ent_a, department=None)
    client.force_login(world.enterprise_admin)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
