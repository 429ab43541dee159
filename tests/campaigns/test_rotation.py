"""Rotation training (集中轮训): a regulator's campaign takes its people from the rosters and
keeps them up to date; sessions, attendance of members only, the closing exam."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from campaigns.models import CampaignMember, RotationCampaign, SessionAttendance
from campaigns.selectors import campaign_people_now
from campaigns.services import CampaignError
from campaigns.services.rotation import (
    campaign_members_sync,
    campaign_session_create,
    campaign_session_schedule,
    member_exam_record,
    rotation_campaign_create,
    session_attendance_from_course,
    session_attendance_record,
)
from courses.models import LessonProgress
from roster.choices import PersonnelCategory
from roster.models import Industry
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)
START, END = dt.date(2026, 12, 1), dt.date(2027, 6, 30)


def define(world, actor=None, **kwargs):
    values = {
        "actor": actor or world.regulator_county,
        "title": "2027年主要负责人和安全管理人员集中轮训",
        "region": world.county,
        "industries": [],
        "categories": [PersonnelCategory.GENERAL],
        "target_rate": Decimal(1),
        "starts_on": START,
        "ends_on": END,
        "today": TODAY,
    }
    values.update(kwargs)
    return rotation_campaign_create(**values)


def test_the_people_come_from_the_rosters_of_the_region(world):
    campaign = define(world)
    people = set(campaign.members.values_list("person_id", flat=True))
    assert people == {world.person_a.pk, world.person_a_chem.pk, world.person_b.pk}
    assert set(campaign_people_now(campaign).values_list("person_id", flat=True)) == people


def test_industries_and_categories_narrow_the_people(world):
    principal = EmploymentFactory(
        enterprise=world.ent_a_chem, category=PersonnelCategory.PRINCIPAL
    ).person
    campaign = define(
        world,
        industries=[Industry.objects.get(code="03")],
        categories=[PersonnelCategory.PRINCIPAL],
    )
    assert list(campaign.members.values_list("person_id", flat=True)) == [principal.pk]


def test_members_are_kept_up_to_date(world):
    campaign = define(world)
    newcomer = EmploymentFactory(enterprise=world.ent_b).person
    world.person_b.employments.update(ended_on=TODAY)
    added, left = campaign_members_sync(
        actor=world.regulator_county, campaign=campaign, today=TODAY
    )
    assert (added, left) == (1, 1)
    assert campaign.members.get(person=newcomer).left_on is None
    assert campaign.members.get(person=world.person_b).left_on == TODAY


@pytest.mark.parametrize(
    ("actor", "changes", "field"),
    [
        ("regulator_county", {"ends_on": START - dt.timedelta(1)}, "ends_on"),
        ("regulator_county", {"categories": []}, "categories"),
        ("regulator_county", {"target_rate": Decimal("1.5")}, "target_rate"),
        ("regulator_township_chem", {}, "region"),  # the county is not their region
        ("regulator_other", {}, "region"),
    ],
)
def test_a_bad_definition_is_refused_and_writes_nothing(world, actor, changes, field):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    world.regulator_other = UserFactory(username="reg_other")
    RoleGrant.objects.create(
        user=world.regulator_other, role=Role.REGULATOR, region=world.other_county
    )
    with pytest.raises(CampaignError) as exc:
        define(world, actor=getattr(world, actor), **changes)
    assert exc.value.field == field
    assert not RotationCampaign.objects.exists() and not CampaignMember.objects.exists()


def test_an_industry_outside_a_restricted_grant_is_refused(world):
    with pytest.raises(CampaignError) as exc:
        define(
            world,
            actor=world.regulator_township_chem,
            region=world.township_a,
            industries=[Industry.objects.get(code="07")],
        )
    assert exc.value.field == "industries"


def test_an_enterprise_admin_cannot_define_a_campaign(world):
    with pytest.raises(CampaignError):
        define(world, actor=world.enterprise_admin)


def test_sessions_attendance_and_exam(world, content):
    campaign = define(world)
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=dt.date(2027, 1, 10),
        place="县应急管理局三楼会议室",
        capacity=2,
    )
    assert (
        campaign_session_schedule(
            actor=world.regulator_county, session=session, people=[world.person_a, world.person_b]
        )
        == 2
    )
    with pytest.raises(CampaignError):  # full
        campaign_session_schedule(
            actor=world.regulator_county, session=session, people=[world.person_a_chem]
        )
    session_attendance_record(
        actor=world.regulator_county, session=session, people=[world.person_a]
    )
    assert SessionAttendance.objects.get(session=session).member.person == world.person_a
    passed = member_exam_record(
        actor=world.regulator_county,
        campaign=campaign,
        person=world.person_a,
        score=Decimal(85),
        exam_on=TODAY,
        today=TODAY,
    )
    failed = member_exam_record(
        actor=world.regulator_county,
        campaign=campaign,
        person=world.person_b,
        score=Decimal(60),
        exam_on=TODAY,
        today=TODAY,
    )
    assert passed.exam_passed and not failed.exam_passed


def test_attendance_of_someone_outside_the_campaign_refuses_the_whole_list(world, content):
    campaign = define(world)
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=dt.date(2027, 1, 10),
        place="会议室",
        capacity=50,
    )
    with pytest.raises(CampaignError) as exc:
        session_attendance_record(
            actor=world.regulator_county,
            session=session,
            people=[world.person_a, world.person_other],
        )
    assert world.person_other.name in exc.value.message
    assert not SessionAttendance.objects.exists()


def test_only_the_campaigns_regulators_record(world, content):
    campaign = define(world)
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=dt.date(2027, 1, 10),
        place="会议室",
        capacity=50,
    )
    for actor in (world.regulator_township_chem, world.enterprise_admin, world.trainer):
        with pytest.raises(CampaignError):
            session_attendance_record(actor=actor, session=session, people=[world.person_a])
        with pytest.raises(CampaignError):
            campaign_members_sync(actor=actor, campaign=campaign)
    assert not SessionAttendance.objects.exists()


def test_a_session_outside_the_period_or_without_its_place_is_refused(world, content):
    campaign = define(world)
    bad = [
        {"kind": "classroom", "held_on": END + dt.timedelta(1), "place": "会议室", "capacity": 5},
        {"kind": "classroom", "held_on": START, "place": "", "capacity": 5},
        {"kind": "online", "held_on": START, "course": None},
    ]
    for values in bad:
        with pytest.raises(CampaignError):
            campaign_session_create(
                actor=world.regulator_county, campaign=campaign, title="第一期", **values
            )
    assert not campaign.sessions.exists()


def test_an_online_sessions_attendance_comes_from_the_course(world, content):
    campaign = define(world)
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="online",
        title="网络课程",
        held_on=END,
        course=content["course"],
    )
    campaign_session_schedule(
        actor=world.regulator_county, session=session, people=[world.person_a, world.person_b]
    )
    LessonProgress.objects.create(
        person=world.person_a,
        lesson=content["lesson"],
        credited_seconds=60,
        completed_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC),
    )
    assert session_attendance_from_course(actor=world.regulator_county, session=session) == 1
    assert SessionAttendance.objects.get().member.person == world.person_a
