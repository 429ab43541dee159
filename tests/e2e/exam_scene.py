"""A small exam for the browser tests of the exam page and the review: person_a on the list
of a published session of 7 questions (3 判断, 3 单选, 1 多选; 30 minutes), every question
with an explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from question_banks.models import Candidate, ExamSession, PaperRule, PaperSection, QuestionBank
from tests.e2e.test_exam_browser import add
from tests.factories import build_world


def exam_rule(code: str = "E2E") -> PaperRule:
    bank = QuestionBank.objects.create(code=code, name="低压电工作业")
    add(bank, "judge", 4, "A")
    add(bank, "single", 4, "C")
    add(bank, "multiple", 2, "AB")
    rule = PaperRule.objects.create(
        code=f"{code}-R", name="理论考试", bank=bank, duration_minutes=30
    )
    for position, qtype, points, count in (
        (0, "judge", 10, 3),
        (1, "single", 15, 3),
        (2, "multiple", 25, 1),
    ):
        PaperSection.objects.create(
            rule=rule,
            position=position,
            qtype=qtype,
            points_each=Decimal(points),
            medium_count=count,
        )
    return rule


def exam_session(rule: PaperRule, person, *, code: str = "E2E-S", **fields) -> ExamSession:
    now = timezone.now()
    fields = {
        "name": "低压电工理论考试",
        "opens_at": now - dt.timedelta(minutes=5),
        "closes_at": now + dt.timedelta(hours=2),
        **fields,
    }
    session = ExamSession.objects.create(code=code, rule=rule, is_published=True, **fields)
    Candidate.objects.create(session=session, person=person)
    return session


def exam_world():
    world = build_world()
    return world, exam_session(exam_rule(), world.person_a)
