"""The exam engine asks the courses app before an exam starts; 三违 return needs a pass."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from courses.models import CreditEntry, TrainingKind
from courses.services.records import (
    RecordError,
    safety_education_record,
    violation_record,
    violation_return,
)
from question_banks.models import (
    Attempt,
    Candidate,
    ExamSession,
    PaperRule,
    PaperSection,
    Question,
    QuestionBank,
    QuestionVersion,
)
from question_banks.services.attempts import ExamError, attempt_start


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def make_session(person, prerequisites, code="P1"):
    bank = QuestionBank.objects.create(code=f"B{code}", name="安全知识")
    for _ in range(3):
        question = Question.objects.create(bank=bank, qtype="judge", difficulty=1)
        version = QuestionVersion.objects.create(
            question=question,
            number=1,
            stem="题干",
            options=[{"key": "A", "text": "对", "correct": True}, {"key": "B", "text": "错"}],
        )
        question.current_version = version
        question.save(update_fields=["current_version"])
    rule = PaperRule.objects.create(code=f"R{code}", name="规则", bank=bank, duration_minutes=30)
    PaperSection.objects.create(
        rule=rule, position=0, qtype="judge", points_each=Decimal(10), easy_count=2
    )
    now = timezone.now()
    session = ExamSession.objects.create(
        code=code,
        name="三违复岗考试",
        rule=rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=2),
        prerequisites=prerequisites,
    )
    Candidate.objects.create(session=session, person=person)
    return session


def test_exam_refused_while_hours_are_missing(world):
    session = make_session(world.person_a, ["courses.hours_done"])

    with pytest.raises(ExamError) as refused:
        attempt_start(session=session, person=world.person_a, client_id="tab")

    assert refused.value.code == "prerequisite"
    assert "training hours" in refused.value.message
    assert not Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS).exists()


def test_exam_starts_once_the_hours_are_done(world):
    person = world.person_a  # general worker in 工贸, hired 2020: pre-job done, 8 a year
    today = timezone.localdate()
    for kind, hours, on in [
        (TrainingKind.PRE_JOB, 24, dt.date(2020, 3, 2)),
        (TrainingKind.RETRAINING, 8, today),
    ]:
        CreditEntry.objects.create(
            person=person,
            on=on,
            source=CreditEntry.Source.CLASSROOM,
            training_kind=kind,
            minutes=45 * hours,
        )
    session = make_session(person, ["courses.hours_done"])

    attempt = attempt_start(session=session, person=person, client_id="tab")

    assert attempt.status == Attempt.Status.IN_PROGRESS


def test_exam_refused_while_safety_education_levels_are_missing(world):
    safety_education_record(
        person=world.person_a,
        enterprise=world.ent_a,
        level="company",
        reason="new_hire",
        held_on=dt.date(2020, 3, 1),
        hours=Decimal(8),
        actor=None,
    )
    session = make_session(world.person_a, ["courses.safety_education_done"])

    with pytest.raises(ExamError) as refused:
        attempt_start(session=session, person=world.person_a, client_id="tab")

    assert refused.value.code == "prerequisite"
    assert "Workshop level" in refused.value.message
    assert "Team level" in refused.value.message
    assert "Company level" not in refused.value.message


def _violation(world, session):
    return violation_record(
        person=world.person_a,
        enterprise=world.ent_a,
        violation="违章操作",
        off_job_from=dt.date(2025, 5, 1),
        exam_session=session,
        actor=world.enterprise_admin,
    )


def test_violation_return_refused_without_a_passed_exam(world):
    session = make_session(world.person_a, [])
    violation = _violation(world, session)
    Attempt.objects.create(
        person=world.person_a,
        session=session,
        rule=session.rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=timezone.now(),
        score=Decimal(40),
        passed=False,
    )

    with pytest.raises(RecordError, match="has not passed the exam"):
        violation_return(violation=violation, actor=world.enterprise_admin, on=dt.date(2025, 6, 1))

    violation.refresh_from_db()
    assert violation.returned_on is None


def test_violation_return_refused_without_a_linked_exam(world):
    violation = _violation(world, None)

    with pytest.raises(RecordError, match="Link the exam"):
        violation_return(violation=violation, actor=world.enterprise_admin, on=dt.date(2025, 6, 1))


def test_violation_return_after_a_passed_exam_sets_the_date(world):
    session = make_session(world.person_a, [])
    violation = _violation(world, session)
    Attempt.objects.create(
        person=world.person_a,
        session=session,
        rule=session.rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=timezone.now(),
        score=Decimal(90),
        passed=True,
    )

    violation_return(violation=violation, actor=world.enterprise_admin, on=dt.date(2025, 6, 1))

    violation.refresh_from_db()
    assert violation.returned_on == dt.date(2025, 6, 1)
    with pytest.raises(RecordError, match="already back"):
        violation_return(violation=violation, actor=world.enterprise_admin, on=dt.date(2025, 6, 2))
