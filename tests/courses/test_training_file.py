"""The training file (一人一档): page, PDF and .xlsx, scoped like the roster and audited."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from courses.models import CreditEntry
from courses.services.records import safety_education_record
from courses.training_file import sections, training_file, training_file_xlsx
from roster.models import AuditLog


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def records(world):
    safety_education_record(
        person=world.person_a,
        enterprise=world.ent_a,
        level="company",
        reason="new_hire",
        held_on=dt.date(2020, 3, 1),
        hours=Decimal(8),
        actor=None,
    )
    CreditEntry.objects.create(
        person=world.person_a,
        on=dt.date(2025, 6, 1),
        source="classroom",
        training_kind="retraining",
        minutes=45 * 3,
    )
    return world


def test_file_data_has_hours_per_year_and_kind_and_safety_education(records):
    tf = training_file(person=records.person_a, on=dt.date(2025, 12, 31))

    assert tf.hours_by_kind[2025] == {"retraining": Decimal(3)}
    assert tf.hours_by_kind[2020] == {"pre_job": Decimal(8)}
    assert tf.compliance[0].year == 2025
    assert tf.education_status.missing_levels == ("workshop", "team")


def test_xlsx_is_chinese_and_has_every_section(records):
    tf = training_file(person=records.person_a, on=dt.date(2025, 12, 31))

    book = load_workbook(io.BytesIO(training_file_xlsx(tf, id_number="X")))

    # Every section a sheet, those other apps register (知识竞赛) included.
    assert len(book.sheetnames) == len(sections(tf, id_number="X"))
    assert "知识竞赛" in book.sheetnames
    head = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert records.person_a.name in head.values()
    assert "X" in head.values()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("enterprise_admin", 200),
        ("regulator_county", 200),
        ("system_admin", 200),
        ("trainee", 200),  # their own file
        ("regulator_township_chem", 404),
        ("trainer", 404),
        ("no_role", 404),
    ],
)
def test_file_page_scope_per_role(client, records, role, status):
    client.force_login(getattr(records, role))

    response = client.get(f"/courses/file/{records.person_a.pk}/")

    assert response.status_code == status


def test_trainee_cannot_see_someone_elses_file(client, world):
    client.force_login(world.trainee)

    assert client.get(f"/courses/file/{world.person_b.pk}/").status_code == 404
    assert client.get(f"/courses/file/{world.person_b.pk}.pdf").status_code == 404


def test_trainee_sees_their_own_file_at_file(client, records):
    client.force_login(records.trainee)

    response = client.get("/courses/file/")

    assert response.status_code == 200
    assert records.person_a.name in response.content.decode()


def test_staff_view_and_exports_are_audited(client, records):
    client.force_login(records.enterprise_admin)
    pk = records.person_a.pk

    client.get(f"/courses/file/{pk}/")
    pdf = client.get(f"/courses/file/{pk}.pdf")
    xlsx = client.get(f"/courses/file/{pk}.xlsx")

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert xlsx.status_code == 200
    actions = set(
        AuditLog.objects.filter(actor=records.enterprise_admin, target_id=str(pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "courses.training_file_view",
        "courses.training_file_pdf",
        "courses.training_file_xlsx",
    }


def test_enterprise_workbook_has_one_row_per_person_and_year(client, records):
    client.force_login(records.enterprise_admin)

    response = client.get(f"/courses/file/enterprise.xlsx?enterprise={records.ent_a.uscc}")

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 2  # header, then person_a for last year and this year
    assert rows[1][0] == records.person_a.name
    assert AuditLog.objects.filter(action="courses.training_records_export").exists()


def test_enterprise_workbook_out_of_scope_is_404(client, records):
    client.force_login(records.enterprise_admin)

    response = client.get(f"/courses/file/enterprise.xlsx?enterprise={records.ent_b.uscc}")

    assert response.status_code == 404
