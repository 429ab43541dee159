"""A roster import's rows in bulk: the two kinds that make up nearly every file.

* A new ID number: a new person, hired at the row's enterprise (Person, Employment and its
  HIRED event created a few hundred at a time).
* A person already on the row's enterprise's roster with nothing to change: nothing written.

Both are decided exactly as :func:`roster.services.people.person_create_or_update` decides
them, from the people and current jobs read in a few queries for the whole file (locked, as
that service locks them one by one). Every other row (an update, a move, a transfer, a name
that does not match, a row the model refuses) is left to that service, row by row, so the
rules and the report stay the same; the import runner calls it for whatever is not returned
here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents.imports.runner import CREATED, UNCHANGED
from roster.choices import EmploymentStatus
from roster.events import jobs_changed_send
from roster.identity import IdentityError, parse_id_number
from roster.models import Department, Employment, EmploymentEvent, Person

from .employments import PersonData, _administers

if TYPE_CHECKING:
    from roster.models import User

CHUNK = 500  # rows per query (SQLite allows 999 parameters before 3.32; some still run it)


def people_import_batch(
    *, rows: list[PersonData], actor: User | None, today: dt.date | None = None
) -> dict[int, str]:
    """Write the new people of ``rows`` and recognise the unchanged ones; returns
    {position in rows: CREATED or UNCHANGED}. Call inside the import's transaction."""
    today = today or timezone.localdate()
    allowed = {
        pk for pk in {d.enterprise.pk for d in rows} if _administers(actor, pk)
    }  # once per enterprise, not per row
    ids: dict[int, str] = {}
    for i, data in enumerate(rows):
        if data.enterprise.pk not in allowed:
            continue  # refused row by row, with the service's own message
        try:
            ids[i] = parse_id_number(data.id_number).value
        except IdentityError:
            continue
    people = _locked_people(set(ids.values()))
    current = _locked_current_jobs([p.pk for p in people.values()])
    departments = _departments(rows, ids)

    outcomes: dict[int, str] = {}
    new: list[tuple[int, PersonData, Person, Employment]] = []
    for i, id_number in ids.items():
        data = rows[i]
        person = people.get(id_number)
        department = departments.get((data.enterprise.pk, data.department_name))
        if person is None:
            hired = _new_job(data, department, today)
            if hired is not None:
                new.append((i, data, _new_person(data), hired))
        elif _unchanged(data, person, current.get(person.pk), department):
            outcomes[i] = UNCHANGED
    if new and _create(new, actor, today, departments):
        outcomes.update((i, CREATED) for i, *_rest in new)
    return outcomes


def _locked_people(id_numbers: set[str]) -> dict[str, Person]:
    ordered = sorted(id_numbers)
    found: dict[str, Person] = {}
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        for person in Person.objects.select_for_update().filter(id_number__in=chunk):
            found[person.id_number] = person
    return found


def _locked_current_jobs(person_ids: list[int]) -> dict[int, Employment]:
    found: dict[int, Employment] = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        jobs = Employment.objects.select_for_update().current().filter(person_id__in=chunk)
        found.update((job.person_id, job) for job in jobs)
    return found


def _departments(rows: list[PersonData], ids: dict[int, str]) -> dict[tuple[int, str], int | None]:
    """(enterprise id, name) -> department id of the departments the rows name that exist.
    A name not there yet is missing: an existing person's row naming it is a change."""
    wanted = {(rows[i].enterprise.pk, rows[i].department_name) for i in ids}
    names = {name for _pk, name in wanted if name}
    found: dict[tuple[int, str], int | None] = {(pk, ""): None for pk, _name in wanted}
    if names:
        query = Department.objects.filter(
            enterprise_id__in={pk for pk, _name in wanted}, name__in=names
        ).values_list("enterprise_id", "name", "pk")
        found.update(((pk, name), dept) for pk, name, dept in query)
    return found


def _fields(data: PersonData, department_id: int | None) -> dict:
    return {
        "department_id": department_id,
        "post": data.post,
        "category": data.category,
        "employment_form": data.employment_form,
        "hire_date": data.hire_date,
    }


def _unchanged(
    data: PersonData, person: Person, job: Employment | None, department: int | None
) -> bool:
    """True when the service would write nothing: the person works at this enterprise (so
    the actor, who may write its roster, keeps their name and phone), the name and a given
    phone are those on file, and the job's fields are the row's."""
    if job is None or job.enterprise_id != data.enterprise.pk:
        return False
    if data.department_name and department is None:
        return False  # a department to create: the service does it
    if person.name != data.name or (data.phone and person.phone != data.phone):
        return False
    return all(getattr(job, k) == v for k, v in _fields(data, department).items())


def _new_person(data: PersonData) -> Person:
    parsed = parse_id_number(data.id_number)
    return Person(
        id_number=parsed.value,
        name=data.name,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        phone=data.phone,
    )


def _new_job(data: PersonData, department: int | None, today: dt.date) -> Employment | None:
    """The new person's job, checked as the service checks it (field by field; the one-job
    rule holds for a new person), or None to leave the row to the service. A department not
    there yet is created with the people (_create)."""
    job = Employment(
        enterprise=data.enterprise,
        status=EmploymentStatus.ON_POST,
        status_since=data.hire_date or today,
        **_fields(data, department),
    )
    try:
        job.clean_fields(exclude=["person", "enterprise", "department"])
    except ValidationError:
        return None
    return job


def _create(new: list, actor: User | None, today: dt.date, departments: dict) -> bool:
    """Create the new people, the departments they name that are not there yet, their jobs
    and HIRED events; False (nothing written) when an ID number was taken meanwhile by
    another request: then every row goes the slow way."""
    try:
        with transaction.atomic():
            for _i, data, _p, job in new:
                key = (data.enterprise.pk, data.department_name)
                if data.department_name and departments.get(key) is None:
                    departments[key] = Department.objects.get_or_create(
                        enterprise=data.enterprise, name=data.department_name
                    )[0].pk
                job.department_id = departments[key]
            people = Person.objects.bulk_create([p for _i, _d, p, _j in new], batch_size=CHUNK)
            jobs = []
            for person, (_i, _d, _p, job) in zip(people, new, strict=True):
                job.person = person
                jobs.append(job)
            Employment.objects.bulk_create(jobs, batch_size=CHUNK)
            EmploymentEvent.objects.bulk_create(
                [
                    EmploymentEvent(
                        employment=job,
                        kind=EmploymentEvent.Kind.HIRED,
                        effective_on=data.hire_date or today,
                        actor=actor,
                    )
                    for (_i, data, _p, _j), job in zip(new, jobs, strict=True)
                ],
                batch_size=CHUNK,
            )
            jobs_changed_send(job.person_id for job in jobs)
    except IntegrityError:
        return False
    # bulk_create sends no post_save: tell the reports once (reports.signals).
    from reports.maintained import figures_changed

    figures_changed(person_ids=[p.pk for p in people])
    return True
