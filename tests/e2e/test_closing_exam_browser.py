"""A rotation's closing exam taken from an exam session, in a real browser: the county
regulator opens a session of the campaign, links the exam session held in the county
(results graded earlier are taken at once), and a result graded afterwards appears on the
page by itself. Screenshots go to /tmp/shots/closing-exam."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import CampaignMember, CampaignSession
from campaigns.services.rotation import (
    campaign_session_create,
    campaign_session_schedule,
    rotation_campaign_create,
)
from question_banks.models import Candidate
from roster.choices import PersonnelCategory
from tests.campaigns.test_closing_exam import sit
from tests.e2e import shots
from tests.e2e.exam_scene import exam_rule, exam_session
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/closing-exam")


def test_the_organiser_links_the_exam_session_and_the_results_appear(desktop):
    world = build_world()
    today = timezone.localdate()
    regulator = world.regulator_county
    campaign = rotation_campaign_create(
        actor=regulator,
        title="2027年主要负责人和安全管理人员集中轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=90),
    )
    session = campaign_session_create(
        actor=regulator,
        campaign=campaign,
        kind=CampaignSession.Kind.CLASSROOM,
        title="第一期（城关片区）",
        held_on=today,
        place="县应急管理局三楼会议室",
        capacity=30,
    )
    campaign_session_schedule(
        actor=regulator, session=session, people=[world.person_a, world.person_b]
    )
    exam = exam_session(exam_rule(), world.person_a, code="RT-2027-1", region=world.township_a)
    Candidate.objects.create(session=exam, person=world.person_b)
    sit(exam, world.person_a, right=True)  # graded before the link

    desktop.login("regulator_county", "pw-123456")
    page = desktop.page
    desktop.go(f"/campaigns/rotation/sessions/{session.pk}/")
    page.select_option("select[name=exam-exam_session]", str(exam.pk))
    shots.both_sizes(desktop, SHOTS, "01-link-form", english=("Closing exam", "Link"))
    with page.expect_navigation():
        page.click("#exam-form button:not([name])")
    assert page.locator("#exam-session").inner_text().startswith("RT-2027-1")
    row_a = page.locator("#scheduled tr", has_text=world.person_a.name)
    assert "100.0" in row_a.inner_text() and "不合格" not in row_a.inner_text()
    assert CampaignMember.objects.get(person=world.person_a).exam_passed is True

    # person_b writes the exam afterwards: the grading brings the result.
    sit(exam, world.person_b, right=False)
    desktop.go(f"/campaigns/rotation/sessions/{session.pk}/")
    row_b = page.locator("#scheduled tr", has_text=world.person_b.name)
    assert "0.0" in row_b.inner_text() and "不合格" in row_b.inner_text()
    shots.both_sizes(desktop, SHOTS, "02-results", english=("Closing exam", "Passed"))

    # Taking the results again changes nothing and says how many.
    with page.expect_navigation():
        page.click("#exam-form button[value=take_exam]")
    assert "2" in page.locator(".msg, [role=status]").first.inner_text()
