"""Upsert by ID number, moving between enterprises and status history (issue: roster)."""

import datetime as dt

import pytest
from django.core.management import call_command

from roster.choices import EmploymentStatus, PersonnelCategory
from roster.models import AuditLog, Employment, EmploymentEvent, Person
from roster.services import PersonData, employment_change_status, person_create_or_update
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def data(world, enterprise=None, **overrides):
    base = {
        "id_number": make_id_number(seq=901),
        "name": "王小明",
        "enterprise": enterprise or world.ent_a,
        "category": PersonnelCategory.SPECIAL_OPERATOR,
        "post": "低压电工作业",
        "department_name": "机修车间",
        "hire_date": dt.date(2024, 3, 1),
    }
    return PersonData(**{**base, **overrides})


def test_new_person_gets_a_current_employment_and_a_hire_event(world):
    result = person_create_or_update(data=data(world), actor=world.enterprise_admin)
    assert result.created_person and result.created_employment
    assert result.employment.department.name == "机修车间"
    assert result.employment.events.get().kind == EmploymentEvent.Kind.HIRED
    assert AuditLog.objects.filter(action="person.create", actor=world.enterprise_admin).exists()


def test_same_id_number_updates_instead_of_duplicating(world):
    person_create_or_update(data=data(world), actor=None)
    result = person_create_or_update(data=data(world, post="高压电工作业"), actor=None)
    assert not result.created_person and result.changed
    assert Person.objects.filter(name="王小明").count() == 1
    change = result.employment.events.get(kind=EmploymentEvent.Kind.CHANGED)
    assert change.changes["post"] == ["低压电工作业", "高压电工作业"]


def test_unchanged_row_changes_nothing(world):
    person_create_or_update(data=data(world), actor=None)
    result = person_create_or_update(data=data(world), actor=None)
    assert not result.changed


def test_moving_to_another_enterprise_ends_the_old_employment(world):
    first = person_create_or_update(data=data(world), actor=None)
    moved = person_create_or_update(
        data=data(world, enterprise=world.ent_b, hire_date=dt.date(2025, 7, 1)), actor=None
    )
    old = Employment.objects.get(pk=first.employment.pk)
    assert old.ended_on == dt.date(2025, 7, 1) and old.status == EmploymentStatus.LEFT
    assert moved.employment.enterprise == world.ent_b and moved.employment.is_current
    assert moved.person.employments.count() == 2


def test_status_change_keeps_the_previous_status_in_history(world):
    result = person_create_or_update(data=data(world), actor=None)
    employment_change_status(
        employment=result.employment,
        status=EmploymentStatus.OFF_POST,
        on=dt.date(2025, 1, 10),
        reason="病假",
        actor=world.enterprise_admin,
    )
    event = result.employment.events.get(kind=EmploymentEvent.Kind.STATUS)
    assert event.changes == {"status": ["on_post", "off_post"]}
    assert event.reason == "病假" and event.effective_on == dt.date(2025, 1, 10)


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
