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
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    F,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.db.models.base import ModelState
from django.utils import timezone

from config.lookups import InSet
from documents.imports.runner import CREATED, UNCHANGED
from roster.choices import EmploymentStatus
from roster.events import jobs_changed_send
from roster.identity import IdentityError, IdNumber, normalize_id_number, parse_id_number
from roster.models import Department, Employment, EmploymentEvent, Person

from .employments import PersonData, _administers

if TYPE_CHECKING:
    from roster.models import User

_M = TypeVar("_M", bound=Model)
# New people from one import above which PostgreSQL's statistics are refreshed at once.
ANALYZE_AFTER = 1000
CHUNK = 500  # rows per INSERT (SQLite allows 999 parameters before 3.32; some still run it)


class _OnFile(NamedTuple):
    """What an unchanged row is compared with: plain values, not model instances, because
    building 20,000 instances cost more than the rest of a re-import together."""

    pk: int
    name: str
    phone: str


class _CurrentJob(NamedTuple):
    enterprise_id: int
    department_id: int | None
    post: str
    category: str
    employment_form: str
    hire_date: dt.date | None


_JOB_COLUMNS = ("enterprise_id", *_CurrentJob._fields[1:])


def people_import_batch(
    *, rows: list[PersonData], actor: User | None, today: dt.date | None = None
) -> dict[int, str]:
    """Write the new people of ``rows`` and recognise the unchanged ones; returns
    {position in rows: CREATED or UNCHANGED}. Call inside the import's transaction."""
    today = today or timezone.localdate()
    allowed = {
        pk for pk in {d.enterprise.pk for d in rows} if _administers(actor, pk)
    }  # once per enterprise, not per row
    ids = {
        i: normalize_id_number(data.id_number)
        for i, data in enumerate(rows)
        if data.enterprise.pk in allowed  # else refused row by row, with the service's message
    }
    people = _locked_people(set(ids.values()))
    # Only a new person's ID number is parsed here (their sex and birth date): one on file
    # was checked when it was written, and the parser checked every row's already.
    parsed: dict[int, IdNumber] = {}
    for i, id_number in list(ids.items()):
        if id_number in people:
            continue
        try:
            parsed[i] = parse_id_number(id_number)
        except IdentityError:
            del ids[i]  # left to the service, which refuses it with its reason
    current = _locked_current_jobs([p.pk for p in people.values()])
    departments = _departments(rows, ids)

    outcomes: dict[int, str] = {}
    new: list[tuple[int, PersonData, Person, Employment]] = []
    valid_jobs: dict[tuple, bool] = {}
    for i, id_number in ids.items():
        data = rows[i]
        person = people.get(id_number)
        department = departments.get((data.enterprise.pk, data.department_name))
        if person is None:
            hired = _new_job(data, department, today, valid_jobs)
            if hired is not None:
                new.append((i, data, _new_person(data, parsed[i]), hired))
        elif _unchanged(data, person, current.get(person.pk), department):
            outcomes[i] = UNCHANGED
    if new and _create(new, actor, today, departments):
        outcomes.update((i, CREATED) for i, *_rest in new)
    return outcomes


def _locked_people(id_numbers: set[str]) -> dict[str, _OnFile]:
    # One query with the ID numbers as one parameter (config.lookups.InSet): the IN list's
    # preparation value by value cost more than the query (bench/bench_imports.py).
    query = (
        Person.objects.select_for_update()
        .filter(InSet(F("id_number"), sorted(id_numbers)))
        .values_list("id_number", "pk", "name", "phone")
        .order_by()
    )
    return {id_number: _OnFile(pk, name, phone) for id_number, pk, name, phone in query}


def _locked_current_jobs(person_ids: list[int]) -> dict[int, _CurrentJob]:
    if not person_ids:
        return {}
    query = (
        Employment.objects.select_for_update()
        .current()
        .filter(InSet(F("person_id"), person_ids))
        .values_list("person_id", *_JOB_COLUMNS)
        .order_by()  # the model's ordering joins the person: FOR UPDATE refuses that
    )
    return {person_id: _CurrentJob(*job) for person_id, *job in query}


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
    data: PersonData, person: _OnFile, job: _CurrentJob | None, department: int | None
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


def _builder(model: type[_M]) -> Callable[..., _M]:
    """A maker of new, unsaved ``model`` instances from column values (by attname), as
    ``model(**values)`` makes them but without its generic set-up per field, which took
    about a third of the write of 10,000 new people (30,000 instances). The models built
    this way (Person, Employment, EmploymentEvent) have no pre_init or post_init receivers,
    which this skips; a default that is a callable is still called for each instance."""
    constant: dict[str, object] = {}
    per_instance: list[Field] = []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            per_instance.append(f)
        else:
            constant[f.attname] = f.get_default()
    new = model.__new__

    def build(**values: object) -> _M:
        obj = new(model)
        obj._state = ModelState()
        state = obj.__dict__
        state.update(constant)
        for f in per_instance:
            state[f.attname] = f.get_default()
        state.update(values)
        return obj

    return build


_build_person = _builder(Person)
_build_job = _builder(Employment)
_build_event = _builder(EmploymentEvent)


def _new_person(data: PersonData, parsed: IdNumber) -> Person:
    return _build_person(
        id_number=parsed.value,
        name=data.name,
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        phone=data.phone,
    )


def _new_job(
    data: PersonData, department: int | None, today: dt.date, valid: dict[tuple, bool]
) -> Employment | None:
    """The new person's job, checked as the service checks it (field by field; the one-job
    rule holds for a new person), or None to leave the row to the service. A department not
    there yet is created with the people (_create).

    ``valid`` remembers the check by the values it looks at: a file has few distinct posts,
    categories and dates, and the check of one took a third of a new row's time."""
    fields = _fields(data, department)
    job = _build_job(
        enterprise_id=data.enterprise.pk,
        status=EmploymentStatus.ON_POST,
        status_since=data.hire_date or today,
        **fields,
    )
    checked = (*(v for k, v in fields.items() if k != "department_id"), job.status_since)
    if checked not in valid:
        try:
            job.clean_fields(exclude=["person", "enterprise", "department"])
            valid[checked] = True
        except ValidationError:
            valid[checked] = False
    return job if valid[checked] else None


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
            people = _insert([p for _i, _d, p, _j in new])
            jobs = []
            for person, (_i, _d, _p, job) in zip(people, new, strict=True):
                job.person_id = person.pk
                jobs.append(job)
            _insert(jobs)
            actor_id = actor.pk if actor is not None else None
            _insert(
                [
                    _build_event(
                        employment_id=job.pk,
                        kind=EmploymentEvent.Kind.HIRED,
                        effective_on=data.hire_date or today,
                        actor_id=actor_id,
                    )
                    for (_i, data, _p, _j), job in zip(new, jobs, strict=True)
                ]
            )
            jobs_changed_send(job.person_id for job in jobs)
    except IntegrityError:
        return False
    # bulk_create sends no post_save: tell the reports once (reports.signals).
    from reports.maintained import figures_changed

    figures_changed(person_ids=[p.pk for p in people])
    if connection.vendor == "postgresql" and len(people) >= ANALYZE_AFTER:
        transaction.on_commit(_analyze_people_tables)
    return True


def _analyze_people_tables() -> None:
    """Refresh PostgreSQL's statistics of the tables a large import just filled, as its
    manual advises after a bulk load: autovacuum's ANALYZE comes later, and until it does
    the planner reads the enterprise's jobs by the old row counts. A re-import of the same
    10,000 rows right after the first waited 0.9 s on its two reads that way, 0.06 s after
    ANALYZE (bench/bench_imports.py --postgres). ANALYZE samples a fixed number of rows, so
    it costs tens of milliseconds at any table size."""
    with connection.cursor() as cursor:
        for model in (Person, Employment):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _insert(objects: list[_M]) -> list[_M]:
    """``bulk_create`` of new rows of one model, with their primary keys set, for the few
    models of a roster import (people, jobs, events): the same INSERT ... RETURNING, with each
    value prepared as Django prepares it, but a date or time prepared once for every row that
    has it and a text or number passed as it is. Django's generic preparation of 200,000
    values cost more than the database's work (bench/bench_imports.py). Without RETURNING
    (SQLite before 3.35) it is ``bulk_create`` itself."""
    if not objects:
        return objects
    model = type(objects[0])
    if not connection.features.can_return_rows_from_bulk_insert:
        return model._default_manager.bulk_create(objects, batch_size=CHUNK)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    now = timezone.now()
    prepare = [_preparer(f) for f in fields]
    if connection.vendor == "postgresql":
        return _copy(objects, fields, prepare, now)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(CHUNK, connection.ops.bulk_batch_size(fields, objects)))
    head = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        "VALUES "
    )
    tail = f" RETURNING {quote(str(meta.pk.column))}"
    auto = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            chunk = objects[start : start + size]
            params: list[Any] = []
            for obj in chunk:
                for name in auto:
                    setattr(obj, name, now)  # as pre_save does for auto_now(_add)
                params.extend(p(obj) for p in prepare)
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
    return objects


def _copy(
    objects: list[_M], fields: list[Field], prepare: list[Callable[[Model], object]], now: object
) -> list[_M]:
    """PostgreSQL: the rows in one COPY, with their keys drawn from the table's sequence
    first (one query), as an INSERT would draw them. Binding 100,000 values to INSERT
    statements cost more in this process than the rest of the import's write."""
    meta = objects[0]._meta
    quote = connection.ops.quote_name
    pk = str(meta.pk.column)
    auto = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    columns = ", ".join(quote(c) for c in [pk, *(str(f.column) for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk, len(objects)],
        )
        keys = [key for (key,) in cursor.fetchall()]
        copying = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        # psycopg's own cursor (Django's wrapper has no copy()): its errors are wrapped as
        # Django wraps them, so a clash is the IntegrityError _create expects.
        with connection.wrap_database_errors, cursor.cursor.copy(copying) as copy:
            for key, obj in zip(keys, objects, strict=True):
                for name in auto:
                    setattr(obj, name, now)  # as pre_save does for auto_now(_add)
                copy.write_row((key, *(p(obj) for p in prepare)))
    for key, obj in zip(keys, objects, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def _preparer(field: Field) -> Callable[[Model], object]:
    """How one field's value goes into the INSERT (see _insert)."""
    attname = field.attname
    ops = connection.ops
    if isinstance(field, DateTimeField):
        return _memo(attname, ops.adapt_datetimefield_value)
    if isinstance(field, DateField):
        return _memo(attname, ops.adapt_datefield_value)
    if isinstance(field, CharField | TextField | IntegerField | BooleanField) or (
        isinstance(field, ForeignKey) and isinstance(field.target_field, IntegerField)
    ):
        return operator.attrgetter(attname)  # as Django passes them (psycopg, sqlite3 adapt)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def _memo(attname: str, adapt: Callable[[Any], object]) -> Callable[[Model], object]:
    seen: dict[object, object] = {None: None}

    def prepare(obj: Model) -> object:
        value = getattr(obj, attname)
        if value not in seen:
            seen[value] = adapt(value)
        return seen[value]

    return prepare
