"""What the people and transfer services share: the validated person, the name rule, who
administers an enterprise's roster, and the end of a job (which lapses the transfer requests
waiting on it). people.py and transfers.py both build on this module and never on each other
the other way round, so neither has to import the other inside a function."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roster.choices import EmploymentForm, EmploymentStatus
from roster.events import jobs_changed_send
from roster.models import (
    Department,
    Employment,
    EmploymentEvent,
    Enterprise,
    Person,
    TransferRequest,
)
from roster.selectors import administered_enterprises

from .audit import audit_record, audit_text
from .errors import RosterError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User

Status = TransferRequest.Status

# The dots written between the parts of a minority or foreign name (阿卜杜·热合曼).
_DOTS = re.compile("[\u00b7\u2022\u2027\u30fb\uff65\u2219]")


@dataclass
class PersonData:
    """A validated person as an import row or a form gives it."""

    id_number: str
    name: str
    enterprise: Enterprise
    category: str
    phone: str = ""
    department_name: str = ""
    post: str = ""
    employment_form: str = EmploymentForm.REGULAR
    hire_date: dt.date | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class UpsertResult:
    """What a write did. With `transfer` set, the person works elsewhere and nothing about
    them changed: `employment` is None, and `person` is for the service's callers inside the
    product only (a page or the API must not show it to the asking enterprise)."""

    person: Person
    employment: Employment | None
    created_person: bool
    created_employment: bool
    changed: bool
    transfer: TransferRequest | None = None


def _department(enterprise: Enterprise, name: str) -> Department | None:
    if not name:
        return None
    department, _ = Department.objects.get_or_create(enterprise=enterprise, name=name)
    return department


def names_match(stored: str, given: str) -> bool:
    """The same name as written on file? Width, spacing ("张　三") and the dot of minority
    names (·, •, ・) may differ; letters may not."""
    return _name_key(stored) == _name_key(given)


def _name_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    text = _DOTS.sub("·", text)
    return "".join(text.split()).casefold()


def _administers(actor: User | None, enterprise_id: int) -> bool:
    if actor is None or actor.is_superuser:
        return True
    return administered_enterprises(user=actor).filter(pk=enterprise_id).exists()


def require_enterprise_admin(actor: User | None, enterprise: Enterprise) -> None:
    """Only the system, the system admin and the enterprise's own admins write its roster."""
    if not _administers(actor, enterprise.pk):
        raise RosterError(
            gettext("Only the admin of this enterprise can change its roster."), "not_admin"
        )


def name_mismatch_error() -> RosterError:
    # Says that the name differs, never what is on file: the number alone proves nothing.
    return RosterError(
        gettext(
            "This ID number is already registered under another name. Check the name and "
            "the ID number; nothing was saved."
        ),
        "name_mismatch",
        "name",
    )


def _audit(
    action: str,
    *,
    actor: User | None,
    transfer: TransferRequest,
    request: HttpRequest | None = None,
    **data: object,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=transfer.person,
        summary=transfer.person.name,
        request=request,
        transfer=transfer.pk,
        from_enterprise=transfer.from_enterprise.uscc,
        to_enterprise=transfer.to_enterprise.uscc,
        **data,
    )


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _decided(transfer: TransferRequest, status: str, actor: User | None, reason: str = "") -> None:
    transfer.status = status
    transfer.decided_by = _user(actor)
    transfer.decided_at = timezone.now()
    transfer.reason = reason
    transfer.save(update_fields=["status", "decided_by", "decided_at", "reason"])


def employment_end(
    *, employment: Employment, on: dt.date, reason: str = "", actor: User | None
) -> Employment:
    """The person leaves (or moves on): the employment ends, its history stays, and any
    transfer request still waiting to take the person out of it lapses. Only the system,
    the system admin and the employing enterprise's own admins end it (a transfer accepted
    by a regulator over both enterprises ends it through employment_close, after the
    transfer's own rule of who decides); a job that has already ended is refused."""
    with transaction.atomic():
        employment = Employment.objects.select_for_update().get(pk=employment.pk)
        require_enterprise_admin(actor, employment.enterprise)
        return employment_close(employment=employment, on=on, reason=reason, actor=actor)


def employment_close(
    *, employment: Employment, on: dt.date, reason: str = "", actor: User | None
) -> Employment:
    """employment_end without its check of who: for services that checked their own rule
    first, under the employment's row lock (transfers.transfer_accept). Refuses a job that
    has already ended."""
    with transaction.atomic():
        if employment.ended_on is not None or employment.status == EmploymentStatus.LEFT:
            raise RosterError(gettext("This job has already ended; nothing was changed."), "state")
        old = employment.status
        employment.status = EmploymentStatus.LEFT
        employment.status_since = on
        employment.ended_on = on
        employment.save(update_fields=["status", "status_since", "ended_on", "updated_at"])
        EmploymentEvent.objects.create(
            employment=employment,
            kind=EmploymentEvent.Kind.LEFT,
            effective_on=on,
            changes={"status": [old, EmploymentStatus.LEFT]},
            reason=reason,
            actor=actor,
        )
        transfers_lapse(employment=employment, actor=actor)
        jobs_changed_send([employment.person_id])
    return employment


def transfers_lapse(*, employment: Employment, actor: User | None) -> int:
    """Requests still waiting to take the person out of an employment that has just ended
    lapse: there is nothing left to transfer (the asking enterprise may add the person
    again). Called by employment_end, inside its transaction. Returns how many."""
    waiting = list(
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related("person", "from_enterprise", "to_enterprise")
        .filter(from_employment=employment, status=Status.PENDING)
    )
    for transfer in waiting:
        _decided(
            transfer,
            Status.LAPSED,
            None,  # nobody decided: the job ended
            audit_text(_("The person's job there ended before a decision.")),
        )
        _audit("transfer.lapse", actor=actor, transfer=transfer)
    return len(waiting)
