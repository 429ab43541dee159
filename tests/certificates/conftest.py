"""Certificates build on exams: reuse the exam engine's bank, rule and session fixtures."""

import datetime as dt

import pytest

from certificates.models import CertificateType
from certificates.services.issuing import certificate_issue
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from tests.question_banks.conftest import bank, now, rule, session  # noqa: F401


def take_exam(exam, person, at, *, right=True, client="tab-1"):
    """Start, answer every question (right or wrong) and submit; returns the attempt."""
    attempt = attempt_start(session=exam, person=person, client_id=client, now=at)
    answers = []
    for item in attempt.items.select_related("version"):
        keys = [o["key"] for o in item.version.options if o["correct"] == right]
        answers.append({"position": item.position, "answer": keys[:1] if not right else keys})
    answers_save(
        attempt=attempt,
        client_id=client,
        now=at,
        answers=[dict(a, seq=1) for a in answers],
    )
    return attempt_submit(attempt=attempt, client_id=client, now=at + dt.timedelta(minutes=5))


@pytest.fixture
def cert_session(session):  # noqa: F811
    session.certificate_type_code = "TZ-DG"
    session.save(update_fields=["certificate_type_code"])
    return session


@pytest.fixture
def cert(world):
    """A special-operations certificate (TZ-DG) for world.person_a, issued now."""
    return certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )


def credit_review_hours(person, on: dt.date, hours: int = 8):
    """Review training (复审培训) in the hours ledger, as a classroom session credits it."""
    from courses.models import CreditEntry, StudySettings, TrainingKind

    per_hour = StudySettings.load().classroom_minutes_per_hour
    return CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.REVIEW,
        minutes=hours * per_hour,
    )
