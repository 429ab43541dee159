"""How long a person's records are kept (MISSION.md "records kept": training files ≥ 6 years
for 特种作业, ≥ 3 years for 主要负责人 / 安全管理人员), and the refusal to delete one sooner.

The years are data: CertificateType.records_kept_years (seeded 6 on the special-operation
types, 3 on the principal / manager ones). A person is held to the longest retention of
the types of their personnel categories (any job they have had) and of the certificates they
hold. A record is kept that many years after its date: a training record (CreditEntry,
三级 record) after the day it was credited, an exam attempt after it was taken, a certificate
after its validity ends.

Enforced where rows are deleted, whatever the path (a service, the Wagtail admin, a cascade
from a session or a person): `guard_delete` runs before each such row is deleted (connected
in certificates.signals) and raises RetentionError, which rolls the whole deletion back. A
service that replaces rows it just wrote (a classroom session's credits, recomputed) says so
with `replacing()`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateType
from roster.models import Employment, Person

_replacing: contextvars.ContextVar[bool] = contextvars.ContextVar("retention_replacing")


class RetentionError(ValidationError):
    """A record younger than its retention: nothing is deleted. (A ValidationError, so the
    Wagtail admin's delete views show it as a refusal.)"""


@contextmanager
def replacing() -> Iterator[None]:
    """Rows deleted inside are replaced in the same transaction (not lost): no check."""
    token = _replacing.set(True)
    try:
        yield
    finally:
        _replacing.reset(token)


def retention_years(person_id: int) -> int | None:
    """The longest retention that holds for this person, or None when none does."""
    categories = Employment.objects.filter(person_id=person_id).values("category")
    held = Certificate.objects.filter(person_id=person_id).values("certificate_type_id")
    years = CertificateType.objects.filter(personnel_category__in=categories).aggregate(
        y=Max("records_kept_years")
    )["y"]
    held_years = CertificateType.objects.filter(pk__in=held).aggregate(y=Max("records_kept_years"))[
        "y"
    ]
    found = [y for y in (years, held_years) if y]
    return max(found) if found else None


def kept_until(*, person_id: int, dated: dt.date, years: int | None = None) -> dt.date | None:
    """The last day a record of this person dated `dated` must be kept, or None."""
    years = years if years is not None else retention_years(person_id)
    if not years:
        return None
    return dated + relativedelta(years=years)


def delete_check(*, person_id: int, dated: dt.date, what: str, on: dt.date | None = None) -> None:
    """Refuse deleting a record of the person dated `dated` while it is within retention."""
    on = on or timezone.localdate()
    years = retention_years(person_id)
    until = kept_until(person_id=person_id, dated=dated, years=years)
    if until is not None and on <= until:
        name = Person.objects.filter(pk=person_id).values_list("name", flat=True).first() or ""
        raise RetentionError(
            _(
                "Rule “records kept at least %(years)s years”: %(what)s of %(name)s dated "
                "%(date)s is kept until %(until)s; it cannot be deleted before."
            )
            % {
                "years": years,
                "what": what,
                "name": name,
                "date": dated.isoformat(),
                "until": until.isoformat(),
            },
            code="retention",
        )


def _date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def guard_delete(instance: object) -> None:
    """The check for one row about to be deleted (certificates.signals, pre_delete)."""
    if _replacing.get(False):
        return
    from courses.models import CreditEntry, SafetyEducationRecord
    from question_banks.models import Attempt

    if isinstance(instance, CreditEntry):
        delete_check(person_id=instance.person_id, dated=instance.on, what=_("A training record"))
    elif isinstance(instance, SafetyEducationRecord):
        delete_check(
            person_id=instance.person_id,
            dated=instance.held_on,
            what=_("A safety education record"),
        )
    elif isinstance(instance, Attempt):
        # A paper drawn ahead and never opened is no exam record (candidates.candidate_remove).
        taken = _date(instance.finished_at) or _date(instance.started_at)
        if taken is not None:
            delete_check(person_id=instance.person_id, dated=taken, what=_("An exam attempt"))
    elif isinstance(instance, Certificate):
        delete_check(
            person_id=instance.person_id, dated=instance.valid_until, what=_("A certificate")
        )
