"""Exam demo data for `seed_demo`: a 低压电工作业 theory bank, its paper rule, an open session
and a closed one with attempts in every state. Idempotent: keyed on fixed codes.

The questions are written for the demo (plausible, in the style of the national theory
banks); they are not an official bank.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from question_banks.models import (
    Attempt,
    Category,
    ExamSession,
    PaperRule,
    PaperSection,
    QuestionBank,
    QuestionType,
)
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from question_banks.services.questions import question_create
from question_banks.services.sessions import session_add_candidates
from roster.models import Employment, Person, Region, TrainingBody

from .roster import COUNTY, training_body_uscc

# The bank, its rule and the sessions live in demo/data/question_banks.json.
DATA = json.loads(
    (Path(__file__).resolve().parent / "data" / "question_banks.json").read_text("utf-8")
)
BANK = (DATA["bank"]["code"], DATA["bank"]["name"])
RULE: str = DATA["rule"]["code"]
OPEN_SESSION: str = DATA["sessions"]["open"]["code"]
CLOSED_SESSION: str = DATA["sessions"]["closed"]["code"]
JUDGE_TEXTS = {True: "正确", False: "错误"}


def _seed_bank(body: TrainingBody) -> QuestionBank:
    bank, created = QuestionBank.objects.get_or_create(
        code=BANK[0],
        defaults={
            "name": BANK[1],
            "personnel_categories": DATA["bank"]["personnel_categories"],
            "training_body": body,
        },
    )
    if not created:
        if bank.training_body_id is None and bank.enterprise_id is None:
            bank.training_body = body  # a demo seeded before banks had owners
            bank.save(update_fields=["training_body"])
        return bank
    categories = {}
    for name in sorted({row["category"] for row in DATA["questions"]}):
        categories[name] = Category.objects.create(bank=bank, name=name)
    for row in DATA["questions"]:
        if row["type"] == QuestionType.JUDGE:
            options = [
                {"key": "A", "text": JUDGE_TEXTS[True], "correct": row["answer"]},
                {"key": "B", "text": JUDGE_TEXTS[False], "correct": not row["answer"]},
            ]
        else:
            options = [
                {"key": key, "text": text, "correct": key in row["answer"]}
                for key, text in zip("ABCD", row["options"], strict=True)
            ]
        question_create(
            bank=bank,
            qtype=QuestionType(row["type"]),
            stem=row["stem"],
            actor=None,
            difficulty=row["difficulty"],
            category=categories[row["category"]],
            explanation=DATA["explanation"],
            options=options,
        )
    return bank


def _seed_rule(bank: QuestionBank) -> PaperRule:
    data = DATA["rule"]
    rule, created = PaperRule.objects.get_or_create(
        code=RULE,
        defaults={
            "name": data["name"],
            "bank": bank,
            "duration_minutes": data["duration_minutes"],
            "pass_mark": data["pass_mark"],
        },
    )
    if created:
        # 10 判断 x 2 + 10 单选 x 4 + 5 多选 x 8 = 100 points; the mix fits the bank exactly.
        for position, section in enumerate(data["sections"]):
            easy, medium, hard = section["counts"]
            PaperSection.objects.create(
                rule=rule,
                position=position,
                title=section["title"],
                qtype=QuestionType(section["type"]),
                points_each=Decimal(section["points_each"]),
                easy_count=easy,
                medium_count=medium,
                hard_count=hard,
            )
    return rule


def _electricians() -> list[Person]:
    ids = (
        Employment.objects.current().filter(post="低压电工作业").values_list("person_id", flat=True)
    )
    return list(Person.objects.filter(pk__in=ids).order_by("id_number"))


def _sit(session, person, when, rng, skill):
    """One past attempt answered with the given chance of choosing right."""
    attempt = attempt_start(session=session, person=person, client_id="demo", now=when)
    answers = []
    for n, item in enumerate(attempt.items.select_related("version"), start=1):
        right = sorted(o["key"] for o in item.version.options if o["correct"])
        wrong = [o["key"] for o in item.version.options if not o["correct"]] or right
        answers.append(
            {
                "position": item.position,
                "answer": right if rng.random() < skill else [rng.choice(wrong)],
                "seq": n,
            }
        )
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="demo",
        answers=answers,
        now=when + dt.timedelta(minutes=20),
    )
    attempt_submit(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="demo",
        now=when + dt.timedelta(minutes=35),
    )


def _seed_sessions(rule: PaperRule, now: dt.datetime, body: TrainingBody) -> tuple[int, int]:
    people = _electricians()
    rng = random.Random(2026)
    # Held by the county's training centre in the county: the demo trainer's to change.
    held = {"training_body": body, "region": Region.objects.get(code=COUNTY[0])}
    sessions = DATA["sessions"]
    open_session, _ = ExamSession.objects.get_or_create(
        code=OPEN_SESSION,
        defaults={
            "name": sessions["open"]["name"],
            "rule": rule,
            "is_published": True,
            "opens_at": now - dt.timedelta(days=sessions["open"]["opens_days_ago"]),
            "closes_at": now + dt.timedelta(days=sessions["open"]["closes_in_days"]),
            "certificate_type_code": sessions["certificate_type_code"],
            **held,
        },
    )
    _own(open_session, held)
    session_add_candidates(session=open_session, actor=None, people=people)
    closed, created = ExamSession.objects.get_or_create(
        code=CLOSED_SESSION,
        defaults={
            "name": sessions["closed"]["name"],
            "rule": rule,
            "is_published": True,
            "opens_at": now - dt.timedelta(days=sessions["closed"]["opens_days_ago"]),
            "closes_at": now + dt.timedelta(days=sessions["closed"]["closes_in_days"]),
            "certificate_type_code": sessions["certificate_type_code"],
            **held,
        },
    )
    _own(closed, held)
    session_add_candidates(session=closed, actor=None, people=people)
    if created:
        start = closed.opens_at + dt.timedelta(hours=1)
        for n, person in enumerate(people):
            if n % 7 == 6:
                continue  # absent
            skill = 0.95 if n % 3 else 0.6  # most pass, some fail first time
            _sit(closed, person, start + dt.timedelta(minutes=n), rng, skill)
            if skill < 0.9 and n % 2:
                _sit(closed, person, start + dt.timedelta(hours=5, minutes=n), rng, 0.92)  # 补考
    return open_session.candidates.count(), Attempt.objects.filter(session=closed).count()


def _own(session: ExamSession, held: dict) -> None:
    """A demo session seeded before sessions had owners gets the demo's."""
    if session.training_body_id is None and session.enterprise_id is None:
        for name, value in held.items():
            setattr(session, name, value)
        session.save(update_fields=list(held))


def seed(*, stdout) -> None:
    now = timezone.now()
    with transaction.atomic():
        body = TrainingBody.objects.get(uscc=training_body_uscc())
        bank = _seed_bank(body)
        rule = _seed_rule(bank)
        candidates, attempts = _seed_sessions(rule, now, body)
    stdout.write(
        f"Exams: bank {bank.code} ({bank.questions.count()} questions), rule {rule.code}, "
        f"open session {OPEN_SESSION} with {candidates} candidates, "
        f"closed session {CLOSED_SESSION} with {attempts} attempts."
    )
