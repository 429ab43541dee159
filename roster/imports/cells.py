"""One raw cell to a clean value, or a reason the uploader can act on.

Cells arrive as openpyxl gives them (str, int, float, datetime, None) or as CSV text. The
quirks handled here are the ones Chinese Excel rosters really have: full-width spaces,
numbers where text was meant, dates written five different ways.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from roster.identity import IdentityError, parse_id_number, validate_phone


class CellError(ValueError):
    """The reason a cell cannot be used, already translated."""


_SPACES = re.compile(r"[\s\u3000\xa0\ufeff]+")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\s\u3000]+$")


def text(value: object) -> str:
    """Any cell as trimmed text; runs of spaces (full-width too) become one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def person_name(value: object) -> str:
    """A name; "张　三", padded to line up with three-character names, is "张三"."""
    name = text(value)
    if _CJK_NAME.match(name):
        name = _SPACES.sub("", name)
    return name


# What Excel leaves of an ID number typed into a General cell: 1.40402199001012E+17.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")


def id_number(value: object) -> str:
    """A checksum-valid 18-character ID number, lower-case x accepted.

    Excel stores at most 15 significant digits, so an ID typed into a number cell has lost
    its last digits: it is refused, never "repaired" into somebody else's number.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(_number_mangled())
    raw = _SPACES.sub("", text(value))
    if _SCIENTIFIC.match(raw) or _DECIMAL.match(raw):
        raise CellError(_number_mangled())
    if not raw:
        raise CellError(_("The ID number is missing."))
    try:
        return parse_id_number(raw).value
    except IdentityError as exc:
        raise CellError(str(exc)) from exc


def _number_mangled() -> str:
    return _(
        "Excel converted this ID number to a number and lost digits; format the column as "
        "text and type the ID numbers again."
    )


def phone(value: object) -> str:
    """A mobile or landline number; a number cell (13800138000.0) is fine. Blank is allowed."""
    if value is None or not text(value):
        return ""
    try:
        return validate_phone(value)
    except IdentityError as exc:
        raise CellError(str(exc)) from exc


_DATE_TEXT = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# Excel serial numbers of plausible hire dates: 1900-01-01 is 1, 2099-12-31 is 73050.
_SERIAL_RANGE = range(1, 73051)


def date(value: object) -> dt.date | None:
    """A date cell, an Excel serial number, or text like 2023/5/6, 2023年5月6日, 20230506."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _plausible(value.date())
    if isinstance(value, dt.date):
        return _plausible(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(_unreadable_date())  # a number too large for a float: infinity
        whole = isinstance(value, int) or value.is_integer()
        if whole and 19000101 <= value <= 20991231:
            return _from_parts(*_divmod_date(int(value)))
        if int(value) in _SERIAL_RANGE:
            return _plausible(from_excel(value).date())
        raise CellError(_unreadable_date())
    raw = text(value)
    if not raw:
        return None
    match = _DATE_TEXT.match(raw) or _DATE_COMPACT.match(raw)
    if match is None:
        raise CellError(_unreadable_date())
    return _from_parts(int(match["y"]), int(match["m"]), int(match["d"]))


def _divmod_date(number: int) -> tuple[int, int, int]:
    """20230506 -> (2023, 5, 6)."""
    year, rest = divmod(number, 10000)
    month, day = divmod(rest, 100)
    return year, month, day


def _from_parts(year: int, month: int, day: int) -> dt.date:
    try:
        value = dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(_("This date does not exist.")) from exc
    return _plausible(value)


def _plausible(value: dt.date) -> dt.date:
    if value.year < 1950:
        raise CellError(_("This date is too far in the past."))
    # Two days back is before today in every time zone; only a later date needs the local
    # date, which costs more than the rest of the cell's checks (a roster has 10,000 dates).
    if value > dt.datetime.now(dt.UTC).date() - _TWO_DAYS and value > timezone.localdate():
        raise CellError(_("This date is in the future."))
    return value


_TWO_DAYS = dt.timedelta(days=2)


def _unreadable_date() -> str:
    return _("Write dates like 2023-05-06, 2023/5/6 or 2023年5月6日.")
