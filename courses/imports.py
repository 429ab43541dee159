"""A file of earlier 三级安全教育 records (before the product went live) to checked rows and a
list of every bad row. The file reading is documents.tables, the cell parsers the roster's
(roster.imports.cells); what is 三级-specific lives here: the headers, the level and reason
words, and that the person is on the enterprise's roster. Nothing here writes:
courses.services.safety_education does, in one transaction.

The Chinese headers and values are the file format, not interface text, so they are not
translated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import SafetyEducationRecord
from documents.errors import FileProblem, RowError
from documents.tables import Table, header_key, read_table
from roster.imports import cells
from roster.models import Enterprise, Person

NAME = "name"
ID_NUMBER = "id_number"
LEVEL = "level"
HELD_ON = "held_on"
HOURS = "hours"
TRAINER = "trainer"
REASON = "reason"

_HEADERS: dict[str, tuple[str, ...]] = {
    NAME: ("姓名", "名字", "员工姓名", "人员姓名"),
    ID_NUMBER: ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份号码"),
    LEVEL: ("教育级别", "级别", "三级教育级别", "培训级别"),
    HELD_ON: ("教育日期", "日期", "培训日期", "教育时间"),
    HOURS: ("学时", "课时", "培训学时"),
    TRAINER: ("授课人", "讲师", "教育人", "培训教师"),
    REASON: ("教育原因", "原因", "类型"),
}
TEMPLATE_HEADERS = {key: names[0] for key, names in _HEADERS.items()}
HEADER_SYNONYMS = {header_key(name): key for key, names in _HEADERS.items() for name in names}
REQUIRED = (NAME, ID_NUMBER, LEVEL, HELD_ON, HOURS)

Level = SafetyEducationRecord.Level
Reason = SafetyEducationRecord.Reason
LEVEL_WORDS = {
    "公司级": Level.COMPANY,
    "厂级": Level.COMPANY,
    "厂矿级": Level.COMPANY,
    "矿级": Level.COMPANY,
    "车间级": Level.WORKSHOP,
    "工段级": Level.WORKSHOP,
    "区队级": Level.WORKSHOP,
    "班组级": Level.TEAM,
}
REASON_WORDS = {
    "新员工": Reason.NEW_HIRE,
    "新入职": Reason.NEW_HIRE,
    "入职": Reason.NEW_HIRE,
    "转岗": Reason.POST_CHANGE,
    "复岗": Reason.RETURN,
}
_MAX_TRAINER = SafetyEducationRecord._meta.get_field("trainer").max_length


@dataclass(frozen=True)
class EducationRow:
    row: int
    person: Person
    level: str
    reason: str
    held_on: dt.date
    hours: Decimal
    trainer: str


@dataclass
class ParsedEducation:
    rows: list[EducationRow] = field(default_factory=list)  # the good rows only
    errors: list[RowError] = field(default_factory=list)
    filename: str = ""

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len({e.row for e in self.errors})


def read_education(data: bytes, filename: str, *, enterprise: Enterprise) -> ParsedEducation:
    """Read and check a file. Raises FileProblem for a file that cannot be read at all."""
    table = read_table(
        data, filename, synonyms=HEADER_SYNONYMS, expected=[TEMPLATE_HEADERS[k] for k in REQUIRED]
    )
    parsed = parse_education(table, enterprise=enterprise)
    parsed.filename = filename
    return parsed


def parse_education(table: Table, *, enterprise: Enterprise) -> ParsedEducation:
    missing = [TEMPLATE_HEADERS[k] for k in REQUIRED if k not in table.columns]
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(headers)s.") % {"headers": "、".join(missing)}
        )
    ids = set()
    for _number, values in table.rows:
        try:
            ids.add(cells.id_number(table.cell(values, ID_NUMBER)))
        except cells.CellError:
            continue
    # Only people on this enterprise's roster now: one query for the whole file.
    on_roster = {
        p.id_number: p
        for p in Person.objects.filter(
            id_number__in=ids,
            employments__enterprise=enterprise,
            employments__ended_on__isnull=True,
        )
    }
    parsed = ParsedEducation()
    seen: dict[tuple[str, str, dt.date], int] = {}
    for number, values in table.rows:
        row, errors = _read_row(table, number, values, on_roster)
        if row is not None:
            key = (row.person.id_number, row.level, row.held_on)
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        _title(table, LEVEL),
                        cells.text(table.cell(values, LEVEL)),
                        _("The same person, level and date are also on row %(rows)s.")
                        % {"rows": seen[key]},
                    )
                )
            else:
                seen[key] = number
        if errors:
            parsed.errors.extend(errors)
        elif row is not None:
            parsed.rows.append(row)
    return parsed


def _title(table: Table, key: str) -> str:
    column = table.columns.get(key)
    return column.title if column else TEMPLATE_HEADERS[key]


def _read_row(table, number, values, on_roster) -> tuple[EducationRow | None, list[RowError]]:
    errors: list[RowError] = []
    clean: dict[str, object] = {}

    def take(key, parse):
        raw = table.cell(values, key)
        try:
            clean[key] = parse(raw)
        except cells.CellError as exc:
            errors.append(RowError(number, _title(table, key), cells.text(raw), str(exc)))

    def person(raw):
        id_number = cells.id_number(raw)
        found = on_roster.get(id_number)
        if found is None:
            raise cells.CellError(_("Not on this enterprise's roster."))
        return found

    take(ID_NUMBER, person)
    take(NAME, cells.person_name)
    take(LEVEL, _level)
    take(REASON, _reason)
    take(HELD_ON, _held_on)
    take(HOURS, _hours)
    take(TRAINER, _trainer)
    found = clean.get(ID_NUMBER)
    if isinstance(found, Person) and clean.get(NAME) and clean[NAME] != found.name:
        errors.append(
            RowError(
                number,
                _title(table, NAME),
                str(clean[NAME]),
                _("The roster has this ID number under the name %(name)s.") % {"name": found.name},
            )
        )
    if errors:
        return None, errors
    return (
        EducationRow(
            row=number,
            person=clean[ID_NUMBER],
            level=clean[LEVEL],
            reason=clean[REASON],
            held_on=clean[HELD_ON],
            hours=clean[HOURS],
            trainer=clean[TRAINER],
        ),
        [],
    )


def _words(raw: object) -> str:
    return cells.text(raw).replace(" ", "").replace("（", "(").replace("）", ")")


def _level(raw: object) -> str:
    word = _words(raw).replace("(", "").replace(")", "").replace("教育", "")
    level = LEVEL_WORDS.get(word)
    if level is None:
        raise cells.CellError(_("Write the level as 公司级, 车间级 or 班组级."))
    return level


def _reason(raw: object) -> str:
    word = _words(raw)
    if not word:
        return Reason.NEW_HIRE
    reason = REASON_WORDS.get(word)
    if reason is None:
        raise cells.CellError(_("Write the reason as 新员工, 转岗 or 复岗, or leave it empty."))
    return reason


def _held_on(raw: object) -> dt.date:
    value = cells.date(raw)
    if value is None:
        raise cells.CellError(_("The date is missing."))
    if value > timezone.localdate():
        raise cells.CellError(_("The date is in the future."))
    return value


def _hours(raw: object) -> Decimal:
    text = cells.text(raw)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise cells.CellError(_("Write the hours (学时) as a number, e.g. 8.")) from exc
    if not value.is_finite() or value <= 0 or value >= 1000:
        raise cells.CellError(_("Write the hours (学时) as a number, e.g. 8."))
    return value.quantize(Decimal("0.1"))


def _trainer(raw: object) -> str:
    value = cells.text(raw)
    if len(value) > _MAX_TRAINER:
        raise cells.CellError(_("At most %(n)s characters.") % {"n": _MAX_TRAINER})
    return value
