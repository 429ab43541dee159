"""Creating and updating people and their employment, with history kept."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roster.choices import EmploymentStatus
from roster.events import jobs_changed_send
from roster.identity import parse_id_number
from roster.models import (
    Employment,
    EmploymentEvent,
    Person,
)

from .audit import audit_record, audit_text
from .employments import (
    PersonData,
    UpsertResult,
    _administers,
    _department,
    employment_close,
    name_mismatch_error,
    names_match,
    require_enterprise_admin,
)
from .transfers import person_transfer_request

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User

# Employment fields whose changes go into the history.
_TRACKED = ("department_id", "post", "category", "employment_form", "hire_date")


def person_create_or_update(
    *,
    data: PersonData,
    actor: User | None,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
    audit: bool = True,
) -> UpsertResult:
    """Put a person on `data.enterprise`'s roster, upserting by ID number. The one door the
    form, the API, the import and the demo use; `actor` None is the system (commands).

    - A new ID number: a new person, hired.
    - A person with no current job: hired (history kept). Their name must match the one on
      file; the phone on file stays (it is filled in only when there is none).
    - A person working at an enterprise the actor administers (the same one, or another of
      theirs): a normal update, or a move with the old employment ended (history kept).
    - A person working at an enterprise the actor does not administer: nothing about the
      person changes; a transfer request goes to their current enterprise
      (`UpsertResult.transfer`), which accepts or refuses (roster.services.transfers). The
      caller learns no more than that the person is employed elsewhere.
    Raises RosterError, writing nothing, for an enterprise the actor does not administer
    and for a name that does not match the one on file (unless the actor may change it).
    """
    today = today or timezone.localdate()
    parsed = parse_id_number(data.id_number)
    with transaction.atomic():
        require_enterprise_admin(actor, data.enterprise)
        person, created_person = Person.objects.select_for_update().get_or_create(
            id_number=parsed.value,
            defaults={
                "name": data.name,
                "sex": parsed.sex,
                "birth_date": parsed.birth_date,
                "phone": data.phone,
            },
        )
        current = Employment.objects.select_for_update().filter(person=person).current().first()
        changed = created_person
        if not created_person:
            # Name and phone belong to whoever keeps the person's current job.
            may_change_identity = (
                actor is None
                or actor.is_superuser
                or (current is not None and _administers(actor, current.enterprise_id))
            )
            if not may_change_identity and not names_match(person.name, data.name):
                raise name_mismatch_error()
            if current is not None and not _administers(actor, current.enterprise_id):
                transfer, created = person_transfer_request(actor=actor, data=data, request=request)
                return UpsertResult(person, None, False, False, created, transfer=transfer)
            if may_change_identity:
                updates = {k: v for k, v in {"name": data.name, "phone": data.phone}.items() if v}
            else:
                updates = {"phone": data.phone} if data.phone and not person.phone else {}
            if any(getattr(person, k) != v for k, v in updates.items()):
                for k, v in updates.items():
                    setattr(person, k, v)
                person.full_clean()
                person.save()
                changed = True

        if current is not None and current.enterprise_id != data.enterprise.pk:
            # Both jobs are the actor's to manage (or the actor is the system): a move.
            employment_close(  # checked and locked above
                employment=current,
                on=data.hire_date or today,
                # Not where to: a former employer's staff must not learn the new one.
                reason=audit_text(_("Moved to another enterprise")),
                actor=actor,
            )
            current = None

        fields = {
            "department_id": getattr(
                _department(data.enterprise, data.department_name), "pk", None
            ),
            "post": data.post,
            "category": data.category,
            "employment_form": data.employment_form,
            "hire_date": data.hire_date,
        }
        created_employment = current is None
        if current is None:
            current = Employment(
                person=person,
                enterprise=data.enterprise,
                status=EmploymentStatus.ON_POST,
                status_since=data.hire_date or today,
                **fields,
            )
            current.full_clean(exclude=["person", "enterprise"])
            current.save()
            EmploymentEvent.objects.create(
                employment=current,
                kind=EmploymentEvent.Kind.HIRED,
                effective_on=data.hire_date or today,
                actor=actor,
            )
            changed = True
        else:
            diff = {
                k: [_plain(getattr(current, k)), _plain(v)]
                for k, v in fields.items()
                if getattr(current, k) != v
            }
            if diff:
                for name, value in fields.items():
                    setattr(current, name, value)
                current.full_clean(exclude=["person", "enterprise"])
                current.save()
                EmploymentEvent.objects.create(
                    employment=current,
                    kind=EmploymentEvent.Kind.CHANGED,
                    effective_on=today,
                    changes=diff,
                    actor=actor,
                )
                changed = True
        if changed:
            # New hires, moves and changed posts or categories join notices and assignments
            # still open to them (notices.audience, campaigns.services.warning_readers).
            jobs_changed_send([person.pk])
        if audit and changed:
            audit_record(
                actor=actor,
                action="person.create" if created_person else "person.update",
                target=person,
                summary=person.name,
                request=request,
                enterprise=data.enterprise.uscc,
            )
    return UpsertResult(person, current, created_person, created_employment, changed)


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def employment_change_status(
    *,
    employment: Employment,
    status: str,
    on: dt.date,
    reason: str = "",
    actor: User | None,
    request: HttpRequest | None = None,
) -> Employment:
    """在岗 / 离岗 / 转岗 with the date it took effect; the previous status stays in history.
    Only the system, the system admin and the employing enterprise's own admins change it."""
    with transaction.atomic():
        employment = Employment.objects.select_for_update().get(pk=employment.pk)
        require_enterprise_admin(actor, employment.enterprise)
        if status == EmploymentStatus.LEFT:
            return employment_close(employment=employment, on=on, reason=reason, actor=actor)
        old = employment.status
        employment.status = status
        employment.status_since = on
        employment.full_clean()
        employment.save(update_fields=["status", "status_since", "updated_at"])
        EmploymentEvent.objects.create(
            employment=employment,
            kind=EmploymentEvent.Kind.STATUS,
            effective_on=on,
            changes={"status": [old, status]},
            reason=reason,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="employment.status",
            target=employment.person,
            summary=audit_text(
                "%(old)s → %(new)s",
                old=EmploymentStatus(old).label,
                new=EmploymentStatus(status).label,
            ),
            request=request,
        )
    return employment
