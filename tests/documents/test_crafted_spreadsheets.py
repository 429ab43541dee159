"""Crafted spreadsheets: a 118 KB .xlsx declaring 30 million empty cells in one row got a web
worker killed for memory; a 195 KB file with one 190 MB cell took 27 s and 1.5 GB; the
question import had no unpacked-size check at all.

Every import path (the roster upload page, import_roster, import_certificates,
import_questions) now refuses each of them with a message in Chinese, before openpyxl parses
anything, and writes nothing; the reader's own memory stays bounded (a child Python under a
512 MB address-space limit reads them all and lives); big files are read by a child process
with memory and time limits, which gives the same rows as reading in-process."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from certificates.models import Certificate
from documents.errors import FileProblem
from documents.sheets import read_sheets
from question_banks.models import Question, QuestionBank
from roster.imports import read_roster
from roster.models import AuditLog, Enterprise, Person
from tests.documents import crafted
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# What each file is refused with, in the site's language (Simplified Chinese).
UNPACKED = "表格解压后过大"
DECLARED = "工作表声明的范围为 A1:XFD1048576"
ROWS = "文件超过 100000 行"
COLUMNS = "文件超过 256 列"
CELL = "有单元格超过 32767 个字符"
PACKED = "表格的压缩比"
NOT_A_WORKBOOK = "此文件不是有效的 .xlsx 工作簿"


@pytest.fixture(scope="module")
def files():
    """Built once: the 30-million-cell row and the 190 MB string take a second each."""
    return {
        "30 million empty cells in one row": (crafted.wide_row(), UNPACKED),
        "one 190 MB shared string": (crafted.huge_shared_string(190_000_000), UNPACKED),
        "a cell in Excel's last row and column": (crafted.far_cell(), DECLARED),
    }


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Every refusal must come before openpyxl parses the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a crafted file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


NAMES = [
    "30 million empty cells in one row",
    "one 190 MB shared string",
    "a cell in Excel's last row and column",
]


# ------------------------------------------------------------------ the four import paths


@pytest.mark.parametrize("name", NAMES)
def test_the_roster_upload_page_refuses_each_crafted_file_and_writes_nothing(
    client, world, settings, files, no_openpyxl, name
):
    data, expected = files[name]
    client.force_login(world.enterprise_admin)
    people, audits = Person.objects.count(), AuditLog.objects.count()
    response = client.post(
        reverse("roster:import"), {"file": SimpleUploadedFile("roster.xlsx", data)}
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert expected in error
    assert "preview" not in response.context
    assert (Person.objects.count(), AuditLog.objects.count()) == (people, audits)
    assert not (settings.MEDIA_ROOT / "imports").exists()  # nothing kept for a confirm


@pytest.mark.parametrize("name", NAMES)
def test_import_roster_refuses_each_crafted_file_and_writes_nothing(
    world, tmp_path, files, no_openpyxl, name
):
    data, expected = files[name]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    people = Person.objects.count()
    with pytest.raises(CommandError, match=expected):
        call_command("import_roster", str(path), stdout=io.StringIO())
    assert Person.objects.count() == people


@pytest.mark.parametrize("name", NAMES)
def test_import_certificates_refuses_each_crafted_file_and_writes_nothing(
    world, tmp_path, files, no_openpyxl, name
):
    data, expected = files[name]
    path = tmp_path / "certificates.xlsx"
    path.write_bytes(data)
    certificates = Certificate.objects.count()
    with pytest.raises(CommandError, match=expected):
        call_command("import_certificates", str(path), stdout=io.StringIO())
    assert Certificate.objects.count() == certificates


@pytest.mark.parametrize("name", NAMES)
def test_import_questions_refuses_each_crafted_file_and_writes_nothing(
    db, tmp_path, files, no_openpyxl, name
):
    data, expected = files[name]
    path = tmp_path / "bank.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(path), "--bank", "NEW", "--create-bank", "新题库", stdout=out
        )
    assert expected in out.getvalue()
    assert not QuestionBank.objects.filter(code="NEW").exists()
    assert Question.objects.count() == 0


# ------------------------------------------------------------------ each check on its own


@pytest.fixture
def loose(settings):
    """Size and ratio checks out of the way, so the streaming counters are what stops a file."""
    settings.SPREADSHEET_LIMITS = {
        **settings.SPREADSHEET_LIMITS,
        "MAX_UNZIPPED_BYTES": 1024**3,
        "MAX_PART_BYTES": 1024**3,
        "MAX_COMPRESSION_RATIO": 10_000,
        "IN_PROCESS_BYTES": 1024**3,
    }


def refusal(data: bytes, name: str = "crafted.xlsx") -> str:
    with pytest.raises(FileProblem) as refused:
        read_sheets(data, name)
    return str(refused.value)


def test_a_row_of_30_million_cells_is_counted_and_stopped_at_the_column_limit(
    files, loose, no_openpyxl
):
    data, _expected = files["30 million empty cells in one row"]
    assert COLUMNS in refusal(data)


def test_a_190_mb_string_is_stopped_at_the_cell_length_limit(files, loose, no_openpyxl):
    data, _expected = files["one 190 MB shared string"]
    assert CELL in refusal(data)


def test_a_far_cell_is_counted_even_without_a_declared_size(no_openpyxl):
    rows = [crafted.header_row(), b'<row r="3"><c r="XFD1048576"/></row>']
    assert ROWS in refusal(crafted.replace_parts({crafted.SHEET: crafted.sheet_xml(rows)}))


def test_a_declared_size_beyond_the_limits_is_refused(no_openpyxl):
    assert DECLARED in refusal(crafted.lying_dimension())


def test_too_many_rows_are_refused(no_openpyxl, settings):
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "MAX_ROWS": 500}
    assert "文件超过 500 行" in refusal(crafted.many_rows(600))


def test_too_many_cells_are_refused(no_openpyxl, settings):
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "MAX_CELLS": 100}
    assert "文件超过 100 个单元格" in refusal(crafted.many_rows(150))


def test_a_long_cell_in_short_runs_is_refused(no_openpyxl):
    assert CELL in refusal(crafted.long_inline_cell(40_000))


def test_a_part_compressed_like_a_zip_bomb_is_refused(no_openpyxl):
    assert PACKED in refusal(crafted.wide_row(cells=2_000_000))  # 8 MB packed into ~8 KB


def test_a_dtd_with_entities_is_refused(no_openpyxl):
    assert NOT_A_WORKBOOK in refusal(crafted.entity_bomb())


def test_too_much_text_in_all_is_refused(settings):
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "MAX_TEXT_CHARS": 1000}
    data = xlsx_bytes([HEADERS, *[["王" * 30] * 9 for _ in range(10)]])
    assert "文件中的文字超过 1000 个字符" in refusal(data)


def test_a_csv_is_held_to_the_same_limits(settings):
    settings.SPREADSHEET_LIMITS = {
        **settings.SPREADSHEET_LIMITS,
        "MAX_ROWS": 50,
        "MAX_COLUMNS": 20,
    }
    assert "文件超过 50 行" in refusal("姓名,身份证号\n".encode() + b"a,b\n" * 60, "r.csv")
    assert "文件超过 20 列" in refusal(("," * 30).encode(), "r.csv")
    assert CELL in refusal(b"a," + b"x" * 40_000, "r.csv")
    assert CELL in refusal(b"a," + b"x" * 200_000, "r.csv")  # past csv's own field limit


def test_files_within_the_limits_read_as_before(world):
    data = xlsx_bytes([HEADERS, roster_row(make_id_number(seq=3101), world.ent_a.uscc)])
    parsed = read_roster(data, "roster.xlsx", enterprises=Enterprise.objects.all())
    assert parsed.errors == [] and len(parsed.rows) == 1


# ------------------------------------------------------------------ memory and time


def test_the_reader_stays_within_512_mb_on_every_crafted_file(files, tmp_path):
    """Before the checks, openpyxl needed gigabytes for the first two. Here a child Python,
    limited to 512 MB of address space, reads each file with the size and ratio checks off
    (so only the streaming counters stand between it and the file) and lives to say why it
    refused each one."""
    paths = []
    for number, name in enumerate(NAMES):
        path = tmp_path / f"{number}.xlsx"
        path.write_bytes(files[name][0])
        paths.append(str(path))
    script = textwrap.dedent(
        """
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (512 * 1024**2, 512 * 1024**2))
        import django
        django.setup()
        from django.conf import settings
        from documents.errors import FileProblem
        from documents.sheets import read_sheets
        settings.SPREADSHEET_LIMITS.update(
            MAX_UNZIPPED_BYTES=1024**3, MAX_PART_BYTES=1024**3,
            MAX_COMPRESSION_RATIO=10_000, IN_PROCESS_BYTES=1024**3,
        )
        answers = []
        for path in sys.argv[1:]:
            with open(path, "rb") as fh:
                data = fh.read()
            try:
                read_sheets(data, path)
                answers.append("read")
            except FileProblem as exc:
                answers.append(str(exc))
        print(json.dumps(answers))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout.splitlines()[-1])
    assert [COLUMNS in answers[0], CELL in answers[1], DECLARED in answers[2]] == [True] * 3


@pytest.fixture
def in_child(settings):
    """Every file is read by the limited child process."""
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "IN_PROCESS_BYTES": 0}


def test_a_big_file_read_in_the_child_process_gives_the_same_rows(world, settings):
    rows = [
        HEADERS,
        roster_row(make_id_number(seq=3102), world.ent_a.uscc),
        roster_row(make_id_number(seq=3103), world.ent_a.uscc, **{"入职日期": dt.date(2021, 3, 4)}),
        ["王五", 12.5, 13800138000, True, None, "=1+1", "", "", dt.datetime(2020, 1, 2, 3, 4)],  # noqa: DTZ001
    ]
    data = xlsx_bytes(rows)
    here = read_sheets(data, "roster.xlsx")
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "IN_PROCESS_BYTES": 0}
    there = read_sheets(data, "roster.xlsx")
    assert [(s.title, s.rows) for s in there] == [(s.title, s.rows) for s in here]
    csv = "姓名,身份证号\n张三,'=1+1\n".encode("gb18030")
    assert read_sheets(csv, "r.csv")[0].rows == [("姓名", "身份证号"), ("张三", "=1+1")]


def test_a_refusal_in_the_child_process_reaches_the_uploader(in_child, no_openpyxl):
    assert CELL in refusal(crafted.long_inline_cell(40_000))


def test_a_child_that_runs_out_of_memory_is_a_refusal_and_this_process_lives(in_child, settings):
    settings.SPREADSHEET_LIMITS = {
        **settings.SPREADSHEET_LIMITS,
        "PARSE_MEMORY_BYTES": 1024**2,  # too little for Python to read anything
    }
    data = xlsx_bytes([HEADERS])
    assert "读取文件所需内存超过允许的上限" in refusal(data)


def test_a_child_that_runs_out_of_time_is_stopped_and_the_upload_refused(in_child, settings):
    settings.SPREADSHEET_LIMITS = {**settings.SPREADSHEET_LIMITS, "PARSE_SECONDS": 0}
    assert "读取文件超过 0 秒" in refusal(xlsx_bytes([HEADERS]))
