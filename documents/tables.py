"""An uploaded .xlsx or .csv as one table: the header row found among the first rows, the
columns it names (with their synonyms), and the data rows below it.

Every import template (roster, certificates, and the enterprise and region directories to
come) is read this way; the bytes are read, within the limits, by
:func:`documents.sheets.read_sheets`. CSV files come from Chinese Excel in GB18030 as often
as in UTF-8, with or without a BOM.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import FileProblem
from .sheets import read_sheets

# The header row may sit under a title row or two ("2025年度从业人员花名册").
HEADER_SCAN_ROWS = 10
# A row counts as the header when it names at least this many known columns.
MIN_HEADER_MATCHES = 2

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
    max_rows = settings.SPREADSHEET_LIMITS["MAX_DATA_ROWS"]
    seen_any_cell = False
    for sheet in read_sheets(data, filename):
        rows = list(enumerate(sheet.rows, start=1))
        top = rows[:HEADER_SCAN_ROWS]
        seen_any_cell = seen_any_cell or any(_is_filled(values) for _, values in top)
        header = _find_header(top, synonyms)
        if header is None:
            continue
        header_row, columns = header
        table = Table(header_row=header_row, columns=columns)
        for number, values in rows[header_row:]:
            if not _is_filled(values):
                continue
            if len(table.rows) >= max_rows:
                raise FileProblem(
                    _("The file has more than %(limit)s rows; split it into smaller files.")
                    % {"limit": max_rows}
                )
            table.rows.append((number, values))
        return table
    if not seen_any_cell:
        raise FileProblem(_("The file is empty."))
    raise FileProblem(
        _("No header row was found in the first %(n)s rows; it should name %(headers)s.")
        % {"n": HEADER_SCAN_ROWS, "headers": "、".join(expected)}
    )


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
