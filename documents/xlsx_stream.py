"""A one-sheet .xlsx written as a stream of XML rows, for tables of a million cells.

Why not openpyxl (documents.xlsx): even in write-only mode it makes a cell object, a style
array and an XML element for every cell, about 12 µs of CPU each; the province's table by
enterprise (50,000 rows of 21 columns) then takes 12 s to write, and xlsxwriter's
constant_memory mode 4 s. Here a row is one formatted string and the sheet is deflated
into the zip as it grows (compression level 1: a report's figures compress 10:1 at that
level already), so the same table takes well under a second and the memory of one batch
of rows.

The same guard as documents.xlsx.cell: text is always a text cell (an inline string, never
a formula), with the characters XML cannot carry dropped; numbers and booleans keep their
types. Styles are a fixed small set (STYLES), which is all the report tables use.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from .xlsx import sheet_title

# Style name -> index into cellXfs of _STYLES_XML (0 is the default).
STYLES = {None: 0, "percent": 1, "bold": 2, "bold_percent": 3, "title": 4, "header": 5}
FLUSH_ROWS = 2000  # rows formatted before they go to the compressor

_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="3">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="10" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
    ' applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"'
    ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _workbook_xml(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )


def _text(value: str) -> str:
    value = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _cell(ref: str, value: object, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str):
        # An inline string: Excel never reads it as a formula, whatever it starts with.
        return f'<c r="{ref}"{s} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    raise TypeError(f"xlsx_stream writes text, numbers and booleans, not {type(value)}")


class SheetStream:
    """One sheet: set the column widths and frozen panes, append rows, then to_bytes()."""

    def __init__(
        self, title: str, *, widths: Sequence[float] = (), freeze: tuple[int, int] | None = None
    ) -> None:
        """freeze: (columns, rows) kept in view at the left and top."""
        self._title = sheet_title(str(title))
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        # The package's parts first ([Content_Types].xml leading, as file-type sniffers
        # expect), then the sheet streamed after them.
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _workbook_xml(self._title)),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES_XML),
        ):
            self._zip.writestr(name, text)
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._pending: list[str] = []
        self._rows = 0
        self._letters: list[str] = []
        head = [_SHEET_START]
        if freeze:
            columns, rows = freeze
            top_left = f"{get_column_letter(columns + 1)}{rows + 1}"
            pane = "bottomRight" if columns and rows else ("topRight" if columns else "bottomLeft")
            split = (f' xSplit="{columns}"' if columns else "") + (
                f' ySplit="{rows}"' if rows else ""
            )
            head.append(
                '<sheetViews><sheetView workbookViewId="0">'
                f'<pane{split} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
                f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
                "</sheetView></sheetViews>"
            )
        if widths:
            head.append("<cols>")
            head += [
                f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
                for n, w in enumerate(widths, start=1)
            ]
            head.append("</cols>")
        head.append("<sheetData>")
        self._sheet.write("".join(head).encode())

    def _letter(self, column: int) -> str:
        while len(self._letters) <= column:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters[column]

    def append(
        self,
        values: Iterable[object],
        *,
        styles: Sequence[str | None] | None = None,
        style: str | None = None,
    ) -> None:
        """One row; `styles` names each column's style (STYLES), else `style` for all.
        None leaves a cell empty."""
        self._rows += 1
        n = self._rows
        values = list(values)
        codes = [STYLES[s] for s in styles] if styles is not None else None
        default = STYLES[style]
        cells = [
            _cell(f"{self._letter(i)}{n}", v, codes[i] if codes is not None else default)
            for i, v in enumerate(values)
            if v is not None
        ]
        self._pending.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._pending) >= FLUSH_ROWS:
            self._flush()

    def append_numbers(self, values: Sequence[object], *, styles: Sequence[int]) -> None:
        """A row of a big table: text, int, float or None in each column, with the style
        codes (STYLES values) already looked up; the fast path of the report tables."""
        self._rows += 1
        n = self._rows
        letters = self._letters
        if len(letters) < len(values):
            self._letter(len(values) - 1)
        cells = []
        for i, v in enumerate(values):
            if v is None:
                continue
            code = styles[i]
            s = f' s="{code}"' if code else ""
            if type(v) is int:
                cells.append(f'<c r="{letters[i]}{n}"{s}><v>{v}</v></c>')
            elif type(v) is float and math.isfinite(v):
                cells.append(f'<c r="{letters[i]}{n}"{s}><v>{v!r}</v></c>')
            else:
                cells.append(_cell(f"{letters[i]}{n}", v, code))
        self._pending.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._pending) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._sheet.write("".join(self._pending).encode())
            self._pending = []

    def to_bytes(self) -> bytes:
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()
        return self._buffer.getvalue()
