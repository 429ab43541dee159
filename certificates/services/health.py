"""体检 (health checks): a person's result per date, fit or unfit, entered by the admin of the
enterprise that employs them now (or the system admin). The latest one before a review
(复审) decides it (windows.review_records_check)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import HealthCheck
from roster.models import Person
from roster.selectors import can_edit_person
from roster.services.audit import audit_record

from .errors import CertificateError

if TYPE_CHECKING:
    from roster.models import User


def may_record_health(*, actor: User | None, person: Person) -> bool:
    """The system (no user), the system admin and the person's current enterprise admin
    (roster.selectors.can_edit_person: the roster's own rule); never the person themself."""
    if actor is None:
        return True
    if actor.person_id == person.pk and not actor.is_superuser:
        return False
    return can_edit_person(user=actor, person=person)


def health_check_record(
    *,
    actor: User | None,
    person: Person,
    on: dt.date,
    fit: bool,
    note: str = "",
    today: dt.date | None = None,
) -> HealthCheck:
    today = today or timezone.localdate()
    if not may_record_health(actor=actor, person=person):
        raise CertificateError(
            _("Only the person's enterprise admin records their health checks."), "forbidden"
        )
    if on > today:
        raise CertificateError(_("The date of the health check is in the future."), "future")
    with transaction.atomic():
        check = HealthCheck(
            person=person, on=on, fit=fit, note=note.strip()[:200], recorded_by=actor
        )
        check.full_clean()
        check.save()
        audit_record(
            actor=actor,
            action="certificate.health_check",
            target=person,
            summary=f"{person.name} {on.isoformat()} {'fit' if fit else 'unfit'}",
        )
    return check
