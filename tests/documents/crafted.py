"""Hostile .xlsx files made in the test, as an attacker makes them: a real workbook whose
sheet or shared-string part is replaced by one written in chunks straight into the zip, so a
file that unpacks to hundreds of MB costs the test only its compressed size in memory."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def _base(header: list[str]) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(["x"] * len(header))  # so openpyxl writes a shared-string part
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_parts(parts: dict[str, Iterable[bytes]], header: list[str] | None = None) -> bytes:
    """A workbook (first row `header`) with some parts replaced by the given chunks."""
    base = zipfile.ZipFile(io.BytesIO(_base(header or ["姓名", "身份证号"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in base.infolist():
            if info.filename in parts:
                with archive.open(info.filename, "w", force_zip64=True) as target:
                    for chunk in parts[info.filename]:
                        target.write(chunk)
            else:
                archive.writestr(info, base.read(info.filename))
        for name, chunks in parts.items():
            if name not in base.namelist():
                with archive.open(name, "w", force_zip64=True) as target:
                    for chunk in chunks:
                        target.write(chunk)
    return out.getvalue()


def sheet_xml(rows: Iterable[bytes], *, dimension: str | None = None) -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def header_row() -> bytes:
    return (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81\xe5\x8f\xb7</t>'
        b"</is></c></row>"
    )


def far_cell() -> bytes:
    """The header, then one empty cell in Excel's last row and column."""
    rows = [header_row(), b'<row r="1048576"><c r="XFD1048576"/></row>']
    return replace_parts({SHEET: sheet_xml(rows, dimension="A1:XFD1048576")})


def lying_dimension() -> bytes:
    """Two small rows under a declaration of the whole sheet."""
    return replace_parts({SHEET: sheet_xml([header_row()], dimension="A1:XFD1048576")})


def wide_row(cells: int = 30_000_000, chunk: int = 1_000_000) -> bytes:
    """One row of `cells` empty cells without references (``<c/>``, 4 bytes each): 30 million
    of them unpack to 120 MB and pack to about 120 KB."""

    def rows() -> Iterator[bytes]:
        yield header_row()
        yield b'<row r="2">'
        left = cells
        while left:
            n = min(chunk, left)
            yield b"<c/>" * n
            left -= n
        yield b"</row>"

    return replace_parts({SHEET: sheet_xml(rows())})


def many_rows(rows: int) -> bytes:
    """`rows` rows of one small number each, below the header."""

    def body() -> Iterator[bytes]:
        yield header_row()
        for number in range(2, rows + 2):
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c></row>'.encode()

    return replace_parts({SHEET: sheet_xml(body())})


def huge_shared_string(chars: int, chunk: int = 8 * 1024 * 1024) -> bytes:
    """The header's first cell points at a shared string of `chars` characters (the 195 KB
    file with one 190 MB cell)."""

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" '.encode()
        yield b'uniqueCount="1"><si><t>'
        left = chars
        while left:
            n = min(chunk, left)
            yield b"x" * n
            left -= n
        yield b"</t></si></sst>"

    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    return replace_parts({SHEET: sheet_xml(rows), STRINGS: strings()})


def long_inline_cell(chars: int) -> bytes:
    """A cell whose own text is `chars` long, split over rich-text runs of 1,000."""
    runs = b"".join(b"<r><t>" + b"y" * 1000 + b"</t></r>" for _ in range(chars // 1000))
    rows = [header_row(), b'<row r="2"><c r="A2" t="inlineStr"><is>' + runs + b"</is></c></row>"]
    return replace_parts({SHEET: sheet_xml(rows)})


def entity_bomb() -> bytes:
    """A DTD with nested entities (billion laughs) in the sheet part."""
    doc = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        + f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'.encode()
        + b"<is><t>&b;</t></is></c></row></sheetData></worksheet>"
    )
    return replace_parts({SHEET: [doc]})
