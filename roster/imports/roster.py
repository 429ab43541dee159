"""A roster file (CONTRACT.md "Roster" template) to valid people and a list of every bad row.

Every cell of every row is checked, so one upload tells the uploader everything to fix.
The only database access is one query for the enterprises the file names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from documents.errors import FileProblem, RowError
from documents.gc_pause import cyclic_gc_paused
from documents.tables import Table, read_table
from roster.choices import EmploymentForm
from roster.identity import IdentityError, validate_uscc
from roster.models import Enterprise
from roster.services.people import PersonData

from . import cells
from . import vocabulary as v

# Model field sizes, checked here so a long cell is a bad row, not a crash mid-import.
_MAX_LENGTH = {v.NAME: 50, v.DEPARTMENT: 100, v.POST: 100}


@dataclass(frozen=True)
class RosterRow:
    row: int
    data: PersonData


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)  # the good rows only
    errors: list[RowError] = field(default_factory=list)
    filename: str = ""

    @property
    def bad_row_numbers(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len(self.bad_row_numbers)


def read_roster(
    data: bytes,
    filename: str,
    *,
    enterprises: QuerySet[Enterprise],
    enterprise: Enterprise | None = None,
) -> ParsedRoster:
    """Read and check a roster file. Raises FileProblem for a file that cannot be read at all.

    `enterprises` are those the acting user may import into; `enterprise`, when given, is
    the one chosen for the whole file (a 统一社会信用代码 column must then agree with it).
    """
    with cyclic_gc_paused():  # the rows it builds live until the import ends
        table = read_table(
            data,
            filename,
            synonyms=v.HEADER_SYNONYMS,
            expected=[v.TEMPLATE_HEADERS[k] for k in v.REQUIRED],
        )
        parsed = parse_roster(table, enterprises=enterprises, enterprise=enterprise)
    parsed.filename = filename
    return parsed


def parse_roster(
    table: Table, *, enterprises: QuerySet[Enterprise], enterprise: Enterprise | None = None
) -> ParsedRoster:
    """Check every row of a located table; duplicates are found after all rows are read."""
    missing = [v.TEMPLATE_HEADERS[k] for k in v.REQUIRED if k not in table.columns]
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(headers)s.") % {"headers": "、".join(missing)}
        )
    if enterprise is None and v.USCC not in table.columns:
        raise FileProblem(
            _("Choose the enterprise, or add a %(header)s column to the file.")
            % {"header": v.TEMPLATE_HEADERS[v.USCC]}
        )
    columns = _columns(table, _enterprise_resolver(table, enterprises, enterprise))
    checked = []
    rows_by_id: dict[str, list[int]] = defaultdict(list)
    memo: dict = {}  # see _read_row
    for number, values in table.rows:
        data, errors = _read_row(columns, number, values, memo)
        id_number = data.id_number if data else _id_of(table, values)
        if id_number:
            rows_by_id[id_number].append(number)
        checked.append((number, id_number, data, errors))

    parsed = ParsedRoster()
    for number, id_number, data, errors in checked:
        same = rows_by_id.get(id_number, [])
        if len(same) > 1:
            others = "、".join(str(n) for n in same if n != number)
            errors.append(
                RowError(
                    number,
                    _title(table, v.ID_NUMBER),
                    id_number,
                    _("The same ID number is also on row %(rows)s.") % {"rows": others},
                )
            )
        if errors:
            parsed.errors.extend(errors)
        elif data is not None:  # always, when a row has no errors
            parsed.rows.append(RosterRow(number, data))
    return parsed


def _title(table: Table, key: str) -> str:
    column = table.columns.get(key)
    return column.title if column else v.TEMPLATE_HEADERS[key]


def _id_of(table: Table, values: tuple[object, ...]) -> str:
    """The ID number as checked, or "" when it is not valid (then it is reported anyway)."""
    try:
        return cells.id_number(table.cell(values, v.ID_NUMBER))
    except cells.CellError:
        return ""


def _shown(value: object) -> str:
    """A cell as Excel displays it: a mangled ID reads 1.40402199001012E+17, as in Excel."""
    if isinstance(value, float):
        return f"{value:.15G}"
    return cells.text(value)


Resolver = Callable[[object], Enterprise]


@dataclass(frozen=True)
class _Bad:
    """A cell's refusal, as the row error shows it (the row number is added per row)."""

    shown: str
    reason: str


@dataclass(frozen=True)
class _Column:
    """How one template column is checked; ``repeats`` when its cells take few distinct
    values over a file (a department, a category, a hire date, the enterprise's code), so
    each distinct cell is checked once and the other rows look the outcome up."""

    key: str
    index: int | None
    title: str
    parse: Callable[[object], object]
    repeats: bool


def _columns(table: Table, resolve: Resolver) -> list[_Column]:
    found = []
    for key, parse, repeats in _CHECKS:
        column = table.columns.get(key)
        found.append(
            _Column(
                key,
                column.index if column else None,
                _title(table, key),
                parse or resolve,
                repeats,
            )
        )
    return found


def _outcome(column: _Column, raw: object) -> object:
    """The clean value of one cell, or a _Bad saying why not."""
    try:
        value = column.parse(raw)
    except cells.CellError as exc:
        return _Bad(_shown(raw), str(exc))
    limit = _MAX_LENGTH.get(column.key)
    if limit and isinstance(value, str) and len(value) > limit:
        return _Bad(_shown(raw), _("At most %(n)s characters.") % {"n": limit})
    return value


def _read_row(
    columns: list[_Column], number: int, values: tuple[object, ...], memo: dict
) -> tuple[PersonData | None, list[RowError]]:
    """One row checked column by column; every bad cell of it is reported.

    A roster of 10,000 rows is 90,000 cells: the checks of the repeating columns are looked
    up in ``memo`` (per file, keyed by column and the cell's type and value, so 1 and "1"
    stay apart), which took the checking of a file from about 0.5 s to a fraction of it."""
    errors: list[RowError] = []
    clean: list[Any] = []  # each column's checked value, in _CHECKS order
    size = len(values)
    for column in columns:
        index = column.index
        raw = values[index] if index is not None and index < size else None
        if column.repeats:
            key = (column.key, raw.__class__, raw)
            value = memo.get(key, _UNSEEN)
            if value is _UNSEEN:
                value = memo[key] = _outcome(column, raw)
        else:
            value = _outcome(column, raw)
        if value.__class__ is _Bad:
            errors.append(RowError(number, column.title, value.shown, value.reason))
        else:
            clean.append(value)
    if errors:
        return None, errors
    name, id_number, phone, enterprise, department, post, category, form, hire_date = clean
    return (
        PersonData(
            id_number=id_number,
            name=name,
            enterprise=enterprise,
            category=category,
            phone=phone,
            department_name=department,
            post=post,
            employment_form=form,
            hire_date=hire_date,
        ),
        [],
    )


def _required_name(raw: object) -> str:
    name = cells.person_name(raw)
    if not name:
        raise cells.CellError(_("The name is missing."))
    return name


def _category(raw: object) -> str:
    text = cells.text(raw)
    if not text:
        raise cells.CellError(_("The personnel category is missing."))
    category = v.CATEGORY_SYNONYMS.get(v.value_key(text))
    if category is None:
        raise cells.CellError(
            _("Unknown personnel category; write one of: %(values)s.")
            % {"values": "、".join(v.CATEGORY_TEMPLATE_VALUES.values())}
        )
    return category


def _employment_form(raw: object) -> str:
    text = cells.text(raw)
    if not text:
        return EmploymentForm.REGULAR  # the template says: blank means 正式
    form = v.FORM_SYNONYMS.get(v.value_key(text))
    if form is None:
        raise cells.CellError(
            _("Unknown employment form; write one of: %(values)s.")
            % {"values": "、".join(v.FORM_TEMPLATE_VALUES.values())}
        )
    return form


_UNSEEN = object()
# Each column's check in template order, which is also the order a row's errors are
# reported in; None is the enterprise resolver made per file. True: the column repeats.
_CHECKS: tuple[tuple[str, Callable[[object], object] | None, bool], ...] = (
    (v.NAME, _required_name, False),
    (v.ID_NUMBER, cells.id_number, False),
    (v.PHONE, cells.phone, False),
    (v.USCC, None, True),
    (v.DEPARTMENT, cells.text, True),
    (v.POST, cells.text, True),
    (v.CATEGORY, _category, True),
    (v.EMPLOYMENT_FORM, _employment_form, True),
    (v.HIRE_DATE, cells.date, True),
)


def _enterprise_resolver(
    table: Table, enterprises: QuerySet[Enterprise], chosen: Enterprise | None
) -> Resolver:
    """Map a 统一社会信用代码 cell to an enterprise the actor may import into."""
    # A file holds a few codes, each on thousands of rows: each distinct cell is checked once.
    checked: dict[object, str | IdentityError] = {}

    def checked_code(raw: object) -> str | IdentityError:
        key = (type(raw), raw)
        if key not in checked:
            try:
                checked[key] = validate_uscc(raw)
            except IdentityError as exc:
                checked[key] = exc
        return checked[key]

    found = {checked_code(table.cell(values, v.USCC)) for _number, values in table.rows}
    codes = {code for code in found if isinstance(code, str)}
    known = {e.uscc: e for e in enterprises.filter(uscc__in=codes)} if codes else {}

    def resolve(raw: object) -> Enterprise:
        if not cells.text(raw):
            if chosen is None:
                raise cells.CellError(_("The unified social credit code is missing."))
            return chosen
        code = checked_code(raw)
        if isinstance(code, IdentityError):
            raise cells.CellError(str(code)) from code
        if chosen is not None and code != chosen.uscc:
            raise cells.CellError(
                _("This file is being imported into %(name)s (%(uscc)s); this row names another.")
                % {"name": chosen.name, "uscc": chosen.uscc}
            )
        if code not in known:
            raise cells.CellError(
                _("No enterprise with this code among those you may import into.")
            )
        return known[code]

    return resolve
