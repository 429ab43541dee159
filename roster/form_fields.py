"""Form fields every app's forms share, for what a forged form can hold that a browser never
sends: an id past any column, a date in year 1 or 9999.

Such a value reached the database as it was and failed there (a server error, found by
tests/security/test_form_fuzz.py): SQLite cannot hold an integer past 2**63 in a query, and a
local date of year 1 has no UTC instant. Refused here beside the field, with the field's own
message, before any service or query sees it."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Any id the database can hold (a bigint); anything else names no row.
_MAX_ID = 2**63 - 1
# Wide enough for every real date of the product (a birth date, a card first issued in the
# 1950s, a plan years ahead), narrow enough that date arithmetic never leaves the calendar.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def date_in_range(value: dt.date | dt.datetime | None) -> None:
    """A validator for date and date-time fields: between 1900 and 2999."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_range",
            params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


class DateField(forms.DateField):
    default_validators = [date_in_range]


class DateTimeField(forms.DateTimeField):
    default_validators = [date_in_range]


class IdChoices(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that says "not one of the choices" for an id no row can
    have, as it does for an id of a row outside the choices."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value if isinstance(value, (list, tuple, set, frozenset)) else ():
                text = str(pk).strip()
                if text.lstrip("-").isdigit() and not 0 < int(text) <= _MAX_ID:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)
