"""A contest round's paper is graded by the exam engine, but a pass there is a contest's
score, not an exam passed: it sends no `attempt_passed` (whose receivers issue certificates),
and the issuing service refuses it even if a round's session were given a certificate type."""

import pytest
from django.dispatch import receiver

from certificates.models import Certificate
from certificates.services.issuing import (
    CertificateError,
    attempt_certificate_problem,
    certificate_issue_for_attempt,
)
from question_banks.signals import attempt_passed

from .test_services import _take

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed_signals():
    sent: list[int] = []

    @receiver(attempt_passed, dispatch_uid="tests.contests.passed_signals", weak=False)
    def record(sender, attempt_id, **kwargs):
        sent.append(attempt_id)

    yield sent
    attempt_passed.disconnect(dispatch_uid="tests.contests.passed_signals")


def test_a_passed_contest_round_sends_no_passed_signal(
    world, open_round, now, passed_signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = _take(open_round, world.person_a, right=True, now=now)
    attempt.refresh_from_db()
    assert attempt.passed is True  # the round's pass mark was reached
    assert passed_signals == []


def test_an_ordinary_exam_pass_still_sends_it(
    world, contest_bank, now, passed_signals, django_capture_on_commit_callbacks
):
    from question_banks.services.attempts import answers_save, attempt_start, attempt_submit

    from .conftest import ordinary_exam_session

    session = ordinary_exam_session(world, contest_bank, now, code="EX-1", name="年度考试")
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(session=session, person=world.person_a, client_id="t", now=now)
        answers = [
            {
                "position": item.position,
                "answer": [o["key"] for o in item.version.options if o.get("correct")][:1],
                "seq": seq,
            }
            for seq, item in enumerate(attempt.items.select_related("version"), start=1)
        ]
        answers_save(
            attempt=attempt, person_id=attempt.person_id, client_id="t", answers=answers, now=now
        )
        attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="t", now=now)
    attempt.refresh_from_db()
    assert attempt.passed is True
    assert passed_signals == [attempt.pk]


def test_a_round_given_a_certificate_type_still_issues_none(world, open_round, now):
    session = open_round.session
    session.certificate_type_code = "TZ-DG"
    session.save(update_fields=["certificate_type_code"])
    attempt = _take(open_round, world.person_a, right=True, now=now)
    attempt.refresh_from_db()
    assert attempt.passed is True
    assert attempt_certificate_problem(attempt) is not None
    with pytest.raises(CertificateError):
        certificate_issue_for_attempt(attempt_id=attempt.pk)
    assert not Certificate.objects.filter(person=world.person_a).exists()
