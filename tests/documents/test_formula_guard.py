"""Formula injection in exports: names beginning with "=" were written as live formulas in the
training-file .xlsx, the enterprise training workbook and the exam results .xlsx.

Every .xlsx the product writes now stores text as string cells (openpyxl ``data_type "s"``,
the value unchanged, so exports re-import to the same data), every .csv prefixes risky text
with an apostrophe, numbers and dates keep their types, and no module but documents/ writes
a spreadsheet itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from certificates.models import CertificateType
from certificates.services.issuing import certificate_issue
from courses.training_file import enterprise_training_xlsx, training_file, training_file_xlsx
from documents.csvfile import csv_bytes
from documents.guard import csv_text, looks_like_formula, unguard
from documents.sheets import read_sheets
from question_banks.exports import excel as excel_out
from question_banks.exports.results import results_xlsx
from question_banks.imports import excel
from question_banks.imports.model import ParsedOption, ParsedQuestion
from question_banks.models import Question, QuestionBank
from reports.exports import table_csv, table_xlsx
from reports.selectors import ReportParams, Row, Table
from roster.imports import read_roster
from roster.models import Employment, Enterprise
from roster.services.imports import roster_export, roster_import
from tests.factories import exams_elsewhere

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = [HYPERLINK, "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1"]


def cells_with(book, value) -> list:
    return [
        c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value == value
    ]


def the_cell(content: bytes, value):
    (cell,) = cells_with(openpyxl.load_workbook(io.BytesIO(content)), value)
    return cell


@pytest.fixture
def hyperlinked(world):
    person = world.person_a
    person.name = HYPERLINK
    person.save(update_fields=["name"])
    return person


# ------------------------------------------------------------------ the guard itself


@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_start_is_recognised_and_prefixed_for_csv(text):
    assert looks_like_formula(text)
    assert csv_text(text) == "'" + text
    assert unguard(csv_text(text)) == text


@pytest.mark.parametrize(
    "value", ["张三", "'=quoted by hand", "a=b", "", 5, -5, 1.5, dt.date(2025, 1, 2)]
)
def test_other_values_pass_unchanged(value):
    assert csv_text(value) == value


def test_a_guarded_csv_reads_back_as_written():
    data = csv_bytes(["姓名", "分数"], [["=1+1", -3], ["@x", 2.5], ["张三", None]])
    assert data.decode("utf-8-sig").splitlines() == ["姓名,分数", "'=1+1,-3", "'@x,2.5", "张三,"]
    (sheet,) = read_sheets(data, "out.csv")
    assert sheet.rows == [("姓名", "分数"), ("=1+1", "-3"), ("@x", "2.5"), ("张三", "")]


# ------------------------------------------------------------------ every exporter


def test_the_roster_export_writes_a_formula_name_as_text_and_reimports_it(hyperlinked):
    everyone = Employment.objects.current().select_related("person", "enterprise", "department")
    content, count = roster_export(employments=everyone, actor=None, unmasked_enterprises=None)
    cell = the_cell(content, HYPERLINK)
    assert cell.data_type == "s"
    parsed = read_roster(content, "roster.xlsx", enterprises=Enterprise.objects.all())
    assert parsed.errors == []
    assert HYPERLINK in {row.data.name for row in parsed.rows}
    result = roster_import(rows=parsed, actor=None, only_valid=False, dry_run=False)
    assert (result.created, result.updated, result.unchanged) == (0, 0, count)


def test_the_holders_export_writes_a_formula_name_as_text(client, world, hyperlinked):
    certificate_issue(
        person=hyperlinked,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=world.system_admin,
        elsewhere=exams_elsewhere(),
    )
    client.force_login(world.system_admin)
    response = client.get(reverse("certificates:holders_export"))
    assert response.status_code == 200
    cells = cells_with(openpyxl.load_workbook(io.BytesIO(response.content)), HYPERLINK)
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_exam_results_workbook_writes_a_formula_name_as_text():
    session = SimpleNamespace(
        name="=SUM(1)",
        opens_at=dt.datetime(2025, 5, 6, 9, tzinfo=dt.UTC),
        closes_at=dt.datetime(2025, 5, 6, 11, tzinfo=dt.UTC),
    )
    rows = [
        {
            "person": SimpleNamespace(name=HYPERLINK, id_number_masked="1101**********0011"),
            "enterprise": "@公司",
            "attempts": 2,
            "score": Decimal("87.5"),
            "state": "passed",
            "seconds_used": 1800,
        }
    ]
    content = results_xlsx(session, rows)
    for text in (HYPERLINK, "@公司", "=SUM(1)"):
        assert the_cell(content, text).data_type == "s"
    assert the_cell(content, 87.5).data_type == "n"
    assert the_cell(content, 30.0).data_type == "n"


def test_the_training_file_workbook_writes_a_formula_name_as_text(hyperlinked):
    content = training_file_xlsx(training_file(person=hyperlinked), id_number="X")
    assert the_cell(content, HYPERLINK).data_type == "s"


def test_the_enterprise_training_workbook_writes_a_formula_name_as_text(hyperlinked):
    employments = Employment.objects.current().filter(person=hyperlinked)
    content, _count = enterprise_training_xlsx(employments, years=[2025])
    book = openpyxl.load_workbook(io.BytesIO(content))
    (row,) = list(book.worksheets[0].iter_rows(min_row=2))
    assert (row[0].value, row[0].data_type) == (HYPERLINK, "s")
    assert (row[4].value, row[4].data_type) == (2025, "n")  # numbers stay numbers
    assert row[5].data_type == "n"


def test_the_question_export_writes_formula_text_as_text_and_reimports_it():
    question = ParsedQuestion(
        "single",
        "=1+1 等于几？",
        [ParsedOption("A", "+2", True), ParsedOption("B", "-3"), ParsedOption("C", "@4")],
        explanation='=HYPERLINK("http://x","y")',
        category=["电工"],
        difficulty=2,
    )
    content = excel_out.write([question])
    for text in ("=1+1 等于几？", "+2", "-3", "@4", question.explanation):
        assert the_cell(content, text).data_type == "s"
    assert the_cell(content, 2).data_type == "n"
    (again,) = excel.parse(content).questions
    assert (again.stem, [o.text for o in again.options], again.explanation) == (
        question.stem,
        ["+2", "-3", "@4"],
        question.explanation,
    )


def test_export_questions_and_import_questions_round_trip_formula_text(tmp_path):
    source = tmp_path / "in.xlsx"
    question = ParsedQuestion(
        "judge", "=1+1", [ParsedOption("A", "对", True), ParsedOption("B", "错")]
    )
    source.write_bytes(excel_out.write([question]))
    call_command(
        "import_questions", str(source), "--bank", "A", "--create-bank", "甲", stdout=io.StringIO()
    )
    out = tmp_path / "out.xlsx"
    call_command(
        "export_questions", "--bank", "A", "--format", "xlsx", "-o", str(out), stdout=io.StringIO()
    )
    assert the_cell(out.read_bytes(), "=1+1").data_type == "s"
    call_command(
        "import_questions", str(out), "--bank", "B", "--create-bank", "乙", stdout=io.StringIO()
    )
    stems = {
        code: [q.current_version.stem for q in Question.objects.filter(bank__code=code)]
        for code in ("A", "B")
    }
    assert stems["A"] == stems["B"] and len(stems["B"]) == 1
    assert QuestionBank.objects.count() == 2


def report_table() -> Table:
    values = {"required": 4, "holding": 3, "certification_rate": 0.75, "people": 5}
    return Table(
        by="enterprise",
        rows=[Row(code="=1+1", name=HYPERLINK, values=values), Row("-5", "@某公司", values)],
        total={**values, "required": 8, "holding": 6},
    )


def test_the_report_workbook_writes_names_as_text_and_figures_as_numbers():
    params = ReportParams(on=dt.date(2025, 6, 30), region=None)
    content = table_xlsx(report_table(), params)
    for text in (HYPERLINK, "=1+1", "@某公司", "-5"):
        assert the_cell(content, text).data_type == "s"
    rates = cells_with(openpyxl.load_workbook(io.BytesIO(content)), 0.75)
    assert rates and all(c.data_type == "n" and c.number_format == "0.00%" for c in rates)


def test_the_report_csv_prefixes_risky_text_and_keeps_numbers():
    rows = list(csv.reader(io.StringIO(table_csv(report_table()).decode("utf-8-sig"))))
    assert rows[1][:5] == ["'=1+1", "'" + HYPERLINK, "4", "3", "0.7500"]
    assert rows[2][:5] == ["'-5", "'@某公司", "4", "3", "0.7500"]


# ------------------------------------------------------------------ one writer


WRITERS = re.compile(
    r"\bWorkbook\s*\(|\bWriteOnlyCell\b|csv\.writer\b|csv\.DictWriter\b|\.to_excel\s*\(|"
    r"\.to_csv\s*\(|ExcelWriter\b|from openpyxl import Workbook"
)


def test_only_the_documents_module_writes_spreadsheets():
    """Every exporter goes through documents.xlsx / documents.csvfile, so the guard is never
    skipped by a new export written the old way."""
    skipped = {"documents", "tests", "bench", "media", "var", "node_modules"}
    folders = [p for p in ROOT.iterdir() if p.is_dir() and not p.is_symlink()]
    offenders = [
        str(path.relative_to(ROOT))
        for folder in folders
        if folder.name not in skipped and not folder.name.startswith(".")
        for path in folder.rglob("*.py")
        if WRITERS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
