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
