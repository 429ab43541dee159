"""Practice (顺序/随机/专项练习), the wrong-answer book (错题本) and favourites.

Practice is never an exam: answers are checked at once and shown with the explanation, and
the wrong-answer book empties itself as the person answers its questions correctly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Q, QuerySet, When

from question_banks.choices import QuestionType
from question_banks.grading import correct_keys
from question_banks.models import (
    Category,
    Favourite,
    PracticeAnswer,
    Question,
    QuestionBank,
    WrongAnswer,
)
from question_banks.services.attempts import ExamError, validate_answer
from question_banks.services.keys import require_keys_open
from question_banks.services.wrong_book import wrong_book_record
from roster.models import Person

MODES = ("sequential", "random", "category", "wrong", "favourites")


def banks_for_person(person: Person) -> QuerySet[QuestionBank]:
    """Banks of the exams a person is listed for, and banks that serve their personnel
    category, post (工种) or department; those for their own post or department come first.

    Banks number in the dozens, so the lists are matched in Python (SQLite has no JSON
    contains).
    """
    current = person.employments.filter(ended_on__isnull=True).first()
    own: list[int] = []  # serves this person's post or department
    served: list[int] = []  # serves their personnel category
    if current is not None:
        post = current.post.strip()
        for b in QuestionBank.objects.only("pk", "posts", "personnel_categories"):
            if post and post in (b.posts or ()):
                own.append(b.pk)
            elif current.category in (b.personnel_categories or ()):
                served.append(b.pk)
        if current.department_id:
            own += QuestionBank.departments.through.objects.filter(
                department_id=current.department_id
            ).values_list("questionbank_id", flat=True)
    return (
        QuestionBank.objects.filter(
            Q(paper_rules__sessions__candidates__person=person) | Q(pk__in=own + served)
        )
        .distinct()
        .annotate(own_post=Case(When(pk__in=own, then=0), default=1))
        .order_by("own_post", "code")
    )


def _pool(
    person: Person, bank: QuestionBank, mode: str, category: Category | None
) -> QuerySet[Question]:
    questions = Question.objects.filter(bank=bank, is_active=True, current_version__isnull=False)
    if mode == "category" and category is not None:
        questions = questions.filter(category__path__startswith=category.path)
    elif mode == "wrong":
        questions = questions.filter(
            pk__in=WrongAnswer.objects.filter(person=person).values("question_id")
        )
    elif mode == "favourites":
        questions = questions.filter(
            pk__in=Favourite.objects.filter(person=person).values("question_id")
        )
    return questions


def practice_next(
    *,
    person: Person,
    bank: QuestionBank,
    mode: str,
    after: int | None = None,
    category: Category | None = None,
    rng: random.Random | None = None,
) -> Question | None:
    """The next question to practise; sequential mode resumes after the last one answered.
    Refused (KeysClosed) while the bank's keys are closed to the person (services/keys.py)."""
    if mode not in MODES:
        raise ExamError("unknown mode", "malformed")
    require_keys_open(person_id=person.pk, bank_id=bank.pk)
    pool = _pool(person, bank, mode, category).select_related("current_version")
    if mode == "random":
        ids = list(pool.values_list("pk", flat=True))
        return pool.get(pk=(rng or random).choice(ids)) if ids else None
    if after is None and mode == "sequential":
        last = (
            PracticeAnswer.objects.filter(person=person, question__bank=bank)
            .order_by("-at", "-pk")
            .values_list("question_id", flat=True)
            .first()
        )
        after = last
    ordered = pool.order_by("pk")
    if after is not None:
        following = ordered.filter(pk__gt=after).first()
        return following or ordered.first()
    return ordered.first()


@dataclass(frozen=True)
class Feedback:
    correct: bool
    right_keys: list[str]
    explanation: str


def practice_answer(*, person: Person, question: Question, answer: object) -> Feedback:
    """Check a practice answer and say the right one; refused (KeysClosed) while the bank's
    keys are closed to the person (services/keys.py)."""
    require_keys_open(person_id=person.pk, bank_id=question.bank_id)
    version = question.current_version
    assert version is not None  # practice offers only questions that have one (_pool)
    clean = validate_answer(version, question.qtype, answer)
    if clean is None:
        raise ExamError("empty", "empty")
    if question.qtype == QuestionType.CASE:
        assert isinstance(clean, dict)  # validate_answer keeps a case's answer part by part
        correct = all(
            set(clean.get(str(i)) or []) == correct_keys(sub["options"])
            for i, sub in enumerate(version.sub_questions)
        )
        right = []
    else:
        right = sorted(correct_keys(version.options))
        correct = clean == right
    with transaction.atomic():
        PracticeAnswer.objects.create(
            person=person, question=question, version=version, answer=clean, correct=correct
        )
        wrong_book_record(
            person_id=person.pk,
            right=[question.pk] if correct else [],
            wrong=[] if correct else [question.pk],
        )
    return Feedback(correct, right, version.explanation)


def favourite_toggle(*, person: Person, question: Question) -> bool:
    """Star or unstar a question; returns whether it is now a favourite."""
    deleted, _ = Favourite.objects.filter(person=person, question=question).delete()
    if deleted:
        return False
    Favourite.objects.get_or_create(person=person, question=question)
    return True


def practice_progress(*, person: Person, bank: QuestionBank) -> dict:
    total = Question.objects.filter(bank=bank, is_active=True).count()
    done = (
        PracticeAnswer.objects.filter(person=person, question__bank=bank)
        .values("question_id")
        .distinct()
        .count()
    )
    return {
        "total": total,
        "done": done,
        "wrong": WrongAnswer.objects.filter(person=person, question__bank=bank).count(),
        "favourites": Favourite.objects.filter(person=person, question__bank=bank).count(),
    }
