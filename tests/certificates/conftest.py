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
        person_id=attempt.person_id,
        client_id=client,
        now=at,
        answers=[dict(a, seq=1) for a in answers],
    )
    return attempt_submit(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id=client,
        now=at + dt.timedelta(minutes=5),
    )


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


def passed_exam(world, person, day: dt.date, code: str = "TZ-DG", *, passed: bool = True):
    """An official exam of a session issuing `code`, finished on `day` (a review exam, or a
    theory pass), made directly: no issuing signal."""
    from decimal import Decimal

    from django.utils import timezone

    from question_banks.models import Attempt, ExamSession, PaperRule, QuestionBank

    n = ExamSession.objects.count() + 1
    exam_bank = QuestionBank.objects.create(
        code=f"RV{n}", name=f"复审题库{n}", training_body=world.trainer_body
    )
    exam_rule = PaperRule.objects.create(
        code=f"RV{n}", name="复审", bank=exam_bank, duration_minutes=60
    )
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    exam_session = ExamSession.objects.create(
        code=f"RV{n}",
        name=f"复审考试{n}",
        rule=exam_rule,
        is_published=True,
        opens_at=at - dt.timedelta(hours=2),
        closes_at=at + dt.timedelta(hours=2),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code=code,
    )
    return Attempt.objects.create(
        person=person,
        session=exam_session,
        rule=exam_rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        started_at=at - dt.timedelta(hours=1),
        finished_at=at,
        score=Decimal(90 if passed else 50),
        total_points=Decimal(100),
        passed=passed,
    )


def record_practical(person, day: dt.date, code: str = "TZ-DG", score: int = 90, actor=None):
    """A practical exam (实际操作考试) recorded through the service, as the web page does."""
    from decimal import Decimal

    from certificates.services.practical import practical_exam_record

    return practical_exam_record(
        actor=actor,
        person=person,
        ctype=CertificateType.objects.get(code=code),
        taken_on=day,
        examiner="李考评员",
        score=Decimal(score),
        on=day,
    )


def practical_row(person, theory, day: dt.date, code: str = "TZ-DG"):
    """A passed practical exam stored as a row, without the service's issuing (a record
    that came in before the certificate was issued, for the batch's own run)."""
    from decimal import Decimal

    from certificates.models import PracticalExam

    return PracticalExam.objects.create(
        person=person,
        certificate_type=CertificateType.objects.get(code=code),
        taken_on=day,
        examiner="李考评员",
        score=Decimal(90),
        passed=True,
        theory_attempt=theory,
    )
