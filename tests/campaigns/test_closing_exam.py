"""A rotation's closing exam held as an exam session: the organiser links it, results graded
before are taken at once, results graded afterwards arrive on grading, and only the
campaign's organiser may link, and only a session of their scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import CampaignMember, CampaignSession
from campaigns.selectors import linkable_exam_sessions
from campaigns.services import CampaignError
from campaigns.services.closing_exam import campaign_session_exam_link, campaign_session_exam_take
from campaigns.services.rotation import campaign_session_create, rotation_campaign_create
from question_banks.models import Attempt, Candidate
from question_banks.services.attempts import attempt_start, attempt_submit
from reports.campaign_figures import campaign_table
from roster.choices import PersonnelCategory, Role
from roster.models import RoleGrant
from tests.e2e.exam_scene import exam_rule, exam_session
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sit(session, person, *, right: bool) -> Attempt:
    """The person writes the paper (every answer right, or none given) and submits."""
    attempt = attempt_start(session=session, person=person, client_id="tab-1")
    if right:
        for item in attempt.items.select_related("version"):
            keys = [o["key"] for o in item.version.options if o["correct"]]
            type(item).objects.filter(pk=item.pk).update(answer=keys)
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="tab-1")


@pytest.fixture
def rotation(world):
    today = timezone.localdate()
    campaign = rotation_campaign_create(
        actor=world.regulator_county,
        title="2027年主要负责人和安全管理人员集中轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=60),
    )
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind=CampaignSession.Kind.CLASSROOM,
        title="第一期",
        held_on=today,
        place="县应急管理局三楼会议室",
        capacity=30,
    )
    return campaign, session


@pytest.fixture
def exam(world):
    session = exam_session(exam_rule(), world.person_a, region=world.township_a)
    Candidate.objects.create(session=session, person=world.person_b)
    return session


def member(campaign, person) -> CampaignMember:
    return CampaignMember.objects.get(campaign=campaign, person=person)


def test_linking_takes_the_results_graded_before(world, rotation, exam):
    campaign, session = rotation
    sit(exam, world.person_a, right=True)
    sit(exam, world.person_b, right=False)
    taken = campaign_session_exam_link(actor=world.regulator_county, session=session, exam=exam)
    assert taken == 2
    passed = member(campaign, world.person_a)
    assert (passed.exam_score, passed.exam_passed) == (Decimal(100), True)
    assert passed.exam_on == timezone.localdate()
    failed = member(campaign, world.person_b)
    assert (failed.exam_score, failed.exam_passed) == (Decimal(0), False)
    total = campaign_table(user=world.regulator_county, campaign=campaign, by="enterprise").total
    assert (total["examined"], total["passed"]) == (2, 1)


def test_a_result_graded_after_linking_arrives_on_grading(world, rotation, exam):
    campaign, session = rotation
    campaign_session_exam_link(actor=world.regulator_county, session=session, exam=exam)
    assert member(campaign, world.person_a).exam_score is None
    sit(exam, world.person_a, right=True)
    assert member(campaign, world.person_a).exam_passed is True


def test_take_results_reads_the_attempt_that_counts_again(world, rotation, exam):
    campaign, session = rotation
    campaign_session_exam_link(actor=world.regulator_county, session=session, exam=exam)
    sit(exam, world.person_a, right=True)
    CampaignMember.objects.filter(campaign=campaign).update(exam_score=None, exam_passed=None)
    assert campaign_session_exam_take(actor=world.regulator_county, session=session) == 1
    assert member(campaign, world.person_a).exam_passed is True


def test_a_candidate_outside_the_campaign_is_not_taken(world, rotation, exam):
    _campaign, session = rotation
    Candidate.objects.create(session=exam, person=world.person_other)  # the other county
    sit(exam, world.person_other, right=True)
    assert campaign_session_exam_link(actor=world.regulator_county, session=session, exam=exam) == 0
    assert not CampaignMember.objects.filter(person=world.person_other).exists()


def test_only_the_campaign_organiser_may_link(world, rotation, exam):
    _campaign, session = rotation
    for actor in (world.enterprise_admin, world.regulator_township_chem, world.trainer):
        with pytest.raises(CampaignError):
            campaign_session_exam_link(actor=actor, session=session, exam=exam)
    assert CampaignSession.objects.get(pk=session.pk).exam_session is None


def test_an_exam_session_outside_the_organisers_scope_is_refused(world, rotation, exam):
    campaign, session = rotation
    elsewhere = exam_session(
        exam.rule, world.person_other, code="OTHER-S", region=world.other_county
    )
    assert list(linkable_exam_sessions(user=world.regulator_county, campaign=campaign)) == [exam]
    with pytest.raises(CampaignError) as refused:
        campaign_session_exam_link(actor=world.regulator_county, session=session, exam=elsewhere)
    assert "范围" in refused.value.message or "scope" in refused.value.message
    assert CampaignSession.objects.get(pk=session.pk).exam_session is None


def test_a_township_regulator_of_the_county_campaign_cannot_link_a_county_session(world, exam):
    township = UserFactory(username="regulator_township_a")
    RoleGrant.objects.create(user=township, role=Role.REGULATOR, region=world.township_a)
    today = timezone.localdate()
    campaign = rotation_campaign_create(
        actor=township,
        title="城关镇轮训",
        region=world.township_a,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    county_exam = exam_session(exam.rule, world.person_b, code="COUNTY-S", region=world.county)
    assert list(linkable_exam_sessions(user=township, campaign=campaign)) == [exam]
    assert county_exam not in linkable_exam_sessions(user=township, campaign=campaign)
