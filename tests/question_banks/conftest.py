import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

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


def add_question(bank, qtype, difficulty=2, correct=("A",), stem=None, shuffle=True):
    keys = ["A", "B"] if qtype == "judge" else ["A", "B", "C", "D"]
    question = Question.objects.create(bank=bank, qtype=qtype, difficulty=difficulty)
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        stem=stem or f"题干 {question.pk}",
        options=[{"key": k, "text": f"选项{k}", "correct": k in correct} for k in keys],
        shuffle_options=shuffle and qtype != "judge",
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return question


@pytest.fixture
def bank(world):
    # The trainer's training body keeps the bank (and the session below, held in the
    # trainer's township): the world's trainer may change them, nobody else of the world.
    bank = QuestionBank.objects.create(
        code="DG", name="低压电工作业", training_body=world.trainer_body
    )
    for difficulty in (1, 2, 3):
        for _ in range(8):
            add_question(bank, "judge", difficulty, correct=("A",))
            add_question(bank, "single", difficulty, correct=("B",))
        for _ in range(4):
            add_question(bank, "multiple", difficulty, correct=("A", "C"))
    return bank


@pytest.fixture
def rule(bank):
    rule = PaperRule.objects.create(
        code="DG-T", name="低压电工理论", bank=bank, duration_minutes=60
    )
    PaperSection.objects.create(
        rule=rule,
        position=0,
        qtype="judge",
        points_each=Decimal(2),
        easy_count=5,
        medium_count=5,
        hard_count=5,
    )
    PaperSection.objects.create(
        rule=rule,
        position=1,
        qtype="single",
        points_each=Decimal(5),
        easy_count=2,
        medium_count=4,
        hard_count=2,
    )
    PaperSection.objects.create(
        rule=rule, position=2, qtype="multiple", points_each=Decimal(15), medium_count=2
    )
    return rule  # 30 + 40 + 30 = 100 points


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def session(rule, world, now):
    session = ExamSession.objects.create(
        code="S1",
        name="2026年第1期低压电工考试",
        rule=rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=3),
        training_body=world.trainer_body,
        region=world.township_b,
    )
    Candidate.objects.create(session=session, person=world.person_a)
    return session


@pytest.fixture
def examinee(client, world):
    """The trainee, signed in (some modules add to this)."""
    client.force_login(world.trainee)
    return client


@pytest.fixture
def started_attempt(examinee, session):
    """The trainee's paper of `session`, started from the tab "tab-1" as the page does."""
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    assert response.status_code == 302
    return Attempt.objects.get(session=session, status="in_progress")
