"""Spreadsheets that people upload (.xlsx, .csv), read to rows of cell values within limits.

A hostile .xlsx is small and expands enormously: 118 KB that declare 30 million empty cells
in one row, or 195 KB holding one 190 MB cell, each cost a reader that trusts the file
gigabytes and minutes. So nothing is parsed before these checks, each cheap and bounded:

1. the zip's directory: each part's unpacked size, their sum, and how much better than a real
   workbook a large part is compressed (a zip bomb's ratio is near deflate's 1032:1, real
   sheets stay under 30:1). Python's zipfile never inflates a part beyond the size its
   directory declares (it stops there and fails the checksum), so these sizes are true bounds;
2. a streaming scan of every XML part with expat, fed 64 KB at a time, keeping counters only:
   no DTD or entity is accepted (as defusedxml does), and it stops at the first limit passed:
   the declared sheet size (``<dimension ref>``), the row and column of every cell (counted as
   it goes, since the declaration can lie), the number of cells and elements, and the length
   of any one text (a cell, a shared string);
3. only then calamine (a formula is never evaluated: its cached value is read), counting
   rows, columns and the text it returns row by row.

CSV files are counted the same way as they are read.

Nothing here uses Django: this module runs in the web process for small files and, for big
ones, as ``python -m documents.sheet_reader`` in a child process that limits its own memory
(RLIMIT_AS) and CPU time before it reads anything (see :mod:`documents.sheets`, which also
turns a :class:`Refused` into the uploader's message).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
import zlib
from dataclasses import asdict, dataclass
from typing import IO, NoReturn
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from .guard import unguard

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .et)

_MB = 1024 * 1024
# Parts smaller than this are never refused for their compression ratio: small XML parts
# (styles, relationships) compress oddly well and cannot hurt.
RATIO_FLOOR_BYTES = _MB
MAX_PARTS = 10_000
_CHUNK = 64 * 1024
_MAIN_NAMESPACES = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
}
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass(frozen=True)
class Limits:
    """What one uploaded file may hold (``settings.SPREADSHEET_LIMITS``, README)."""

    max_unzipped_bytes: int = 100 * _MB
    max_part_bytes: int = 64 * _MB
    max_compression_ratio: int = 100
    max_rows: int = 100_000  # rows per sheet, counting blank ones up to the last
    max_columns: int = 256
    max_cells: int = 1_000_000  # in the whole file
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_text_chars: int = 20_000_000  # all the text the rows hold, in characters

    @property
    def max_elements(self) -> int:
        # A cell is two to four XML elements (c, v, is/t); rows and shared strings add some.
        return 8 * self.max_cells + self.max_rows


class Refused(Exception):
    """The file passes a limit or is not what it claims to be; ``code`` says which (the
    message is made from it by documents.sheets, in the uploader's language)."""

    def __init__(self, code: str, **params: object):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    """One sheet's rows; ``rows[i]`` is the row Excel numbers i + 1 (gaps are empty tuples)."""

    title: str
    rows: list[tuple[object, ...]]


def read(data: bytes, kind: str, limits: Limits, *, scanned: bool = False) -> list[Sheet]:
    """Every sheet of an .xlsx (``kind`` "xlsx") or the one table of a CSV file ("csv").

    ``scanned``: :func:`scan` has passed this very file already (documents.sheets)."""
    if kind == "csv":
        return [Sheet("", _csv_rows(data, limits))]
    if not scanned:
        scan(data, limits)
    return _xlsx_sheets(data, limits)


def scan(data: bytes, limits: Limits) -> int:
    """Checks 1 and 2 of the module docstring; returns the cells the workbook's sheets span
    (each sheet's rows times its columns, to its farthest cell or declared size, summed):
    about what calamine allocates for them, as it holds each sheet as a dense range."""
    check_package(data, limits)
    return _scan_xml_parts(data, limits)


# ------------------------------------------------------------------------------ the package


def check_package(data: bytes, limits: Limits) -> int:
    """Refuse a file that is no zip, or whose parts would unpack too large or compress like a
    bomb; return the unpacked size of all parts."""
    if not data.startswith(XLSX_MAGIC):
        raise Refused("old_xls" if data.startswith(OLE_MAGIC) else "not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Refused("not_xlsx") from exc
    if len(parts) > MAX_PARTS:
        raise Refused("not_xlsx")
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:  # encrypted: no workbook part is
            raise Refused("not_xlsx")
        if part.file_size > limits.max_part_bytes:
            raise Refused("unzipped_too_large", limit=limits.max_part_bytes)
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
            raise Refused("compressed_too_well", ratio=int(ratio))
    if total > limits.max_unzipped_bytes:
        raise Refused("unzipped_too_large", limit=limits.max_unzipped_bytes)
    return total


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return head.lstrip(b" \t\r\n").startswith(b"<")


def _scan_xml_parts(data: bytes, limits: Limits) -> int:
    scan = _Scan(limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part in archive.infolist():
                if part.is_dir():
                    continue
                with archive.open(part) as stream:
                    head = stream.read(_CHUNK)
                    if _looks_like_xml(head):  # images and other binary parts are not read
                        scan.part(head, stream)
    except (
        zipfile.BadZipFile,
        NotImplementedError,  # a compression method zipfile does not know
        RuntimeError,  # an encrypted part
        OSError,
        EOFError,
        zlib.error,
        expat.ExpatError,
    ) as exc:
        raise Refused("not_xlsx") from exc
    return scan.area


class _Scan:
    """Counters over the XML parts of one workbook; raises Refused at the first limit.

    expat calls back for every element (about 30 per roster row), so the handlers do as
    little as they can: an element's name is classified once per distinct name
    (:meth:`_kind`), and a column's letters are turned into its number once per column."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.max_elements = limits.max_elements  # a property: computed once, not per element
        self.elements = 0
        self.cells = 0
        self.strings = 0
        self.area = 0  # cells spanned by the parts' rows and columns, summed (see scan())
        # element name -> its local name when it is one of _WATCHED, else ""
        self.kinds: dict[str, str] = {}

    def part(self, head: bytes, stream: IO[bytes]) -> None:
        self.row = 0
        self.column = 0
        self.last_row = self.last_column = 0  # the farthest seen or declared in this part
        self.chars = 0  # characters of text since the last tag, or in the current cell
        self.in_cell = False
        parser = expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        # No DTD and no entities at all: a workbook has none (the defusedxml rules).
        parser.StartDoctypeDeclHandler = self._forbidden
        parser.EntityDeclHandler = self._forbidden
        parser.UnparsedEntityDeclHandler = self._forbidden
        parser.ExternalEntityRefHandler = self._forbidden
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        chunk = head
        while chunk:
            parser.Parse(chunk, False)
            chunk = stream.read(_CHUNK)
        parser.Parse(b"", True)
        self.area += self.last_row * self.last_column

    def _forbidden(self, *args: object) -> NoReturn:
        raise Refused("not_xlsx")

    def _kind(self, name: str) -> str:
        kind = self.kinds.get(name)
        if kind is None:
            namespace, _, local = name.rpartition("}")
            kind = local if namespace in _MAIN_NAMESPACES and local in _WATCHED else ""
            if len(self.kinds) < 1000:  # a crafted part may use endless names: not all kept
                self.kinds[name] = kind
        return kind

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise Refused("too_many_cells", limit=self.limits.max_cells)
        if not self.in_cell:
            self.chars = 0
        kind = self.kinds.get(name)
        if kind is None:
            kind = self._kind(name)
        if not kind:
            return
        if kind == "c":
            self._cell(attrs.get("r"))
        elif kind == "row":
            self._row(attrs.get("r"))
        elif kind == "si":
            self.strings += 1
            if self.strings > self.limits.max_cells:
                raise Refused("too_many_cells", limit=self.limits.max_cells)
            self.in_cell, self.chars = True, 0
        elif kind == "dimension":
            self._dimension(attrs.get("ref", ""))

    def _end(self, name: str) -> None:
        if self.in_cell:
            kind = self.kinds.get(name)
            if kind is None:
                kind = self._kind(name)
            if kind == "c" or kind == "si":
                self.in_cell = False
                self.chars = 0
        else:  # a cell's or shared string's runs add up until it ends
            self.chars = 0

    def _text(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > self.limits.max_cell_chars:
            raise Refused("cell_too_long", limit=self.limits.max_cell_chars)

    def _row(self, ref: str | None) -> None:
        number = int(ref) if ref and ref.isdigit() else self.row + 1
        if number > self.limits.max_rows:
            raise Refused("too_many_rows", limit=self.limits.max_rows)
        self.row, self.column = number, 0
        if number > self.last_row:
            self.last_row = number

    def _cell(self, ref: str | None) -> None:
        self.cells += 1
        if self.cells > self.limits.max_cells:
            raise Refused("too_many_cells", limit=self.limits.max_cells)
        self.in_cell, self.chars = True, 0
        parsed = _coordinates(ref) if ref else None
        if parsed is None:
            column = self.column + 1
        else:
            column, row = parsed
            if row > self.limits.max_rows:
                raise Refused("too_many_rows", limit=self.limits.max_rows)
            if row > self.last_row:
                self.last_row = row
        if column > self.limits.max_columns:
            raise Refused("too_many_columns", limit=self.limits.max_columns)
        self.column = column
        if column > self.last_column:
            self.last_column = column

    def _dimension(self, ref: str) -> None:
        parsed = _coordinates(ref.rpartition(":")[2])
        if parsed is None:
            return
        columns, rows = parsed
        if rows > self.limits.max_rows or columns > self.limits.max_columns:
            raise Refused(
                "declared_too_large",
                ref=ref[:40],
                rows=self.limits.max_rows,
                columns=self.limits.max_columns,
            )
        self.last_row = max(self.last_row, rows)
        self.last_column = max(self.last_column, columns)


# The elements the scan looks at (in the main namespace); the rest are only counted.
_WATCHED = frozenset({"c", "row", "si", "dimension"})


def _coordinates(ref: str) -> tuple[int, int] | None:
    """ "XFD1048576" -> (16384, 1048576): column and row, both from 1."""
    match = _CELL_REF.match(ref)
    if match is None:
        return None
    letters = match[1]
    column = _COLUMNS.get(letters)
    if column is None:
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        if len(_COLUMNS) < 20_000:  # at most 3 letters: bounded anyway, kept small
            _COLUMNS[letters] = column
    return column, int(match[2])


_COLUMNS: dict[str, int] = {}  # column letters -> number, as _coordinates works them out


# ------------------------------------------------------------------------------ the rows


class _Budget:
    """Rows, columns, cells and characters of what is actually read."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0
        self.chars = 0

    def row(self, number: int, values: tuple[object, ...]) -> None:
        limits = self.limits
        if number > limits.max_rows:
            raise Refused("too_many_rows", limit=limits.max_rows)
        if len(values) > limits.max_columns:
            raise Refused("too_many_columns", limit=limits.max_columns)
        for value in values:
            if value is None or value == "":
                continue
            self.cells += 1
            if isinstance(value, str):
                if len(value) > limits.max_cell_chars:
                    raise Refused("cell_too_long", limit=limits.max_cell_chars)
                self.chars += len(value)
        if self.cells > limits.max_cells:
            raise Refused("too_many_cells", limit=limits.max_cells)
        if self.chars > limits.max_text_chars:
            raise Refused("too_much_text", limit=limits.max_text_chars)


# What a reader raises on a damaged or crafted workbook (a missing part, a bad reference, a
# shared-string index out of range, a date beyond the calendar...): all mean "not a workbook".
_BROKEN = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    ArithmeticError,
    ParseError,
    expat.ExpatError,
    EOFError,
    OSError,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _xlsx_sheets(data: bytes, limits: Limits) -> list[Sheet]:
    # calamine (Rust) reads a 10,000-row roster about ten times faster than openpyxl's
    # read-only mode (bench/bench_imports.py), and like it reads a formula's cached value
    # and never evaluates one. Its values are made the ones openpyxl gives (_as_openpyxl),
    # which every import's cell readers were written against.
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    budget = _Budget(limits)
    sheets: list[Sheet] = []
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            for meta in workbook.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:  # chart, macro or dialog sheets
                    continue
                sheet = workbook.get_sheet_by_name(meta.name)
                rows: list[tuple[object, ...]] = []
                # Rows from A1, as openpyxl counts them, so a report's row numbers match
                # what Excel shows.
                for values in sheet.to_python(skip_empty_area=False):
                    row = _as_openpyxl(values)
                    budget.row(len(rows) + 1, row)
                    rows.append(row)
                sheets.append(Sheet(meta.name, rows))
    except (*_BROKEN, CalamineError) as exc:
        raise Refused("not_xlsx") from exc
    return sheets


_EXCEL_WHOLE = 1e15


def _as_openpyxl(values: list) -> tuple[object, ...]:
    """A row of calamine's values as openpyxl gives it: empty cells None and none after the
    last filled one, whole numbers int (Excel stores every number as a float), a date cell a
    datetime at midnight.

    A number of 16 digits or more stays a float: Excel keeps 15 significant digits and writes
    bigger ones as 1.10101199003071E+17, which openpyxl reads as a float, and the importers
    tell the uploader that such an ID number has lost its last digits."""
    row: list[object] = []
    for value in values:
        if value == "":
            value = None
        elif type(value) is float and value.is_integer() and abs(value) < _EXCEL_WHOLE:
            value = int(value)
        elif type(value) is dt.date:
            value = dt.datetime.combine(value, dt.time())  # naive, as openpyxl gives it
        row.append(value)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def _csv_rows(data: bytes, limits: Limits) -> list[tuple[object, ...]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    budget = _Budget(limits)
    rows: list[tuple[object, ...]] = []
    try:
        for values in reader:
            row = tuple(unguard(value) for value in values)
            budget.row(len(rows) + 1, row)
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Refused("cell_too_long", limit=limits.max_cell_chars) from exc
        raise Refused("csv_unreadable") from exc
    return rows


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
    raise Refused("csv_encoding")


# ------------------------------------------------------------------- the child process

_TAGGED = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "timedelta": lambda seconds: dt.timedelta(seconds=float(seconds)),
}


def encode_value(value: object) -> object:
    """A cell value as JSON: dates and times tagged, everything else as it is."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def decode_value(value: object) -> object:
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        return _TAGGED[tag](raw)
    return value


def encode_sheets(sheets: list[Sheet]) -> list[dict]:
    return [
        {"title": s.title, "rows": [[encode_value(v) for v in row] for row in s.rows]}
        for s in sheets
    ]


def decode_sheets(encoded: list[dict]) -> list[Sheet]:
    return [
        Sheet(s["title"], [tuple(decode_value(v) for v in row) for row in s["rows"]])
        for s in encoded
    ]


def request_for(kind: str, limits: Limits, *, memory_bytes: int, seconds: int) -> str:
    return json.dumps(
        {"kind": kind, "limits": asdict(limits), "memory_bytes": memory_bytes, "seconds": seconds}
    )


def _limit_self(memory_bytes: int, seconds: int) -> None:
    """Cap this process's address space and CPU time; past them it gets MemoryError or is
    killed, and only this child dies."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def main(argv: list[str]) -> int:
    """``python -m documents.sheet_reader REQUEST``: the file on stdin, JSON on stdout."""
    request = json.loads(argv[1])
    _limit_self(request["memory_bytes"], request["seconds"])
    data = sys.stdin.buffer.read()
    try:
        sheets = read(data, request["kind"], Limits(**request["limits"]))
        answer: dict = {"sheets": encode_sheets(sheets)}
        del sheets  # only the encoded rows are needed from here
    except Refused as refusal:
        answer = {"refused": refusal.code, "params": refusal.params}
    except MemoryError:
        answer = {"refused": "memory"}
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
