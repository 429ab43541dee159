"""The one reader of uploaded spreadsheets: every import (roster, certificates, questions, and
those to come) gets its rows from :func:`read_sheets`.

The limits are ``settings.SPREADSHEET_LIMITS`` (README, "Uploads"); what is checked, and why
each check is cheap, is in :mod:`documents.sheet_reader`. Where the reading runs:

* the checks run here, in the web process, first: they stream and keep counters only, so a
  hostile file costs this process no memory; they also measure the cells the sheets span;
* a file that passes, unpacks to at most ``IN_PROCESS_BYTES`` (16 MB: a roster of 20,000
  people is about 11 MB) and spans at most ``IN_PROCESS_CELLS`` cells (calamine holds a
  sheet as a dense range of that many cells) is then read here too, and what calamine can
  build from so little is small. Reading a 10,000-row roster in a child cost a third of
  its import's time (starting Python, the rows through JSON both ways; bench_imports.py);
* any other file is read by a child process (``python -m documents.sheet_reader``) that caps
  its own address space at ``PARSE_MEMORY_BYTES`` and its CPU time, and that this process
  stops after ``PARSE_SECONDS``. Whatever the file does, only the child can run out of memory
  or time; the web worker gets rows or a refusal. (Celery would not do here: without a broker
  the project runs tasks eagerly, in the web process itself, and the upload page waits for
  the rows anyway.)

A refusal is a :class:`~documents.errors.FileProblem` with a message in the uploader's
language; nothing has been written when it is raised.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path, PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import sheet_reader
from .errors import FileProblem
from .sheet_reader import Limits, Refused, Sheet

log = logging.getLogger(__name__)

_PROJECT_ROOT = Path(__file__).resolve().parent.parent
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt"}

__all__ = ["FileProblem", "Sheet", "check_size", "file_kind", "read_sheets"]


def limits() -> Limits:
    config = settings.SPREADSHEET_LIMITS
    return Limits(
        max_unzipped_bytes=config["MAX_UNZIPPED_BYTES"],
        max_part_bytes=config["MAX_PART_BYTES"],
        max_compression_ratio=config["MAX_COMPRESSION_RATIO"],
        max_rows=config["MAX_ROWS"],
        max_columns=config["MAX_COLUMNS"],
        max_cells=config["MAX_CELLS"],
        max_cell_chars=config["MAX_CELL_CHARS"],
        max_text_chars=config["MAX_TEXT_CHARS"],
    )


def check_size(size: int) -> None:
    """Refuse a file larger than settings.UPLOAD_MAX_BYTES before reading it."""
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise FileProblem(
            _("The file is %(size)s; files up to %(limit)s are accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def file_kind(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv", from the file's name (and an old .xls from its first bytes)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        return "xlsx"
    if suffix in _CSV_SUFFIXES:
        return "csv"
    if suffix == ".xls" or data.startswith(sheet_reader.OLE_MAGIC):
        raise FileProblem(_("Old .xls files cannot be read: save the file as .xlsx in Excel."))
    raise FileProblem(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))


def read_sheets(data: bytes, filename: str, *, kind: str | None = None) -> list[Sheet]:
    """The sheets of an uploaded .xlsx, or the one table of a .csv, as rows of cell values.

    ``kind`` ("xlsx" or "csv") overrides what the file name says.
    """
    check_size(len(data))
    kind = kind or file_kind(data, filename)
    config = settings.SPREADSHEET_LIMITS
    bounds = limits()
    try:
        size = sheet_reader.check_package(data, bounds) if kind == "xlsx" else len(data)
        if size <= config["IN_PROCESS_BYTES"]:
            if kind == "csv":
                return sheet_reader.read(data, kind, bounds)
            if sheet_reader.scan(data, bounds) <= config["IN_PROCESS_CELLS"]:
                return sheet_reader.read(data, kind, bounds, scanned=True)
        return _read_in_child(
            data,
            kind,
            bounds,
            seconds=config["PARSE_SECONDS"],
            memory_bytes=config["PARSE_MEMORY_BYTES"],
        )
    except Refused as refusal:
        raise FileProblem(message(refusal)) from None


def _read_in_child(
    data: bytes, kind: str, bounds: Limits, *, seconds: int, memory_bytes: int
) -> list[Sheet]:
    request = sheet_reader.request_for(kind, bounds, memory_bytes=memory_bytes, seconds=seconds)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "documents.sheet_reader", request],
            input=data,
            capture_output=True,
            timeout=seconds,
            cwd=_PROJECT_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed the child
        raise Refused("timeout", seconds=seconds) from exc
    try:
        answer = json.loads(done.stdout) if done.returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        # Killed for its CPU time (SIGXCPU, SIGKILL) or dead of its memory limit.
        log.warning(
            "spreadsheet reader stopped (exit %s): %s",
            done.returncode,
            done.stderr[-500:].decode("utf-8", "replace"),
        )
        cpu = done.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
        raise Refused("timeout", seconds=seconds) if cpu else Refused("memory")
    if "refused" in answer:
        raise Refused(answer["refused"], **answer.get("params", {}))
    return sheet_reader.decode_sheets(answer["sheets"])


def message(refusal: Refused) -> str:
    """What the uploader reads for a refusal, in their language."""
    p = refusal.params
    messages = {
        "not_xlsx": lambda: _("This file is not a real .xlsx workbook."),
        "old_xls": lambda: _("This is an old .xls file: save it as .xlsx in Excel."),
        "unzipped_too_large": lambda: _(
            "The spreadsheet is too large once unpacked; split it into parts."
        ),
        "compressed_too_well": lambda: (
            _(
                "The spreadsheet is packed far more tightly than a real one (%(ratio)s to 1); "
                "open it in Excel, save it again and upload that file."
            )
            % p
        ),
        "declared_too_large": lambda: (
            _(
                "The sheet says it spans %(ref)s, more than %(rows)s rows or %(columns)s columns; "
                "delete the unused rows and columns in Excel and save it again."
            )
            % p
        ),
        "too_many_rows": lambda: (
            _("The file has more than %(limit)s rows; split it into smaller files.") % p
        ),
        "too_many_columns": lambda: (
            _("The file has more than %(limit)s columns; keep only the template's columns.") % p
        ),
        "too_many_cells": lambda: (
            _("The file has more than %(limit)s cells; split it into smaller files.") % p
        ),
        "cell_too_long": lambda: (
            _("A cell holds more than %(limit)s characters; no template cell is that long.") % p
        ),
        "too_much_text": lambda: (
            _("The file holds more than %(limit)s characters of text; split it into smaller files.")
            % p
        ),
        "csv_encoding": lambda: _("The CSV file is neither UTF-8 nor GB18030 text."),
        "csv_unreadable": lambda: _("This file is not a readable CSV file."),
        "timeout": lambda: (
            _("Reading the file took longer than %(seconds)s seconds; split it into smaller files.")
            % p
        ),
        "memory": lambda: _(
            "Reading the file needed more memory than allowed; split it into smaller files."
        ),
    }
    return messages.get(refusal.code, messages["not_xlsx"])()
