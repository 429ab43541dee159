"""A trainer sets a session's grace for late answers, practice during the exam and its
prerequisites on the workbench form, publishes it and withdraws it before anyone starts;
once a candidate has started, withdrawing is refused with the reason. 390x844 and 1280x800."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from question_banks.models import (
    Candidate,
    ExamSession,
    PaperRule,
    PaperSection,
    QuestionBank,
)
from question_banks.services.attempts import attempt_start
from tests.factories import build_world
from tests.question_banks.conftest import add_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/h22")


def _keep(device, name):
    path = device.shot(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.fixture
def scene():
    world = build_world()
    bank = QuestionBank.objects.create(
        code="SS", name="低压电工作业", training_body=world.trainer_body
    )
    for _ in range(4):
        add_question(bank, "judge", correct=("A",))
    rule = PaperRule.objects.create(code="SS-R", name="理论考试", bank=bank, duration_minutes=30)
    PaperSection.objects.create(
        rule=rule, position=0, qtype="judge", points_each=Decimal(25), medium_count=4
    )
    now = timezone.now()
    session = ExamSession.objects.create(
        code="SS-S",
        name="2026年第5期低压电工考试",
        rule=rule,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1, hours=2),
        training_body=world.trainer_body,
        region=world.township_b,
    )
    Candidate.objects.create(session=session, person=world.person_a)
    return world, session


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_trainer_sets_the_session_fields_then_withdraws_it(scene, size, request):
    world, session = scene
    device = request.getfixturevalue(size)
    width = 390 if size == "phone" else 1280
    page = device.page
    device.login("trainer_b", "pw-123456")
    device.go(f"/exams/manage/{session.code}/edit/")
    page.fill("#id_grace_seconds", "3600")
    page.select_option("#id_closes_practice", "true")
    page.check("input[name=prerequisites][value='courses.hours_done']")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")
    # Too long a grace: said beside the field, the rest of what was typed kept.
    assert page.locator(".has-error #id_grace_seconds").count() == 1
    assert page.is_checked("input[name=prerequisites][value='courses.hours_done']")
    assert page.input_value("#id_closes_practice") == "true"
    _keep(device, f"session-fields-error-{width}")
    device.assert_no_horizontal_overflow()
    page.fill("#id_grace_seconds", "30")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")
    session.refresh_from_db()
    assert (session.grace_seconds, session.closes_practice, session.prerequisites) == (
        30,
        True,
        ["courses.hours_done"],
    )

    with page.expect_navigation():
        page.click("#publish")
    assert ExamSession.objects.get(pk=session.pk).is_published
    with page.expect_navigation():
        page.click("#unpublish")
    assert "已撤回发布" in page.inner_text("body")
    assert not ExamSession.objects.get(pk=session.pk).is_published
    _keep(device, f"session-withdrawn-{width}")
    device.assert_no_horizontal_overflow()

    # Published again and someone starts: withdrawing is refused, saying why.
    with page.expect_navigation():
        page.click("#publish")
    # (opened, and without the hours check, which the demo person would not pass)
    ExamSession.objects.filter(pk=session.pk).update(
        opens_at=timezone.now() - dt.timedelta(minutes=5), prerequisites=[]
    )
    attempt_start(
        session=ExamSession.objects.get(pk=session.pk),
        person=world.person_a,
        client_id="c",
        now=timezone.now(),
    )
    device.go(f"/exams/manage/{session.code}/candidates/")
    with page.expect_navigation():
        page.click("#unpublish")
    assert "不能再撤回发布，只能提前结束" in page.inner_text("body")
    assert ExamSession.objects.get(pk=session.pk).is_published
    _keep(device, f"session-withdraw-refused-{width}")
