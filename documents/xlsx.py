"""Writing .xlsx files: every exporter of the product writes its cells through :func:`cell`.

Workbooks are made in openpyxl's write-only mode: rows stream to the file as they are added,
so a province's roster or report costs the memory of one row, not of the whole sheet.

:func:`cell` is where the formula guard (:mod:`documents.guard`) applies to .xlsx: a string
is always a string cell, so ``=HYPERLINK(…)`` typed as a name stays that text and is never a
formula; characters that XML cannot carry (control characters) are dropped, since openpyxl
would refuse the whole file for one of them. Numbers, dates and booleans keep their types.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TEXT = "@"  # ID numbers, phones, credit codes: Excel would round an 18-digit number
DATE = "yyyy-mm-dd"
PERCENT = "0.00%"
BOLD = Font(bold=True)

_SHEET_TITLE_FORBIDDEN = "[]:*?/\\"


def workbook() -> Workbook:
    """A new write-only workbook (no default sheet)."""
    return Workbook(write_only=True)


def sheet_title(text: str) -> str:
    """``text`` as a sheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    for char in _SHEET_TITLE_FORBIDDEN:
        text = text.replace(char, " ")
    return text[:31] or "Sheet"


def add_sheet(
    book: Workbook,
    title: str,
    *,
    widths: Sequence[float] = (),
    freeze: str | None = None,
) -> WriteOnlyWorksheet:
    """A sheet of ``book`` with column widths (from A) and frozen panes (e.g. "A2")."""
    sheet = book.create_sheet(title=sheet_title(str(title)))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if freeze:
        sheet.freeze_panes = freeze
    return sheet


def cell(
    sheet: WriteOnlyWorksheet,
    value: object,
    *,
    number_format: str | None = None,
    font: Font | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    """One cell, guarded: text is a string cell (never a formula), anything else as it is."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl makes any text starting with "=" a formula; this is text someone typed.
        result.data_type = "s"
    if number_format is not None:
        result.number_format = number_format
    if font is not None:
        result.font = font
    if alignment is not None:
        result.alignment = alignment
    return result


def append(
    sheet: WriteOnlyWorksheet,
    values: Iterable[object],
    *,
    formats: Sequence[str | None] | None = None,
    font: Font | None = None,
) -> None:
    """Add one row; ``formats``, when given, has each column's number format (None: General)."""
    values = list(values)
    if formats is None:
        formats = [None] * len(values)
    sheet.append(
        [
            cell(sheet, value, number_format=number_format, font=font)
            for value, number_format in zip(values, formats, strict=True)
        ]
    )


def to_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
