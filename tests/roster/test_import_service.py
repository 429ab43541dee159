"""roster_import: all or nothing, only-valid, dry run, upserts and the audit row."""

import datetime as dt

import pytest
from django.utils import translation

from roster.choices import EmploymentStatus, PersonnelCategory
from roster.imports import read_roster
from roster.models import AuditLog, Employment, Enterprise, Person
from roster.services import imports as import_services
from roster.services.imports import roster_import
from tests.factories import EmploymentFactory, PersonFactory, make_id_number
from tests.roster.sheets import HEADERS, roster_row, xlsx_bytes

pytestmark = pytest.mark.django_db

ID_1 = make_id_number(seq=701)
ID_2 = make_id_number(seq=702)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def checked(rows):
    return read_roster(
        xlsx_bytes([HEADERS, *rows]), "roster.xlsx", enterprises=Enterprise.objects.all()
    )


def run(rows, *, only_valid=False, dry_run=False, actor=None):
    return roster_import(rows=checked(rows), actor=actor, only_valid=only_valid, dry_run=dry_run)


def test_good_rows_are_created_with_counts(world):
    result = run([roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc)])
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert result.written and not result.refused
    assert Employment.objects.current().filter(person__id_number=ID_1).get().enterprise_id == (
        world.ent_a.pk
    )


def test_nothing_is_written_when_any_row_is_bad(world):
    people = Person.objects.count()
    result = run([roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc, 姓名="")])
    assert result.refused and not result.written
    assert Person.objects.count() == people
    assert not AuditLog.objects.filter(action="roster.import").exists()


def test_only_valid_writes_the_good_rows_and_reports_the_bad(world):
    result = run(
        [roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc, 姓名="")],
        only_valid=True,
    )
    assert result.written and result.created == 1 and result.bad_rows == 1
    assert Person.objects.filter(id_number=ID_1).exists()
    assert not Person.objects.filter(id_number=ID_2).exists()


def test_dry_run_counts_but_writes_nothing(world):
    people = Person.objects.count()
    result = run([roster_row(ID_1, world.ent_a.uscc)], dry_run=True)
    assert result.created == 1 and not result.written
    assert Person.objects.count() == people
    assert not AuditLog.objects.filter(action="roster.import").exists()


def test_an_existing_person_is_updated_not_duplicated(world):
    person = PersonFactory(id_number=ID_1, name="王晓明")
    EmploymentFactory(person=person, enterprise=world.ent_a, post="焊工")
    result = run([roster_row(ID_1, world.ent_a.uscc)])
    assert (result.created, result.updated) == (0, 1)
    person.refresh_from_db()
    assert person.name == "王小明"
    assert Employment.objects.current().get(person=person).post == "低压电工作业"


def test_importing_the_same_file_twice_leaves_everyone_unchanged(world):
    rows = [roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc)]
    run(rows)
    result = run(rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)


def test_a_person_from_another_enterprise_moves_and_keeps_history(world):
    person = world.person_b
    old = Employment.objects.current().get(person=person)
    result = run([roster_row(person.id_number, world.ent_a.uscc, 入职日期="2024-07-01")])
    assert result.updated == 1
    old.refresh_from_db()
    assert old.ended_on == dt.date(2024, 7, 1) and old.status == EmploymentStatus.LEFT
    assert Employment.objects.current().get(person=person).enterprise == world.ent_a
    assert person.employments.count() == 2


def test_one_audit_row_records_the_counts(world):
    run(
        [roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc)],
        actor=world.enterprise_admin,
    )
    (audit,) = AuditLog.objects.filter(action__in=["roster.import", "person.create"])
    assert audit.action == "roster.import" and audit.actor == world.enterprise_admin
    assert audit.data["created"] == 2 and audit.data["enterprises"] == [world.ent_a.uscc]


def test_a_crash_half_way_leaves_nothing_behind(world, monkeypatch):
    # The new person is written in bulk first (people_batch); the crash comes on the row
    # written one by one after it (an existing person's change).
    person = PersonFactory(id_number=ID_2, name="王小明")
    EmploymentFactory(person=person, enterprise=world.ent_a, post="焊工")

    def crash(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "person_create_or_update", crash)
    with pytest.raises(RuntimeError):
        run([roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc)])
    assert not Person.objects.filter(id_number=ID_1).exists()
    assert Employment.objects.current().get(person=person).post == "焊工"


def test_a_crash_in_the_bulk_write_leaves_nothing_behind(world, monkeypatch):
    from roster.models import EmploymentEvent
    from roster.services import people_batch

    insert = people_batch._insert

    def crash(objects):
        # The people and their jobs are in by now: the events are the last of the write.
        if objects and isinstance(objects[0], EmploymentEvent):
            raise RuntimeError("disk full")
        return insert(objects)

    monkeypatch.setattr(people_batch, "_insert", crash)
    with pytest.raises(RuntimeError):
        run([roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, world.ent_a.uscc)])
    assert not Person.objects.filter(id_number__in=[ID_1, ID_2]).exists()
    assert not Employment.objects.filter(person__id_number__in=[ID_1, ID_2]).exists()


def test_the_category_of_an_existing_employment_is_changed(world):
    person = world.person_a
    run([roster_row(person.id_number, world.ent_a.uscc, 人员类别="班组长")])
    assert Employment.objects.current().get(person=person).category == (
        PersonnelCategory.TEAM_LEADER
    )
