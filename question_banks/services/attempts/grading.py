"""Submitting and grading: a submit, or the clock (a periodic sweep, and lazily whenever an
overdue attempt is touched, so no worker is needed), grades the paper with what was saved
(ARCHITECTURE rule 2); which attempt counts for a session.

The exam page's submit is recorded at once and graded right after (issue 27): grading (and
the certificate a pass earns) inside the submit made 1,000 people submitting in the same
second wait up to 7 s (p95 6.5 s) on two cores. The submit's one short transaction freezes
the answers (status submitted or expired, finished_at); the grade follows in a task queued
on commit (question_banks.tasks.attempt_grade_task), or in the submit's transaction when
tasks run inline (no broker), or in the request when the broker cannot be reached. Until
then the attempt is finished with no score: the result page says it is being graded and
reloads itself. Grading is exactly-once: under the attempt's row lock, only an attempt
still without a score is graded, so a task retried, delivered twice, or racing the lazy
path changes nothing the second time.

A burst of submits shares its grade tasks: sending a Celery task was half the submit's CPU
under cProfile (bench/bench_requests.py --only submit --profile). A submit
sends one only when none is waiting to start (GRADE_QUEUED, one cache key: a submit that
finds it set sends nothing), and each task, as it starts, clears the key and then grades
its paper and every other one still waiting (attempts_grade_waiting), oldest first, skipping
the papers another grader holds. No grade is left behind: a submit that sent nothing
committed before it found the key, and the task that set the key reads the waiting papers
only after clearing it. A task lost with the broker's data leaves the key until it lapses
(GRADE_QUEUED_HOLD) and its papers to GRADING_STALE's lazy path and sweep, as before.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery import DATABASE_OUTAGE, send_or_leave, tasks_inline
from question_banks.grading import score_item
from question_banks.models import Attempt, AttemptEvent, AttemptItem, ExamSession
from question_banks.services.errors import ExamError
from question_banks.services.wrong_book import wrong_book_record
from question_banks.signals import attempt_finished, attempt_passed
from roster.models import Person

log = logging.getLogger(__name__)

FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)
# Named, not imported: tasks.py imports these services (config.celery.task_named).
GRADE_TASK = "question_banks.tasks.attempt_grade_task"
# A grade still missing this long after the submit was lost on its way (a worker down, the
# broker's data gone): the result page and the periodic sweep grade it themselves. Well
# above the queue's wait when a thousand people submit at once (seconds).
GRADING_STALE = dt.timedelta(seconds=30)
# Set while a grade task is queued and not started yet (see above); it lapses after
# GRADE_QUEUED_HOLD seconds, so a task that never runs holds back the next send no longer.
GRADE_QUEUED = "question_banks:grade-queued"
GRADE_QUEUED_HOLD = 10


def answers_close_at(attempt: Attempt) -> dt.datetime:
    """When an attempt stops taking answers: its deadline plus the session's grace."""
    session = attempt.session if attempt.session_id else None
    seconds = session.grace_seconds if session is not None else 0
    assert attempt.deadline is not None  # stored when the attempt starts
    return attempt.deadline + dt.timedelta(seconds=seconds)


def require_holder(attempt: Attempt, person_id: int | None) -> None:
    """Only the person whose paper it is answers it, records its events and hands it in
    (ARCHITECTURE rule 10): `person_id` is who acts (the signed-in examinee's person, or the
    exam page's pass); None (an account with no person, nobody signed in) is refused too.
    Compares ids already loaded with the attempt, so it costs no query on the exam day's
    hot path."""
    if person_id is None or attempt.person_id != person_id:
        raise ExamError(_("This exam paper is not yours."), "not_yours")


def attempt_submit(
    *,
    attempt: Attempt,
    person_id: int | None,
    client_id: str,
    now: dt.datetime | None = None,
    grade_later: bool = False,
) -> Attempt:
    """Record the submit (the answers frozen from here) and grade it. With `grade_later`
    (the exam page's submit), the grade is queued on commit when a broker is configured:
    the returned attempt has no score yet. Otherwise (scripts, imports, no broker) it is
    graded in the same transaction and returned graded. Only the attempt's own person
    (`person_id`) hands it in."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session", "rule")
            .get(pk=attempt.pk)
        )
        require_holder(attempt, person_id)
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
        status = Attempt.Status.EXPIRED if late else Attempt.Status.SUBMITTED
        queue = grade_later and grades_queued()
        _record(attempt, status, now, save=queue)
        if queue:
            grade_on_commit(attempt.pk)
        else:
            _grade(attempt, also=("status", "finished_at"))
    return attempt


def grades_queued() -> bool:
    """Whether a submit leaves its grade to a task (a broker is configured) rather than
    grading in its own transaction (tasks run inline: the embedded default, the tests)."""
    return not tasks_inline()


def grade_on_commit(attempt_id: int) -> None:
    """Queue the grade of a submit recorded in the current transaction, once it commits
    (robust: the submit has committed; nothing in sending its grade is raised at it)."""
    transaction.on_commit(lambda: _queue_grade(attempt_id), robust=True)


def _queue_grade(attempt_id: int) -> None:
    """Send the grade to the workers, unless a grade task is queued already and not
    started (it grades this paper too); inline when the broker is down, and failing both,
    the minute's sweep (expire_overdue_attempts_task) or the result page's lazy path
    (attempt_grade_if_stale) grades it: the grade is never lost. Sent by name (tasks.py
    imports these services); a thousand first submits at once all find it
    (config.celery.task_named imports the task's module under a lock)."""
    try:
        first = cache.add(GRADE_QUEUED, attempt_id, GRADE_QUEUED_HOLD)
    except Exception:  # the cache falls back to memory; anything else: send anyway
        first = True
    if not first:
        return
    send_or_leave(
        GRADE_TASK,
        attempt_id,
        sweep="expire-overdue-attempts (every minute) and attempt_grade_if_stale on access",
    )


def attempt_graded(attempt: Attempt) -> bool:
    """Finished and scored: a finished attempt without a score is still being graded."""
    return attempt.status in FINISHED and attempt.score is not None


def attempt_grade_pending(*, attempt_id: int) -> Attempt | None:
    """Grade a finished attempt that has no grade yet: the graded attempt, or None when
    there was nothing to do (graded already, by a first delivery of the task or the lazy
    path; still open; gone). The row lock makes a second grader wait, then see the score."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("session", "rule")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None or attempt.status not in FINISHED or attempt.score is not None:
            return None
        _grade(attempt)
    return attempt


def grade_task_started() -> None:
    """A grade task starts: clear GRADE_QUEUED, so that a submit from now on sends a task
    of its own. Before the task reads which papers wait (attempts_grade_waiting)."""
    cache.delete(GRADE_QUEUED)


def attempts_grade_waiting() -> int:
    """Grade every finished paper still without a grade, oldest first, one transaction
    each, skipping those another grader holds locked (it grades them): how many. A paper
    whose grading fails is logged and left (to the sweep, which tries it alone) rather than
    stop the others; the database going away stops the run (its task is retried)."""
    count = 0
    failed: list[int] = []
    waiting = (
        Attempt.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("session", "rule")
        .filter(status__in=FINISHED, score__isnull=True)
        .order_by("finished_at")
    )
    while True:
        attempt: Attempt | None = None
        try:
            with transaction.atomic():
                attempt = waiting.exclude(pk__in=failed).first()
                if attempt is None:
                    return count
                _grade(attempt)
        except DATABASE_OUTAGE:
            raise
        except Exception:
            if attempt is None:  # not a paper's grading: the reading itself failed
                raise
            log.exception("grading attempt %s failed; left to the sweep", attempt.pk)
            failed.append(attempt.pk)
        else:
            count += 1


def attempt_grade_if_stale(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    """Grade here an attempt whose grading has waited longer than a queued task should
    (a worker down, a task lost with the broker's data): rule 2's "no worker is needed for
    correctness", for the grade as for the deadline. True if it graded it."""
    now = now or timezone.now()
    if attempt_graded(attempt) or attempt.status not in FINISHED:
        return False
    if attempt.finished_at and now - attempt.finished_at < GRADING_STALE:
        return False
    return attempt_grade_pending(attempt_id=attempt.pk) is not None


def attempts_grade_stale(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep's second half: attempts left ungraded past GRADING_STALE."""
    now = now or timezone.now()
    ids = Attempt.objects.filter(
        status__in=FINISHED, score__isnull=True, finished_at__lt=now - GRADING_STALE
    ).values_list("pk", flat=True)
    return sum(attempt_grade_pending(attempt_id=pk) is not None for pk in list(ids))


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
        # Graded in the same transaction: the clock reaches attempts one by one (a page,
        # the sweep), not a thousand in the same second as submits do.
        assert attempt.deadline is not None  # in progress: started, so it has one
        _record(attempt, Attempt.Status.EXPIRED, attempt.deadline, save=False)
        _grade(attempt, also=("status", "finished_at"))
    return True


def attempts_expire_overdue(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep (Celery beat); the lazy path above makes it a convenience, not a
    need. It also grades submits whose grade went missing (attempts_grade_stale)."""
    now = now or timezone.now()
    ids = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now).values_list(
        "pk", flat=True
    )
    expired = sum(attempt_expire_if_overdue(attempt=Attempt(pk=pk), now=now) for pk in list(ids))
    return expired + attempts_grade_stale(now=now)


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


def _record(attempt: Attempt, status: str, finished_at: dt.datetime, *, save: bool) -> None:
    """The submit itself: the answers are frozen from here (saving refuses a finished
    attempt). Written now (`save`), or with the grade when it follows in this transaction."""
    attempt.status = status
    attempt.finished_at = finished_at
    if save:
        attempt.save(update_fields=["status", "finished_at"])
    AttemptEvent.objects.create(attempt=attempt, kind=status)


def _grade(attempt: Attempt, also: tuple[str, ...] = ()) -> None:
    """Score the locked, finished attempt (saving `also` with it); tell the listeners
    (contests inside the transaction, certificates after it commits)."""
    attempt_grade(attempt)
    attempt.save(update_fields=[*also, "score", "passed", "section_scores"])
    attempt_finished.send(sender=Attempt, attempt=attempt)
    if attempt.passed and attempt.session_id and attempt.kind == Attempt.Kind.OFFICIAL:
        # A contest round's pass mark ranks a contestant; it is no exam passed: its
        # receivers (certificates issued, training credited) must not hear of it.
        session = attempt.session
        if session is not None and session.purpose == ExamSession.Purpose.CONTEST:
            return
        attempt_id = attempt.pk
        transaction.on_commit(lambda: attempt_passed.send(sender=Attempt, attempt_id=attempt_id))


def session_result_for(*, session: ExamSession, person: Person) -> Attempt | None:
    """The attempt that counts: highest or last, as the session says."""
    finished = Attempt.objects.filter(session=session, person=person, status__in=FINISHED)
    if session.score_policy == ExamSession.ScorePolicy.HIGHEST:
        # One being graded (no score yet) after the graded ones: PostgreSQL would put it first.
        return finished.order_by(F("score").desc(nulls_last=True), "-finished_at").first()
    return finished.order_by("-finished_at").first()
