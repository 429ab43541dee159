"""An uploaded .xlsx or .csv as rows of raw cell values, from its header row down.

Spreadsheets are read the safe way (ARCHITECTURE.md rule 8): openpyxl in read-only mode with
`data_only=True`, so a formula is never evaluated (its cached value is read, or nothing), and
openpyxl parses the XML through defusedxml when it is installed (it is). CSV files come from
Chinese Excel in GB18030 as often as in UTF-8, with or without a BOM.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from .errors import FileProblem
from .limits import MAX_DATA_ROWS, check_size, check_zip_expansion

# The header row may sit under a title row or two ("2025年度从业人员花名册").
HEADER_SCAN_ROWS = 10
# A row counts as the header when it names at least this many known columns.
MIN_HEADER_MATCHES = 2

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .et)
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt"}

Row = tuple[int, tuple[object, ...]]  # (row number as Excel shows it, cell values)


@dataclass(frozen=True)
class Column:
    index: int
    title: str  # as written in the file, trimmed


@dataclass
class Table:
    """The data below the header row of one sheet; blank rows are already left out."""

    header_row: int
    columns: dict[str, Column]  # field key -> where it is
    rows: list[Row] = field(default_factory=list)

    def cell(self, values: tuple[object, ...], key: str) -> object:
        column = self.columns.get(key)
        if column is None or column.index >= len(values):
            return None
        return values[column.index]


_SPACES = re.compile(r"[\s\u3000\xa0\ufeff]+")
_HINT = re.compile(r"[(（][^()（）]*[)）]$")


def header_key(title: object) -> str:
    """Reduce a header cell to a lookup key: no spaces, no required-marks, no trailing hint.

    "* 身份证号码（18位）" and "身份证号码" are the same column.
    """
    text = _SPACES.sub("", str(title or ""))
    text = text.replace("*", "").replace("＊", "").replace("／", "/")
    return _HINT.sub("", text)


def read_table(
    data: bytes,
    filename: str,
    *,
    synonyms: Mapping[str, str],
    expected: Sequence[str],
) -> Table:
    """Find the first sheet with a header row and return its data rows.

    `synonyms` maps a header key (see header_key) to a field key; `expected` lists the
    headers to name in the message when no header row is found.
    """
    check_size(len(data))
    suffix = PurePath(filename).suffix.lower()
    if suffix in _XLSX_SUFFIXES:
        sheets = _xlsx_sheets(data)
    elif suffix in _CSV_SUFFIXES:
        sheets = [_csv_rows(data)]
    elif suffix == ".xls" or data.startswith(_OLE_MAGIC):
        raise FileProblem(_("Old .xls files cannot be read: save the file as .xlsx in Excel."))
    else:
        raise FileProblem(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))

    seen_any_cell = False
    for rows in sheets:
        top: list[Row] = []
        for row in rows:
            top.append(row)
            if len(top) >= HEADER_SCAN_ROWS:
                break
        seen_any_cell = seen_any_cell or any(_is_filled(values) for _, values in top)
        header = _find_header(top, synonyms)
        if header is None:
            continue
        header_row, columns = header
        table = Table(header_row=header_row, columns=columns)
        for number, values in _chain(top, rows):
            if number <= header_row or not _is_filled(values):
                continue
            if len(table.rows) >= MAX_DATA_ROWS:
                raise FileProblem(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": MAX_DATA_ROWS}
                )
            table.rows.append((number, values))
        return table
    if not seen_any_cell:
        raise FileProblem(_("The file is empty."))
    raise FileProblem(
        _("No header row was found in the first %(n)s rows; it should name %(headers)s.")
        % {"n": HEADER_SCAN_ROWS, "headers": "、".join(expected)}
    )


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterable[Row]:
    yield from first
    yield from rest


def _is_filled(values: tuple[object, ...]) -> bool:
    return any(_SPACES.sub("", str(v)) for v in values if v is not None)


def _find_header(
    top: list[Row], synonyms: Mapping[str, str]
) -> tuple[int, dict[str, Column]] | None:
    """The row among the first few that names the most known columns (at least two)."""
    best: tuple[int, dict[str, Column]] | None = None
    for number, values in top:
        columns: dict[str, Column] = {}
        for index, title in enumerate(values):
            key = synonyms.get(header_key(title))
            if key and key not in columns:  # the first of two same-named columns wins
                columns[key] = Column(index, _SPACES.sub(" ", str(title)).strip())
        if len(columns) >= MIN_HEADER_MATCHES and (best is None or len(columns) > len(best[1])):
            best = (number, columns)
    return best


def _xlsx_sheets(data: bytes) -> Iterator[Iterator[Row]]:
    if not data.startswith(_XLSX_MAGIC):
        if data.startswith(_OLE_MAGIC):
            raise FileProblem(_("This is an old .xls file: save it as .xlsx in Excel."))
        raise FileProblem(_("This file is not a real .xlsx workbook."))
    try:
        check_zip_expansion(data)
        # read_only streams the sheet; data_only reads cached formula results, never runs them.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, ParseError) as exc:
        raise FileProblem(_("This file is not a real .xlsx workbook.")) from exc
    return _worksheet_rows(workbook)


def _worksheet_rows(workbook) -> Iterator[Iterator[Row]]:
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            continue
        # Some writers store a wrong sheet size; forget it so no column is cut off.
        sheet.reset_dimensions()
        yield (
            (number, tuple(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )


def _csv_rows(data: bytes) -> Iterator[Row]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(number, tuple(values)) for number, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise FileProblem(_("This file is not a readable CSV file.")) from exc
    return iter(rows)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM ("Unicode text"), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The CSV file is neither UTF-8 nor GB18030 text."))
