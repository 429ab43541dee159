"""Another enterprise's admin writes none of an enterprise's training records, whoever calls
the service (ARCHITECTURE.md rules 10 and 13: ownership is checked in the service).

The pages refused them, but the services themselves took any actor: a second door (a
command, a task, an API added later) would have written classroom sessions, 三级 records,
三违 retraining and training plans of an enterprise the actor does not administer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from courses.models import TrainingPlan
from courses.services.classroom import SessionData, classroom_record, classroom_update
from courses.services.plans import PlanError, plan_assign, plan_create
from courses.services.records import (
    RecordError,
    safety_education_record,
    violation_record,
    violation_return,
)
from roster.choices import PersonnelCategory

from .conftest import PDF, changed_tables, database_fingerprint

pytestmark = pytest.mark.django_db


def _data() -> SessionData:
    return SessionData(
        title="外企代录",
        training_kind="retraining",
        held_on=dt.date(2025, 4, 1),
        hours=Decimal("8.0"),
        trainer="王老师",
    )


def _sheet():
    return SimpleUploadedFile("sheet.pdf", PDF, content_type="application/pdf")


WRITES = {
    "classroom_record": lambda s, actor: classroom_record(
        enterprise=s.world.ent_a,
        data=_data(),
        attendees=[s.world.person_a],
        sign_in_sheet=_sheet(),
        actor=actor,
    ),
    "classroom_update": lambda s, actor: classroom_update(
        session=s.classroom,
        data=_data(),
        attendees=[s.world.person_a],
        actor=actor,
    ),
    "safety_education_record": lambda s, actor: safety_education_record(
        person=s.world.person_a,
        enterprise=s.world.ent_a,
        level="company",
        reason="new_hire",
        held_on=dt.date(2025, 4, 1),
        hours=Decimal("24"),
        actor=actor,
    ),
    "violation_record": lambda s, actor: violation_record(
        person=s.world.person_a,
        enterprise=s.world.ent_a,
        violation="违章操作",
        off_job_from=timezone.localdate(),
        exam_session=None,
        actor=actor,
    ),
    "violation_return": lambda s, actor: violation_return(
        violation=s.violation, actor=actor, on=timezone.localdate()
    ),
    "plan_create": lambda s, actor: plan_create(
        enterprise=s.world.ent_a,
        title="外企代建计划",
        courses=[s.course],
        target=TrainingPlan.Target.CATEGORY,
        personnel_category=PersonnelCategory.GENERAL,
        due_on=dt.date(2030, 1, 1),
        actor=actor,
    ),
    "plan_assign": lambda s, actor: plan_assign(
        plan=s.plan, id_numbers=[s.world.person_a.id_number], actor=actor
    ),
}

# The objects the writes name, made before the fingerprint by their own admin.
NEEDS = {"classroom_update": "classroom", "violation_return": "violation", "plan_assign": "plan"}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("who", ["admin_b", "regulator", "trainer", "trainee"])
def test_only_the_enterprise_admin_writes_its_training_records(scene, write, who):
    if write in NEEDS:
        getattr(scene, NEEDS[write])
    scene.course  # noqa: B018 (a published course, made before the fingerprint)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises((RecordError, PlanError)) as refused:
        WRITES[write](scene, scene.users[who])

    assert "只有本企业管理员" in str(refused.value)
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("write", ["classroom_record", "safety_education_record", "plan_create"])
def test_the_enterprise_admin_still_writes_them(scene, write):
    WRITES[write](scene, scene.users["admin"])


@pytest.mark.parametrize("status", ["left", "off_post"])
@pytest.mark.parametrize("who", ["admin_b", "regulator", "trainer"])
def test_only_the_enterprise_admin_changes_a_job_status(scene, who, status):
    """roster.services.people.employment_change_status took any actor as well (the person
    page asked first): another enterprise's admin could mark someone as having left."""
    from roster.services import RosterError
    from roster.services.people import employment_change_status

    employment = scene.world.person_a.employments.get(ended_on__isnull=True)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(RosterError) as refused:
        employment_change_status(
            employment=employment,
            status=status,
            on=timezone.localdate(),
            reason="外企代改",
            actor=scene.users[who],
        )

    assert "只有本企业的管理员" in str(refused.value)
    assert changed_tables(before, database_fingerprint()) == []
