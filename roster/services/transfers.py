"""Transfer requests (调入申请): one enterprise asks to take on a person employed at another.

Adding a person by ID number who works at an enterprise the actor does not administer used to
end that job on the spot, overwrite the person's name and phone, and hand the new enterprise
their certificates. Now `person_create_or_update` turns such a row (form, API or import) into
a request here, and nothing about the person changes until the current side decides:

    pending --accept--> accepted   (the current enterprise's admin, a regulator over both
            --refuse--> refused     enterprises, or the system admin; a refusal says why)
            --cancel--> cancelled  (the asking enterprise's admin, or the system admin)
            --lapse---> lapsed     (the job it would end ended first: left, or moved)

Each service checks who may do it to this very request and from which state (the rule lives
in roster.selectors, which the pages use to show the buttons), locks the person first, as
every roster write does, and writes its audit row in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from roster.choices import EmploymentStatus
from roster.events import jobs_changed_send
from roster.identity import parse_id_number
from roster.models import Employment, EmploymentEvent, Person, TransferRequest
from roster.selectors import transfer_may_cancel, transfer_may_decide

from .audit import audit_text
from .employments import (
    PersonData,
    _administers,
    _audit,
    _decided,
    _department,
    _user,
    employment_close,
    name_mismatch_error,
    names_match,
    require_enterprise_admin,
)
from .errors import RosterError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User

Status = TransferRequest.Status


def transfer_requested_message(*, created: bool) -> str:
    """What the asking enterprise is told, on the page, through the API and in an import."""
    if created:
        return gettext(
            "This person is currently employed at another enterprise. A transfer request "
            "has been sent to that enterprise; the person joins your roster once it is "
            "accepted."
        )
    return gettext(
        "This person is currently employed at another enterprise, and your transfer "
        "request is already waiting for that enterprise's decision."
    )


def person_transfer_request(
    *, actor: User | None, data: PersonData, request: HttpRequest | None = None
) -> tuple[TransferRequest, bool]:
    """Ask the person's current enterprise to let them move to `data.enterprise`.

    Returns the request and whether it is new: asking again while one is pending (the same
    import twice) returns the waiting one. Refused, writing nothing, when the actor does
    not administer `data.enterprise`, when the name does not match the one on file, and when
    there is nothing to ask (nobody with this number works elsewhere: add them instead).
    """
    parsed = parse_id_number(data.id_number)
    with transaction.atomic():
        require_enterprise_admin(actor, data.enterprise)
        person = Person.objects.select_for_update().filter(id_number=parsed.value).first()
        current = None
        if person is not None:
            current = (
                Employment.objects.select_for_update()
                .filter(person=person)
                .current()
                .select_related("enterprise")
                .first()
            )
        if current is None or _administers(actor, current.enterprise_id):
            raise RosterError(
                gettext(
                    "Nobody with this ID number works at another enterprise now: add the "
                    "person to your roster instead."
                ),
                "nothing_to_ask",
            )
        assert person is not None  # `current` is a job of this person
        if not names_match(person.name, data.name):
            raise name_mismatch_error()
        waiting = TransferRequest.objects.filter(
            person=person, to_enterprise=data.enterprise, status=Status.PENDING
        ).first()
        if waiting is not None:
            return waiting, False
        transfer = TransferRequest(
            person=person,
            from_employment=current,
            from_enterprise=current.enterprise,
            to_enterprise=data.enterprise,
            name=data.name,
            department_name=data.department_name,
            post=data.post,
            category=data.category,
            employment_form=data.employment_form,
            hire_date=data.hire_date,
            requested_by=_user(actor),
        )
        # Field checks (lengths, choices); the database holds the one-pending rule.
        transfer.full_clean(validate_unique=False, validate_constraints=False)
        transfer.save()
        _audit("transfer.request", actor=actor, transfer=transfer, request=request)
    return transfer, True


def _locked(transfer: TransferRequest) -> TransferRequest:
    """The request, re-read under lock after its person (the order every roster write
    takes): a decision and a concurrent one, or a move, see each other's result."""
    Person.objects.select_for_update().get(pk=transfer.person_id)
    return (
        TransferRequest.objects.select_for_update(of=("self",))
        .select_related("person", "from_enterprise", "to_enterprise")
        .get(pk=transfer.pk)
    )


def _require_pending(transfer: TransferRequest) -> None:
    if transfer.status != Status.PENDING:
        raise RosterError(
            gettext("This request is already %(state)s; it cannot change now.")
            % {"state": transfer.get_status_display()},
            "state",
        )


def _require_decider(actor: User | None, transfer: TransferRequest) -> None:
    if not transfer_may_decide(user=actor, transfer=transfer):
        raise RosterError(
            gettext(
                "Only the person's current enterprise, a regulator over both enterprises or "
                "the system admin decides on this request."
            ),
            "forbidden",
        )


def transfer_accept(
    *,
    actor: User | None,
    transfer: TransferRequest,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Employment:
    """The person moves: the old employment ends (history kept) the day the new one starts
    (the requested hire date, or today), and the new one has the fields that were asked for.
    Name and phone stay as on file. Other requests to take the person out of the old job
    lapse with it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        transfer = _locked(transfer)
        _require_decider(actor, transfer)
        _require_pending(transfer)
        old = (
            Employment.objects.select_for_update()
            .filter(pk=transfer.from_employment_id)
            .current()
            .first()
        )
        if old is None:  # employment_end lapses requests, so only a hand-edited row gets here
            raise RosterError(
                gettext("The person no longer works there; this request has lapsed."), "state"
            )
        _decided(transfer, Status.ACCEPTED, actor)
        start = transfer.hire_date or today
        if old.hire_date and start < old.hire_date:
            start = old.hire_date  # an old job does not end before it began
        # The decider's rule was checked above: a regulator over both enterprises may accept.
        employment_close(
            employment=old,
            on=start,
            reason=audit_text(_("Moved to another enterprise")),
            actor=actor,
        )
        department = _department(transfer.to_enterprise, transfer.department_name)
        new = Employment(
            person=transfer.person,
            enterprise=transfer.to_enterprise,
            department=department,
            post=transfer.post,
            category=transfer.category,
            employment_form=transfer.employment_form,
            hire_date=transfer.hire_date,
            status=EmploymentStatus.ON_POST,
            status_since=start,
        )
        new.full_clean(exclude=["person", "enterprise"])
        new.save()
        EmploymentEvent.objects.create(
            employment=new,
            kind=EmploymentEvent.Kind.HIRED,
            effective_on=start,
            reason=audit_text(_("Transferred in (request accepted)")),
            actor=_user(actor),
        )
        _audit("transfer.accept", actor=actor, transfer=transfer, request=request)
        jobs_changed_send([new.person_id])
    return new


def transfer_refuse(
    *,
    actor: User | None,
    transfer: TransferRequest,
    reason: str,
    request: HttpRequest | None = None,
) -> TransferRequest:
    """The person stays. The reason is required: the asking enterprise reads it."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RosterError(
            gettext("Give a reason; the asking enterprise will read it."), "reason", "reason"
        )
    if len(reason) > 200:
        raise RosterError(gettext("At most %(n)s characters.") % {"n": 200}, "reason", "reason")
    with transaction.atomic():
        transfer = _locked(transfer)
        _require_decider(actor, transfer)
        _require_pending(transfer)
        _decided(transfer, Status.REFUSED, actor, reason)
        _audit("transfer.refuse", actor=actor, transfer=transfer, request=request, reason=reason)
    return transfer


def transfer_cancel(
    *, actor: User | None, transfer: TransferRequest, request: HttpRequest | None = None
) -> TransferRequest:
    """The asking enterprise withdraws its request while it waits."""
    with transaction.atomic():
        transfer = _locked(transfer)
        if not transfer_may_cancel(user=actor, transfer=transfer):
            raise RosterError(
                gettext("Only the asking enterprise's admin withdraws this request."),
                "forbidden",
            )
        _require_pending(transfer)
        _decided(transfer, Status.CANCELLED, actor)
        _audit("transfer.cancel", actor=actor, transfer=transfer, request=request)
    return transfer
