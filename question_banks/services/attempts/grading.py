"""Submitting and grading: a submit, or the clock (a periodic sweep, and lazily whenever an
overdue attempt is touched, so no worker is needed), grades the paper with what was saved
(ARCHITECTURE rule 2); which attempt counts for a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.grading import score_item
from question_banks.models import Attempt, AttemptEvent, AttemptItem, ExamSession
from question_banks.services.errors import ExamError
from question_banks.services.wrong_book import wrong_book_record
from question_banks.signals import attempt_finished, attempt_passed
from roster.models import Person

FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)


def answers_close_at(attempt: Attempt) -> dt.datetime:
    """When an attempt stops taking answers: its deadline plus the session's grace."""
    session = attempt.session if attempt.session_id else None
    seconds = session.grace_seconds if session is not None else 0
    assert attempt.deadline is not None  # stored when the attempt starts
    return attempt.deadline + dt.timedelta(seconds=seconds)


def attempt_submit(*, attempt: Attempt, client_id: str, now: dt.datetime | None = None) -> Attempt:
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session", "rule")
            .get(pk=attempt.pk)
        )
        if attempt.status in FINISHED:
            return attempt  # a double click or a retried submit changes nothing
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise ExamError(_("This exam has not started."), "not_started")
        if attempt.client_id and attempt.client_id != client_id:
            raise ExamError(
                _("This exam was taken over on another device or tab; submit there."),
                "other_client",
            )
        late = now > answers_close_at(attempt)
        return _finish(attempt, Attempt.Status.EXPIRED if late else Attempt.Status.SUBMITTED, now)


def attempt_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    """In progress past its deadline and grace, as last read (attempt_expire_if_overdue
    settles it under a lock)."""
    return attempt.status == Attempt.Status.IN_PROGRESS and now > answers_close_at(attempt)


def attempt_expire_if_overdue(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Grade an attempt whose time ran out with what was saved. True if it did."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session", "rule")
            .get(pk=attempt.pk)
        )
        if attempt.status != Attempt.Status.IN_PROGRESS or now <= answers_close_at(attempt):
            return False
        assert attempt.deadline is not None  # in progress: started, so it has one
        _finish(attempt, Attempt.Status.EXPIRED, attempt.deadline)
    return True


def attempts_expire_overdue(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep (Celery beat); the lazy path above makes it a convenience, not a need."""
    now = now or timezone.now()
    ids = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now).values_list(
        "pk", flat=True
    )
    return sum(attempt_expire_if_overdue(attempt=Attempt(pk=pk), now=now) for pk in list(ids))


def pass_mark(attempt: Attempt) -> Decimal:
    session = attempt.session if attempt.session_id else None
    if session is not None:
        return session.pass_mark_over(attempt.rule)
    return attempt.rule.pass_mark


@dataclass
class _Graded:
    """An item as grading reads it (rows, not models: a thousand papers of a hundred
    questions are submitted at the end of an exam day)."""

    pk: int
    section: int
    points: Decimal
    answer: object
    question_id: int
    score: Decimal = Decimal(0)


def attempt_grade(attempt: Attempt) -> None:
    """Score every item from its pinned version; section totals, total and pass/fail."""
    rows = attempt.items.values_list(
        "pk",
        "section",
        "points",
        "answer",
        "version__question_id",
        "version__question__qtype",
        "version__options",
        "version__sub_questions",
    )
    items = []
    sections: dict[int, dict] = {}
    policy = attempt.rule.partial_credit
    for pk, section, points, answer, question_id, qtype, options, sub_questions in rows:
        item = _Graded(pk, section, points, answer, question_id)
        item.score = score_item(
            qtype=qtype,
            options=options,
            sub_questions=sub_questions,
            answer=answer,
            points=points,
            policy=policy,
        )
        items.append(item)
        part = sections.setdefault(
            section, {"section": section, "score": Decimal(0), "points": Decimal(0)}
        )
        part["score"] += item.score
        part["points"] += points
    _save_scores(items)
    attempt.score = sum((i.score for i in items), Decimal(0))
    attempt.passed = attempt.score >= pass_mark(attempt)
    titles = [s.title or s.get_qtype_display() for s in attempt.rule.sections.order_by("position")]
    attempt.section_scores = [
        {
            "section": s["section"],
            "title": str(titles[s["section"]]) if s["section"] < len(titles) else "",
            "score": str(s["score"]),
            "points": str(s["points"]),
        }
        for s in sorted(sections.values(), key=lambda s: s["section"])
    ]
    _update_wrong_book(attempt, items)


def _save_scores(items: list[_Graded]) -> None:
    """One UPDATE per distinct score (a paper has a handful: nothing, full and partial
    marks per section) rather than one CASE over a hundred rows, which Django takes longer
    to build than PostgreSQL to run."""
    by_score: dict[Decimal, list[int]] = {}
    for item in items:
        by_score.setdefault(item.score, []).append(item.pk)
    for score, pks in by_score.items():
        AttemptItem.objects.filter(pk__in=pks).update(score=score)


def _update_wrong_book(attempt: Attempt, items: list[_Graded]) -> None:
    right = {i.question_id for i in items if i.score == i.points}
    wrong = {i.question_id for i in items if i.score != i.points and i.answer is not None}
    wrong_book_record(person_id=attempt.person_id, right=right, wrong=wrong)


def _finish(attempt: Attempt, status: str, finished_at: dt.datetime) -> Attempt:
    attempt.status = status
    attempt.finished_at = finished_at
    attempt_grade(attempt)
    attempt.save(update_fields=["status", "finished_at", "score", "passed", "section_scores"])
    AttemptEvent.objects.create(attempt=attempt, kind=status)
    attempt_finished.send(sender=Attempt, attempt=attempt)
    if attempt.passed and attempt.session_id and attempt.kind == Attempt.Kind.OFFICIAL:
        attempt_id = attempt.pk
        transaction.on_commit(lambda: attempt_passed.send(sender=Attempt, attempt_id=attempt_id))
    return attempt


def session_result_for(*, session: ExamSession, person: Person) -> Attempt | None:
    """The attempt that counts: highest or last, as the session says."""
    finished = Attempt.objects.filter(session=session, person=person, status__in=FINISHED)
    if session.score_policy == ExamSession.ScorePolicy.HIGHEST:
        return finished.order_by("-score", "-finished_at").first()
    return finished.order_by("-finished_at").first()
