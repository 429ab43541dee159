"""The roster import's bulk path (roster.services.people_batch): new people and unchanged
rows in a few queries, every other row through person_create_or_update, the same report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from roster.imports import read_roster
from roster.models import Department, Employment, EmploymentEvent, Enterprise, Person
from roster.services.imports import roster_import
from tests.factories import EmploymentFactory, PersonFactory, make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(rows):
    parsed = read_roster(
        xlsx_bytes([HEADERS, *rows]), "roster.xlsx", enterprises=Enterprise.objects.all()
    )
    return roster_import(rows=parsed, actor=None, only_valid=False, dry_run=False)


def test_new_people_are_hired_with_their_history_and_department(world):
    ids = [make_id_number(seq=800 + i) for i in range(30)]
    result = run([roster_row(i, world.ent_a.uscc, 部门="新车间") for i in ids])
    assert (result.created, result.updated, result.unchanged) == (30, 0, 0)
    jobs = Employment.objects.current().filter(person__id_number__in=ids)
    department = Department.objects.get(enterprise=world.ent_a, name="新车间")
    assert jobs.count() == 30 and set(jobs.values_list("department", flat=True)) == {department.pk}
    hired = EmploymentEvent.objects.filter(employment__in=jobs, kind=EmploymentEvent.Kind.HIRED)
    assert hired.count() == 30
    person = Person.objects.get(id_number=ids[0])
    assert person.name == "王小明" and person.birth_date and person.sex


def test_a_mixed_file_reports_each_row_as_the_service_would(world):
    changed = PersonFactory(id_number=make_id_number(seq=850), name="王小明")
    EmploymentFactory(person=changed, enterprise=world.ent_a, post="焊工")
    new_id = make_id_number(seq=851)
    same = [roster_row(make_id_number(seq=852), world.ent_a.uscc)]
    run(same)
    result = run(
        [
            roster_row(new_id, world.ent_a.uscc),
            roster_row(changed.id_number, world.ent_a.uscc),
            *same,
            roster_row(world.person_b.id_number, world.ent_a.uscc, 入职日期="2024-07-01"),
        ]
    )
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)


def test_queries_do_not_grow_with_the_rows(world):
    def queries(n, seq):
        rows = [roster_row(make_id_number(seq=seq + i), world.ent_a.uscc) for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            run(rows)
        return len(captured)

    few = queries(5, 910)  # first: it also creates the rows' department
    assert queries(40, 860) <= few


def test_the_prepared_insert_writes_what_bulk_create_writes(world):
    """people_batch._insert skips Django's per-value preparation: the stored rows must be
    those bulk_create stores (every column but the keys, the ID number and the clocks)."""
    import datetime as dt

    from roster.services.people_batch import _insert

    def person(id_number):
        return Person(
            id_number=id_number, name="张三", sex="M", birth_date=dt.date(1980, 1, 2), phone=""
        )

    def job(who):
        return Employment(
            person=who,
            enterprise=world.ent_a,
            category=Employment._meta.get_field("category").choices[0][0],
            post="电工",
            hire_date=dt.date(2020, 1, 1),
            status_since=dt.date(2020, 1, 1),
        )

    def event(of):
        return EmploymentEvent(
            employment=of, kind=EmploymentEvent.Kind.HIRED, effective_on=dt.date(2020, 1, 1)
        )

    by_django = Person.objects.bulk_create([person(make_id_number(seq=901))])[0]
    prepared = _insert([person(make_id_number(seq=902))])[0]
    django_job = Employment.objects.bulk_create([job(by_django)])[0]
    prepared_job = _insert([job(prepared)])[0]
    django_event = EmploymentEvent.objects.bulk_create([event(django_job)])[0]
    prepared_event = _insert([event(prepared_job)])[0]
    skip = {"id", "id_number", "person", "employment", "created_at", "updated_at"}
    for model, a, b in (
        (Person, by_django, prepared),
        (Employment, django_job, prepared_job),
        (EmploymentEvent, django_event, prepared_event),
    ):
        names = [f.attname for f in model._meta.concrete_fields if f.name not in skip]
        stored = model.objects.filter(pk__in=[a.pk, b.pk]).order_by("pk").values_list(*names)
        assert stored[0] == stored[1], model
        assert model.objects.get(pk=b.pk).created_at == b.created_at
    assert Employment.objects.get(pk=prepared_job.pk).person_id == prepared.pk


def test_the_bulk_write_stores_json_keys_and_a_null_as_the_orm_does(world):
    """The bulk write (a COPY on PostgreSQL, INSERT ... RETURNING elsewhere) gives every row
    its key from the table's own sequence and stores a JSON value, an actor and a missing
    department as the ORM stores them."""
    import datetime as dt

    from roster.services.people_batch import _insert

    people = _insert(
        [
            Person(
                id_number=make_id_number(seq=930 + i),
                name=f"李{i}",
                sex="F",
                birth_date=dt.date(1990, 1, 1),
                phone="",
            )
            for i in range(3)
        ]
    )
    assert len({p.pk for p in people}) == 3
    assert sorted(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("name")) == [
        ("李0",),
        ("李1",),
        ("李2",),
    ]
    job = Employment(
        person=people[0],
        enterprise=world.ent_a,
        category=Employment._meta.get_field("category").choices[0][0],
        post="电工",
        status_since=dt.date(2021, 3, 4),
    )
    _insert([job])
    event = EmploymentEvent(
        employment=job,
        kind=EmploymentEvent.Kind.CHANGED,
        effective_on=dt.date(2021, 3, 4),
        changes={"岗位": ["焊工", "电工"], "n": 1},
        actor=world.enterprise_admin,
    )
    _insert([event])
    stored = EmploymentEvent.objects.get(pk=event.pk)
    assert stored.changes == {"岗位": ["焊工", "电工"], "n": 1}
    assert stored.actor_id == event.actor_id and stored.employment_id == job.pk
    assert Employment.objects.get(pk=job.pk).department_id is None
    # The next row the ORM writes takes a key after the bulk ones (the sequence moved on).
    later = Person.objects.create(
        id_number=make_id_number(seq=940), name="赵", sex="M", birth_date=dt.date(1990, 1, 1)
    )
    assert later.pk > max(p.pk for p in people)


def test_an_id_number_taken_meanwhile_is_an_integrity_error_that_leaves_nothing(world):
    """_create counts on the database's refusal being Django's IntegrityError (on
    PostgreSQL the COPY is psycopg's own call) to send every row the slow way."""
    import datetime as dt

    from django.db import IntegrityError, transaction

    from roster.services.people_batch import _insert

    def person(id_number: str) -> Person:
        return Person(id_number=id_number, name="甲", sex="M", birth_date=dt.date(1990, 1, 1))

    taken = world.person_b.id_number
    fresh = make_id_number(seq=950)
    with pytest.raises(IntegrityError, match=r"id_number|UNIQUE"), transaction.atomic():
        _insert([person(fresh), person(taken)])
    assert not Person.objects.filter(id_number=fresh).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_on_postgresql_the_new_rows_go_in_by_copy_not_insert(world):
    ids = [make_id_number(seq=960 + i) for i in range(12)]
    with CaptureQueriesContext(connection) as captured:
        result = run([roster_row(i, world.ent_a.uscc) for i in ids])
    assert result.created == 12
    inserts = [q["sql"] for q in captured if q["sql"].startswith("INSERT")]
    tables = {sql.split()[2] for sql in inserts}
    assert not tables & {'"roster_person"', '"roster_employment"', '"roster_employmentevent"'}
    assert Employment.objects.current().filter(person__id_number__in=ids).count() == 12


def test_a_large_import_refreshes_postgresqls_statistics_after_commit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    # Without fresh statistics the next re-import's reads were planned on the old counts.
    from roster.services import people_batch

    monkeypatch.setattr(people_batch, "ANALYZE_AFTER", 5)
    ids = [make_id_number(seq=1100 + i) for i in range(6)]
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert run([roster_row(i, world.ent_a.uscc) for i in ids]).created == 6
    analyzed = [q["sql"] for q in captured if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analyzed == ['ANALYZE "roster_person"', 'ANALYZE "roster_employment"']
    else:  # SQLite plans these reads well without statistics
        assert analyzed == []


def test_a_small_import_leaves_the_statistics_to_autovacuum(
    world, django_capture_on_commit_callbacks
):
    ids = [make_id_number(seq=1120 + i) for i in range(3)]
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert run([roster_row(i, world.ent_a.uscc) for i in ids]).created == 3
    assert not [q for q in captured if q["sql"].startswith("ANALYZE")]
