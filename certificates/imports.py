"""A file of existing certificates (CONTRACT.md "Certificates" template) to checked rows and a
list of every bad row (ARCHITECTURE.md rule 8).

The file reading (.xlsx/.csv within limits, header row found under title rows, header
synonyms) is documents.tables and the cell parsers are the roster's (roster.imports.cells);
what is certificate-specific lives here: the template's headers, how a row names its type, the
date order and the duplicate checks.
Nothing here writes; certificates.services.imports does, in one transaction.

The Chinese headers are the file format, not interface text, so they are not translated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from certificates.models import (
    Certificate,
    CertificateFamily,
    CertificateItem,
    CertificateState,
    CertificateStatus,
    CertificateType,
)
from certificates.services.numbering import LIVE_STATUSES
from documents.errors import FileProblem, RowError
from documents.tables import Table, header_key, read_table
from roster.imports import cells
from roster.models import Person

NAME = "name"
ID_NUMBER = "id_number"
TYPE = "type"
OPERATION_CATEGORY = "operation_category"
OPERATION_ITEM = "operation_item"
NUMBER = "number"
FIRST_ISSUED = "first_issued_on"
VALID_FROM = "valid_from"
VALID_UNTIL = "valid_until"
NEXT_REVIEW = "next_review_on"
ISSUER = "issuer_name"

# Template order; the first spelling is the template's header, the rest are synonyms.
_HEADERS: dict[str, tuple[str, ...]] = {
    NAME: ("姓名", "名字", "持证人", "持证人姓名", "人员姓名"),
    ID_NUMBER: ("身份证号", "身份证号码", "证件号码", "身份证", "公民身份号码", "证件号"),
    TYPE: ("证书类型", "证书名称", "证件类型", "证书种类", "类型代码", "证书类型代码"),
    OPERATION_CATEGORY: ("作业类别", "作业类型", "准操类别"),
    OPERATION_ITEM: ("操作项目", "准操项目", "作业项目"),
    NUMBER: ("证书编号", "证号", "证书号", "证书号码", "证件编号"),
    FIRST_ISSUED: ("初领日期", "初次领证日期", "初领时间", "发证日期", "领证日期"),
    VALID_FROM: ("有效期起", "有效期自", "有效期开始", "有效起始日期", "有效期起始日期"),
    VALID_UNTIL: ("有效期至", "有效期止", "有效截止日期", "有效期截止", "到期日期", "有效期限"),
    NEXT_REVIEW: ("下次复审日期", "应复审日期", "复审日期", "下次复审时间", "复审时间"),
    ISSUER: ("发证机关", "发证单位", "发证部门", "颁发机关"),
}

TEMPLATE_HEADERS: dict[str, str] = {key: names[0] for key, names in _HEADERS.items()}
HEADER_SYNONYMS: dict[str, str] = {
    header_key(name): key for key, names in _HEADERS.items() for name in names
}
REQUIRED = (NAME, ID_NUMBER, NUMBER, FIRST_ISSUED, VALID_UNTIL)
# Model field sizes, checked here so a long cell is a bad row, not a crash mid-import.
_MAX_NUMBER = Certificate._meta.get_field("number").max_length
_MAX_ISSUER = Certificate._meta.get_field("issuer_name").max_length


@dataclass(frozen=True)
class CertificateRow:
    """One good row, ready for certificate_create."""

    row: int
    person: Person
    ctype: CertificateType
    number: str
    first_issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    next_review_on: dt.date | None
    issuer_name: str
    # The holder's 特种作业操作证 (T + ID number) this row adds its operation item to, rather
    # than a second card: one card per person lists every item.
    add_to: Certificate | None = None


# A card an item may be added to: in force (a suspended card or one past its review is not).
_ADDABLE = (CertificateState.VALID, CertificateState.EXPIRING, CertificateState.REVIEW_SOON)


@dataclass
class ParsedCertificates:
    rows: list[CertificateRow] = field(default_factory=list)  # the good rows only
    errors: list[RowError] = field(default_factory=list)
    filename: str = ""

    @property
    def bad_row_numbers(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len(self.bad_row_numbers)


def read_certificates(
    data: bytes, filename: str, *, people: QuerySet[Person] | None = None
) -> ParsedCertificates:
    """Read and check a certificate file. Raises FileProblem for a file that cannot be read.
    ``people``: the holders the uploader may give certificates to (the web page's scope); a
    row naming anyone else reads as not on the roster, so the file tells nothing about
    people outside it. None (the command line): everyone."""
    table = read_table(
        data,
        filename,
        synonyms=HEADER_SYNONYMS,
        expected=[TEMPLATE_HEADERS[k] for k in (*REQUIRED, TYPE)],
    )
    parsed = parse_certificates(table, people=people)
    parsed.filename = filename
    return parsed


def parse_certificates(
    table: Table, *, people: QuerySet[Person] | None = None
) -> ParsedCertificates:
    """Check every row of a located table; duplicates are found after all rows are read."""
    missing = [TEMPLATE_HEADERS[k] for k in REQUIRED if k not in table.columns]
    if TYPE not in table.columns and OPERATION_ITEM not in table.columns:
        missing.append(TEMPLATE_HEADERS[TYPE])
    if missing:
        raise FileProblem(
            _("Required columns are missing: %(headers)s.") % {"headers": "、".join(missing)}
        )
    context = _Context.load(table, Person.objects.all() if people is None else people)
    # Every row's number counts, a bad row's too: the uploader fixes both rows at once.
    rows_by_number: dict[str, list[int]] = defaultdict(list)
    holders_by_number: dict[str, set[str]] = defaultdict(set)
    for number, values in table.rows:
        if certificate_number := _number_text(table.cell(values, NUMBER)):
            rows_by_number[certificate_number].append(number)
            holders_by_number[certificate_number].add(_number_text(table.cell(values, ID_NUMBER)))

    parsed = ParsedCertificates()
    for number, values in table.rows:
        row, errors = _read_row(table, number, values, context)
        certificate_number = _number_text(table.cell(values, NUMBER))
        same = rows_by_number.get(certificate_number, [])
        # One holder's special-operation items on rows of their own, under the card's one
        # number: the first makes the card (unless it exists), the others add their items.
        one_card = (
            row is not None
            and row.ctype.family == CertificateFamily.SPECIAL_OPERATION
            and len(holders_by_number[certificate_number]) == 1
        )
        if len(same) > 1 and not one_card:
            others = "、".join(str(n) for n in same if n != number)
            errors.append(
                RowError(
                    number,
                    _title(table, NUMBER),
                    certificate_number,
                    _("The same certificate number is also on row %(rows)s.") % {"rows": others},
                )
            )
        if errors:
            parsed.errors.extend(errors)
        else:
            parsed.rows.append(row)
    return parsed


def _key(value: str) -> str:
    """Names and items compared without spaces, brackets' width or letter case."""
    value = value.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s\u3000]", "", value).upper()


@dataclass
class _Context:
    """What the rows are checked against, loaded with a few queries for the whole file."""

    types_by_key: dict[str, CertificateType]
    special_types: list[CertificateType]
    people: dict[str, Person]
    live_numbers: set[str]
    held: dict[tuple[int, int], str]  # (person, type) -> number of the one in force today
    cards: dict[int, Certificate]  # person -> their live 特种作业操作证
    card_items: set[tuple[int, int]]  # (card, type) the card lists

    @classmethod
    def load(cls, table: Table, people_in_scope: QuerySet[Person]) -> _Context:
        types = list(CertificateType.objects.all())
        by_key: dict[str, CertificateType] = {}
        for ctype in types:
            by_key.setdefault(_key(ctype.name), ctype)
        for ctype in types:  # a code wins over a name that happens to read the same
            by_key[_key(ctype.code)] = ctype
        ids, numbers = set(), set()
        for _number, values in table.rows:
            with contextlib.suppress(cells.CellError):
                ids.add(cells.id_number(table.cell(values, ID_NUMBER)))
            numbers.add(_number_text(table.cell(values, NUMBER)))
        people = {p.id_number: p for p in people_in_scope.filter(id_number__in=ids)}
        # Taken only by a card that still holds its number (valid or suspended), as for
        # issuing: after 注销 or 撤销 the same T + ID number is the person's again.
        live = set(
            Certificate.objects.filter(
                number__in=numbers - {""}, status__in=LIVE_STATUSES
            ).values_list("number", flat=True)
        )
        held = {
            (c.person_id, c.certificate_type_id): c.number
            for c in Certificate.objects.filter(person__in=people.values()).in_force()
        }
        special = [t for t in types if t.family == CertificateFamily.SPECIAL_OPERATION]
        cards: dict[int, Certificate] = {}
        live_cards = (
            Certificate.objects.filter(
                person__in=people.values(),
                certificate_type__family=CertificateFamily.SPECIAL_OPERATION,
            )
            .exclude(
                status__in=(
                    CertificateStatus.REPLACED,
                    CertificateStatus.CANCELLED,
                    CertificateStatus.REVOKED,
                )
            )
            .order_by("person_id", "-valid_until", "-pk")
        )
        for card in live_cards:
            cards.setdefault(card.person_id, card)
        items = set(
            CertificateItem.objects.filter(
                certificate__in=[c.pk for c in cards.values()]
            ).values_list("certificate_id", "certificate_type_id")
        )
        items |= {(c.pk, c.certificate_type_id) for c in cards.values()}
        return cls(by_key, special, people, live, held, cards, items)


def _title(table: Table, key: str) -> str:
    column = table.columns.get(key)
    return column.title if column else TEMPLATE_HEADERS[key]


def _shown(value: object) -> str:
    """A cell as Excel displays it: a mangled ID reads 1.40402199001012E+17, as in Excel."""
    if isinstance(value, float):
        return f"{value:.15G}"
    return cells.text(value)


def _read_row(
    table: Table, number: int, values: tuple[object, ...], context: _Context
) -> tuple[CertificateRow | None, list[RowError]]:
    errors: list[RowError] = []
    clean: dict[str, object] = {}

    def error(key: str, reason: str, value: object = None) -> None:
        raw = table.cell(values, key) if value is None else value
        errors.append(RowError(number, _title(table, key), _shown(raw), reason))

    def take(key: str, parse: Callable[[object], object]) -> None:
        try:
            clean[key] = parse(table.cell(values, key))
        except cells.CellError as exc:
            error(key, str(exc))

    take(NAME, _required_name)
    take(ID_NUMBER, cells.id_number)
    take(NUMBER, _certificate_number)
    take(FIRST_ISSUED, _required(cells.date, _("The first issue date is missing.")))
    take(VALID_FROM, _any_date)
    take(VALID_UNTIL, _required(_any_date, _("The expiry date is missing.")))
    take(NEXT_REVIEW, _any_date)
    take(ISSUER, _issuer)

    ctype = _certificate_type(table, values, context, error)
    person = None
    if ID_NUMBER in clean:
        person = context.people.get(clean[ID_NUMBER])
        if person is None:
            error(ID_NUMBER, _("Nobody with this ID number is on the roster; import them first."))
        elif NAME in clean and clean[NAME] != person.name:
            error(
                NAME,
                _("The roster has %(name)s for this ID number.") % {"name": person.name},
            )
    card = None
    if (
        person is not None
        and ctype is not None
        and ctype.family == CertificateFamily.SPECIAL_OPERATION
    ):
        card = context.cards.get(person.pk)
    if card is not None and card.state(timezone.localdate()) == CertificateState.EXPIRED:
        card = None  # a lapsed card takes no items; the row stands as a card of its own
    until = clean.get(VALID_UNTIL)
    if card is not None and isinstance(until, dt.date) and until < timezone.localdate():
        card = None  # a row of an old, lapsed card is history of its own, as before
    if card is not None and NUMBER in clean:
        _check_card(card, ctype, person, clean[NUMBER], context, error)
    elif NUMBER in clean and clean[NUMBER] in context.live_numbers:
        error(NUMBER, _("A certificate with this number already exists."))

    valid_from = _check_dates(clean, ctype, error)
    if errors or ctype is None or person is None or valid_from is None:
        return None, errors
    if card is not None:
        return (
            CertificateRow(
                row=number,
                person=person,
                ctype=ctype,
                number=card.number,
                first_issued_on=clean[FIRST_ISSUED],
                valid_from=valid_from,
                valid_until=clean[VALID_UNTIL],
                next_review_on=clean.get(NEXT_REVIEW),
                issuer_name=clean.get(ISSUER) or ctype.issuer_name,
                add_to=card,
            ),
            [],
        )

    valid_until = clean[VALID_UNTIL]
    held = context.held.get((person.pk, ctype.pk))
    if held is not None and valid_until >= timezone.localdate():
        error(
            TYPE,
            _("%(name)s already holds %(number)s of this type.")
            % {"name": person.name, "number": held},
            ctype.name,
        )
        return None, errors
    return (
        CertificateRow(
            row=number,
            person=person,
            ctype=ctype,
            number=clean[NUMBER],
            first_issued_on=clean[FIRST_ISSUED],
            valid_from=valid_from,
            valid_until=valid_until,
            next_review_on=clean.get(NEXT_REVIEW),
            issuer_name=clean.get(ISSUER) or ctype.issuer_name,
        ),
        [],
    )


def _check_card(card, ctype, person, number: str, context: _Context, error) -> None:
    """A row of an item for someone who has a 特种作业操作证 already: it names that card (one
    number per person lists every item), the card is in force, and does not list the item."""
    if (card.pk, ctype.pk) in context.card_items:
        error(
            TYPE,
            _("%(name)s already holds %(number)s of this type.")
            % {"name": person.name, "number": card.number},
            ctype.name,
        )
    elif number != card.number:
        error(
            NUMBER,
            _(
                "%(name)s already has the special-operation certificate %(number)s, which "
                "lists every operation item: write its number to add this item to it."
            )
            % {"name": person.name, "number": card.number},
        )
    elif card.state(timezone.localdate()) not in _ADDABLE:
        error(
            NUMBER,
            _(
                "%(name)s's special-operation certificate %(number)s is %(state)s: "
                "an item cannot be added to it."
            )
            % {
                "name": person.name,
                "number": card.number,
                "state": card.get_state_display(),
            },
        )


def _check_dates(clean: dict, ctype: CertificateType | None, error) -> dt.date | None:
    """The date order; returns the start of the current validity, or None when bad."""
    first, until = clean.get(FIRST_ISSUED), clean.get(VALID_UNTIL)
    start, review = clean.get(VALID_FROM), clean.get(NEXT_REVIEW)
    if first is None or until is None:
        return None
    if until < first:
        error(VALID_UNTIL, _("The expiry date is before the first issue date."))
        return None
    if review is not None and review > until:
        error(NEXT_REVIEW, _("The review date is after the expiry date."))
        return None
    if review is not None and review < first:
        error(NEXT_REVIEW, _("The review date is before the first issue date."))
        return None
    if start is not None:
        if not first <= start <= until:
            error(
                VALID_FROM,
                _("The validity must start between the first issue date and the expiry date."),
            )
            return None
        return start
    if ctype is None:
        return None
    if ctype.validity_years is None:
        # A type whose validity the rules leave unset: the card's printed dates stand, and its
        # validity runs from its first issue.
        return first
    # A renewed card keeps its first issue date while its current validity began later: start
    # it one validity period before the expiry, as the type says, never before the first issue.
    derived = until - relativedelta(years=ctype.validity_years) + dt.timedelta(days=1)
    return max(first, derived)


def _certificate_type(
    table: Table, values: tuple[object, ...], context: _Context, error
) -> CertificateType | None:
    """By code or name; for 特种作业 also by 作业类别 + 操作项目 (the type cell may then say
    just 特种作业操作证, or be blank)."""
    named = cells.text(table.cell(values, TYPE))
    category = cells.text(table.cell(values, OPERATION_CATEGORY))
    item = cells.text(table.cell(values, OPERATION_ITEM))
    ctype = context.types_by_key.get(_key(named)) if named else None
    if ctype is not None:
        if item and ctype.operation_item and _key(item) != _key(ctype.operation_item):
            error(
                OPERATION_ITEM,
                _("%(type)s is for %(item)s.") % {"type": ctype.name, "item": ctype.operation_item},
            )
            return None
        return ctype
    if item:
        matches = [
            t
            for t in context.special_types
            if _key(t.operation_item) == _key(item)
            and (not category or _key(t.operation_category) == _key(category))
        ]
        if len(matches) == 1:
            return matches[0]
        error(
            OPERATION_ITEM,
            _("No special operation certificate has this operation category and item."),
            f"{category} {item}".strip(),
        )
        return None
    if not named:
        error(TYPE, _("The certificate type is missing."))
    else:
        error(TYPE, _("Unknown certificate type; write its code or its name."))
    return None


def _required(parse: Callable[[object], object], message: str) -> Callable[[object], object]:
    def required(raw: object) -> object:
        value = parse(raw)
        if value is None or value == "":
            raise cells.CellError(message)
        return value

    return required


def _required_name(raw: object) -> str:
    name = cells.person_name(raw)
    if not name:
        raise cells.CellError(_("The name is missing."))
    return name


def _number_text(raw: object) -> str:
    return re.sub(r"[\s\u3000]", "", cells.text(raw))


def _certificate_number(raw: object) -> str:
    number = _number_text(raw)
    if not number:
        raise cells.CellError(_("The certificate number is missing."))
    if len(number) > _MAX_NUMBER:
        raise cells.CellError(_("At most %(n)s characters.") % {"n": _MAX_NUMBER})
    return number


def _issuer(raw: object) -> str:
    issuer = cells.text(raw)
    if len(issuer) > _MAX_ISSUER:
        raise cells.CellError(_("At most %(n)s characters.") % {"n": _MAX_ISSUER})
    return issuer


_DATE_TEXT = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def _any_date(value: object) -> dt.date | None:
    """Like roster.imports.cells.date, but expiry and review dates lie in the future, which
    that parser (made for hire dates) refuses."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _sane(value.date())
    if isinstance(value, dt.date):
        return _sane(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 20991231:
            year, rest = divmod(int(value), 10000)
            return _from_parts(year, *divmod(rest, 100))
        if 1 <= value <= 73050:  # Excel serial numbers up to 2099-12-31
            return _sane(from_excel(value).date())
        raise cells.CellError(_unreadable_date())
    raw = cells.text(value)
    if not raw:
        return None
    match = _DATE_TEXT.match(raw) or _DATE_COMPACT.match(raw)
    if match is None:
        raise cells.CellError(_unreadable_date())
    return _from_parts(int(match["y"]), int(match["m"]), int(match["d"]))


def _from_parts(year: int, month: int, day: int) -> dt.date:
    try:
        return _sane(dt.date(year, month, day))
    except ValueError as exc:
        raise cells.CellError(_("This date does not exist.")) from exc


def _sane(value: dt.date) -> dt.date:
    if not 1950 <= value.year <= 2099:
        raise cells.CellError(_("This date is out of range."))
    return value


def _unreadable_date() -> str:
    return _("Write dates like 2023-05-06, 2023/5/6 or 2023年5月6日.")
