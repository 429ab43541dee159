"""Creating and updating people and their employment, with history kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from roster.choices import EmploymentForm, EmploymentStatus
from roster.identity import parse_id_number
from roster.models import Department, Employment, EmploymentEvent, Enterprise, Person

from .audit import audit_record, audit_text

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User

# Employment fields whose changes go into the history.
_TRACKED = ("department_id", "post", "category", "employment_form", "hire_date")


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
    person: Person
    employment: Employment
    created_person: bool
    created_employment: bool
    changed: bool


def _department(enterprise: Enterprise, name: str) -> Department | None:
    if not name:
        return None
    department, _ = Department.objects.get_or_create(enterprise=enterprise, name=name)
    return department


def person_create_or_update(
    *,
    data: PersonData,
    actor: User | None,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
    audit: bool = True,
) -> UpsertResult:
    """Upsert by ID number. A person now at another enterprise leaves the old one (history kept)."""
    today = today or timezone.localdate()
    parsed = parse_id_number(data.id_number)
    with transaction.atomic():
        person, created_person = Person.objects.select_for_update().get_or_create(
            id_number=parsed.value,
            defaults={
                "name": data.name,
                "sex": parsed.sex,
                "birth_date": parsed.birth_date,
                "phone": data.phone,
            },
        )
        changed = created_person
        if not created_person:
            updates = {k: v for k, v in {"name": data.name, "phone": data.phone}.items() if v}
            if any(getattr(person, k) != v for k, v in updates.items()):
                for k, v in updates.items():
                    setattr(person, k, v)
                person.full_clean()
                person.save()
                changed = True

        current = Employment.objects.select_for_update().filter(person=person).current().first()
        if current is not None and current.enterprise_id != data.enterprise.pk:
            employment_end(
                employment=current,
                on=data.hire_date or today,
                reason="moved to another enterprise",
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
        if created_employment:
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
                for k, v in fields.items():
                    setattr(current, k, v)
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
    """在岗 / 离岗 / 转岗 with the date it took effect; the previous status stays in history."""
    with transaction.atomic():
        employment = Employment.objects.select_for_update().get(pk=employment.pk)
        if status == EmploymentStatus.LEFT:
            return employment_end(employment=employment, on=on, reason=reason, actor=actor)
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


def employment_end(
    *, employment: Employment, on: dt.date, reason: str = "", actor: User | None
) -> Employment:
    with transaction.atomic():
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
    return employment
