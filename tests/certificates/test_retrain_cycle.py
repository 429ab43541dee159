""" "One resit, then retrain" over its whole cycle at the exam's start (RULES.md): a resit
failed elsewhere marks the person's place on another list (Candidate.resit_failed_on); the
session page and the start refuse with the rule; the training is recorded by the enterprise
admin; then the mark is lifted, the page offers the start again and the start goes through.
And the start asks the rule for the day of its own moment (China time), not the server's
today: on a fake clock either side of midnight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from courses.services.classroom import SessionData, classroom_record
from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.attempts import ExamError, attempt_start
from question_banks.services.sessions import session_add_candidates
from tests.courses.test_classroom import sheet

from .conftest import take_exam

pytestmark = pytest.mark.django_db

CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def second_session(world, cert_session, opens_at, closes_at) -> ExamSession:
    later = ExamSession.objects.create(
        code="S2",
        name="2026年第2期低压电工考试",
        rule=cert_session.rule,
        is_published=True,
        opens_at=opens_at,
        closes_at=closes_at,
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )
    assert session_add_candidates(session=later, actor=None, people=[world.person_a]) == 1
    return later


def fail_exam_and_resit(world, cert_session, at: dt.datetime) -> dt.date:
    """The exam at `at`, the resit an hour later; returns the resit's day (China time)."""
    cert_session.opens_at = at - dt.timedelta(hours=1)
    cert_session.closes_at = at + dt.timedelta(hours=3)
    cert_session.save(update_fields=["opens_at", "closes_at"])
    take_exam(cert_session, world.person_a, at, right=False)
    take_exam(cert_session, world.person_a, at + dt.timedelta(hours=1), right=False)
    # Graded when handed in, five minutes after the start (conftest.take_exam).
    return timezone.localdate(at + dt.timedelta(hours=1, minutes=5))


def record_training(world, held_on: dt.date, hours: str = "24.0") -> None:
    """The enterprise admin records a classroom session the person attended."""
    classroom_record(
        enterprise=world.ent_a,
        data=SessionData(
            title="低压电工重新培训",
            training_kind="pre_job",
            held_on=held_on,
            hours=Decimal(hours),
            trainer="王老师",
        ),
        attendees=[world.person_a],
        sign_in_sheet=sheet(),
        actor=world.enterprise_admin,
    )


def place(session: ExamSession, world) -> Candidate:
    return Candidate.objects.get(session=session, person=world.person_a)


def test_retrain_cycle_failed_resit_refused_trained_then_started(world, cert_session, now):
    later = second_session(
        world, cert_session, now - dt.timedelta(hours=1), now + dt.timedelta(hours=3)
    )
    failed_on = fail_exam_and_resit(world, cert_session, now - dt.timedelta(days=10))
    assert place(later, world).resit_failed_on == failed_on

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.trainee)
    url = reverse("question_banks:session", args=[later.code])
    page = client.get(url).content.decode()
    assert 'id="start-refused"' in page and "one resit, then retrain" in page
    with pytest.raises(ExamError) as err:
        attempt_start(session=later, person=world.person_a, client_id="tab", now=now)
    assert err.value.code == "retrain"
    assert place(later, world).resit_failed_on == failed_on  # refused: the mark stays

    # Not enough yet: 10 of the 24 hours.
    record_training(world, failed_on + dt.timedelta(days=2), hours="10.0")
    assert 'id="start-refused"' in client.get(url).content.decode()
    assert place(later, world).resit_failed_on == failed_on

    record_training(world, failed_on + dt.timedelta(days=3), hours="14.0")
    page = client.get(url).content.decode()
    assert 'id="start-refused"' not in page and 'id="start-form"' in page
    # Lifted: the next start is the exam day's one-statement start again
    # (exam_day._QUICK_START_SQL asks `candidate.resit_failed_on IS NULL`).
    assert place(later, world).resit_failed_on is None
    response = client.post(url, {"client": "tab"})
    assert response.status_code == 302
    assert Attempt.objects.get(session=later).status == Attempt.Status.IN_PROGRESS


def test_retrain_mark_is_lifted_by_the_start_itself(world, cert_session, now):
    """Without the page opened first, the start's own check lifts it."""
    later = second_session(
        world, cert_session, now - dt.timedelta(hours=1), now + dt.timedelta(hours=3)
    )
    failed_on = fail_exam_and_resit(world, cert_session, now - dt.timedelta(days=10))
    record_training(world, failed_on + dt.timedelta(days=3))
    attempt = attempt_start(session=later, person=world.person_a, client_id="tab", now=now)
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert place(later, world).resit_failed_on is None


def test_retrain_start_is_asked_for_the_day_of_the_start_around_midnight(world, cert_session):
    """The resit failed on 10 March (China time), the training is dated 11 March: a start at
    23:59 on the 10th is refused, one at 00:01 on the 11th (16:01 on the 10th in UTC) goes
    through, whatever the server's today."""
    failed_at = dt.datetime(2026, 3, 10, 19, 0, tzinfo=CHINA)
    later = second_session(
        world,
        cert_session,
        dt.datetime(2026, 3, 10, 22, 0, tzinfo=CHINA),
        dt.datetime(2026, 3, 11, 3, 0, tzinfo=CHINA),
    )
    fail_exam_and_resit(world, cert_session, failed_at)
    assert place(later, world).resit_failed_on == dt.date(2026, 3, 10)
    record_training(world, dt.date(2026, 3, 11))

    before_midnight = dt.datetime(2026, 3, 10, 23, 59, tzinfo=CHINA)
    with pytest.raises(ExamError) as err:
        attempt_start(session=later, person=world.person_a, client_id="tab", now=before_midnight)
    assert err.value.code == "retrain"
    assert place(later, world).resit_failed_on == dt.date(2026, 3, 10)

    after_midnight = dt.datetime(2026, 3, 11, 0, 1, tzinfo=CHINA)
    assert after_midnight.astimezone(dt.UTC).date() == dt.date(2026, 3, 10)
    attempt = attempt_start(
        session=later, person=world.person_a, client_id="tab", now=after_midnight
    )
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert place(later, world).resit_failed_on is None
