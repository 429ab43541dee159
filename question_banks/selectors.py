"""Reads of the exam engine, always for an acting user (a trainee sees only their own)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)

from config.process_memory import register_reset
from question_banks.models import (
    Attempt,
    AttemptItem,
    AttemptPage,
    Candidate,
    Category,
    ExamSession,
    Question,
    QuestionBank,
    QuestionVersion,
)
from question_banks.presentation import ExamText, exam_text
from question_banks.providers import attempts_shown_elsewhere
from roster.models import Person, User

if TYPE_CHECKING:
    from question_banks.statistics import BankQuestionFigures


def attempt_get_own(*, user: User, pk: int) -> Attempt:
    """The signed-in examinee's own attempt; DoesNotExist for anyone else's (no oracle)."""
    if not user.is_authenticated or not user.person_id:
        raise Attempt.DoesNotExist
    return Attempt.objects.select_related("session", "rule").get(pk=pk, person_id=user.person_id)


def attempt_get_own_for_page(*, user: User, pk: int) -> Attempt:
    """attempt_get_own, reading only what the exam page checks and shows (a thousand
    examinees open it at 9:00): status, deadline and grace, the tab that holds it, the
    session's and the examinee's names."""
    if not user.is_authenticated or not user.person_id:
        raise Attempt.DoesNotExist
    untouched = ~Exists(_touched_items(OuterRef("pk")))
    return (
        Attempt.objects.select_related("session", "person")
        .only(
            "person__name",
            "session__name",
            "session__grace_seconds",
            "status",
            "deadline",
            "client_id",
        )
        # The cards kept when the paper was drawn (AttemptPage), read in the same statement
        # and only while nothing is answered or flagged: then they are what the page shows.
        .annotate(
            stored_language=F("page__language"),
            stored_cards=Case(When(untouched, then=F("page__cards")), default=None),
            stored_sheet=Case(When(untouched, then=F("page__sheet")), default=None),
        )
        .get(pk=pk, person_id=user.person_id)
    )


def _touched_items(attempt_id: Any) -> QuerySet[AttemptItem]:
    """The items of an attempt that are answered or flagged (a save sets answer_seq > 0)."""
    return AttemptItem.objects.filter(attempt_id=attempt_id).filter(
        Q(answer_seq__gt=0) | Q(flagged=True)
    )


class PassPage(NamedTuple):
    """What the exam page shows of an attempt reached with its exam pass (the lane)."""

    deadline: dt.datetime
    client_id: str
    person_name: str
    session_name: str | None
    cards: str
    sheet: str


@functools.cache
def _pass_page_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    attempt = {f.name: quote(f.column or f.name) for f in Attempt._meta.concrete_fields}
    tables = {
        model: quote(model._meta.db_table)
        for model in (Attempt, AttemptItem, AttemptPage, ExamSession, Person)
    }
    return (
        f"SELECT a.{attempt['deadline']}, a.{attempt['client_id']}, p.name, s.name,"
        " page.cards, page.sheet"
        f" FROM {tables[Attempt]} a"
        f" JOIN {tables[AttemptPage]} page ON page.attempt_id = a.id"
        f" JOIN {tables[Person]} p ON p.id = a.{attempt['person']}"
        f" LEFT JOIN {tables[ExamSession]} s ON s.id = a.{attempt['session']}"
        f" WHERE a.id = %s AND a.{attempt['person']} = %s AND a.{attempt['status']} = %s"
        f" AND a.{attempt['deadline']} > %s AND page.language = %s"
        f" AND NOT EXISTS (SELECT 1 FROM {tables[AttemptItem]} item"
        " WHERE item.attempt_id = a.id AND (item.answer_seq > 0 OR item.flagged))"
    )


def exam_page_for_pass(
    *, attempt_id: int, person_id: int, language: str, now: dt.datetime
) -> PassPage | None:
    """The exam page's values of this person's attempt, when its kept cards can be shown as
    they are: in progress, before its deadline, nothing answered or flagged, cards kept in
    this language. None otherwise (the exam page's view decides). One statement by primary
    keys: plain SQL, as the ORM's query building cost more than the read (a thousand
    examinees open the page at 9:00)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _pass_page_sql(connection.vendor),
            [
                attempt_id,
                person_id,
                Attempt.Status.IN_PROGRESS.value,
                connection.ops.adapt_datetimefield_value(now),
                language,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    deadline, client_id, person_name, session_name, cards, sheet = row
    if isinstance(deadline, str):
        deadline = dt.datetime.fromisoformat(deadline)
    if deadline.tzinfo is None:
        # SQLite hands over the UTC time Django stored, without its zone.
        deadline = deadline.replace(tzinfo=dt.UTC)
    return PassPage(deadline, client_id, person_name, session_name, cards, sheet)


def attempt_get_own_for_saving(*, person_id: int | None, pk: int) -> Attempt:
    """The person's own attempt, reading only what saving an answer checks (an exam day's
    most frequent request): status, deadline and grace, and which tab holds the attempt.
    By person, not account: a save may come with the exam page's pass instead of a session
    (question_banks/api.py's ExamPass)."""
    if not person_id:
        raise Attempt.DoesNotExist
    return (
        Attempt.objects.select_related("session")
        .only("person", "session__grace_seconds", "status", "deadline", "client_id")
        .get(pk=pk, person_id=person_id)
    )


def attempt_items_for_display(attempt: Attempt) -> QuerySet[AttemptItem]:
    return attempt.items.select_related("version__question").order_by("position")


class ExamPageItem(NamedTuple):
    """An item's own columns the exam page shows (presentation.exam_cards reads them)."""

    position: int
    points: Any  # Decimal on PostgreSQL, int or float where the database has no decimals
    option_order: Any
    answer: Any
    answer_seq: int
    flagged: bool
    version_id: int


@functools.cache
def _exam_page_items_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column or f.name) for f in AttemptItem._meta.concrete_fields}
    names = ("position", "points", "option_order", "answer", "answer_seq", "flagged", "version")
    return (
        f"SELECT {', '.join(column[name] for name in names)} "
        f"FROM {quote(AttemptItem._meta.db_table)} "
        f"WHERE {column['attempt']} = %s ORDER BY {column['position']}"
    )


def attempt_items_for_exam_page(attempt: Attempt) -> list[ExamPageItem]:
    """The items' own columns the exam page shows, in order, as rows (no model objects:
    a thousand examinees open the page at 9:00, a hundred items each). Their versions'
    texts come from :func:`exam_texts`. Plain SQL: the ORM's query building and its
    per-row converters cost more CPU than the page's cards (bench_requests.py --profile);
    JSON columns arrive as text on every database Django supports (psycopg's jsonb loader
    is set to text by Django) and are decoded here."""
    with connection.cursor() as cursor:
        cursor.execute(_exam_page_items_sql(connection.vendor), [attempt.pk])
        rows = cursor.fetchall()
    return [
        ExamPageItem(
            position,
            points,
            _json(order),
            _json(answer),
            seq,
            bool(flagged),
            version,
        )
        for position, points, order, answer, seq, flagged, version in rows
    ]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


# A version's text never changes (editing a question adds a version), and a paper is drawn
# from a bank of a few thousand, so each process keeps the cleaned texts it has shown,
# the least recently shown going first when there are more than this.
EXAM_TEXTS_KEPT = 8192
_exam_texts: OrderedDict[int, ExamText] = OrderedDict()
_exam_texts_lock = threading.Lock()


@register_reset
def forget_exam_texts() -> None:
    """Empty this process's copy (tests: a rolled-back SQLite transaction hands out a
    version id again; PostgreSQL's sequences never do)."""
    with _exam_texts_lock:
        _exam_texts.clear()


def exam_texts(version_ids: Iterable[int]) -> dict[int, ExamText]:
    """The exam-page texts of these question versions (never their keys or explanations)."""
    found: dict[int, ExamText] = {}
    missing = []
    with _exam_texts_lock:
        for pk in version_ids:
            text = _exam_texts.get(pk)
            if text is None:
                missing.append(pk)
            else:
                _exam_texts.move_to_end(pk)
                found[pk] = text
    if not missing:
        return found
    rows = QuestionVersion.objects.filter(pk__in=missing).values_list(
        "pk", "question__qtype", "stem", "options", "sub_questions"
    )
    read = {pk: exam_text(qtype, stem, options, subs) for pk, qtype, stem, options, subs in rows}
    with _exam_texts_lock:
        _exam_texts.update((pk, read[pk]) for pk in missing if pk in read)  # in the order asked
        while len(_exam_texts) > EXAM_TEXTS_KEPT:
            _exam_texts.popitem(last=False)
    return found | read


def sessions_for_person(*, user: User) -> QuerySet[Candidate]:
    """The exam sessions the signed-in person is on the list of, with their attempts.
    ``retake``: put back on a 三违 return exam by a new violation and not passed since."""
    if not user.is_authenticated or not user.person_id:
        return Candidate.objects.none()
    passed_since = Attempt.objects.filter(
        session_id=OuterRef("session_id"),
        person_id=OuterRef("person_id"),
        passed=True,
        finished_at__gte=OuterRef("counts_from"),
    )
    return (
        Candidate.objects.filter(person_id=user.person_id, session__is_published=True)
        # A knowledge contest's rounds are sessions of the engine too, shown on the contest's
        # pages (contests), not as exams.
        .exclude(session__purpose=ExamSession.Purpose.CONTEST)
        .annotate(
            retake=ExpressionWrapper(
                Q(counts_from__isnull=False) & ~Exists(passed_since), output_field=BooleanField()
            )
        )
        .select_related("session__rule")
        .prefetch_related(
            Prefetch(
                "session__attempts",
                queryset=Attempt.objects.filter(person_id=user.person_id)
                .select_related("rule")
                .order_by("number"),
                to_attr="my_attempts",
            )
        )
        .order_by("-session__opens_at")
    )


def mock_attempts_for_person(*, user: User, limit: int = 10) -> list[Attempt]:
    """The signed-in person's latest finished mock exams (我的考试 links their results)."""
    if not user.is_authenticated or not user.person_id:
        return []
    mocks = Attempt.objects.filter(
        person_id=user.person_id,
        kind=Attempt.Kind.MOCK,
        status__in=(Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED),
    )
    # A contest's daily questions are mock attempts too, shown on the contest's pages.
    elsewhere = attempts_shown_elsewhere(person_id=user.person_id)
    if elsewhere is not None:
        mocks = mocks.exclude(pk__in=elsewhere)
    return list(mocks.select_related("rule").order_by("-finished_at")[:limit])


def session_get_for_candidate(*, user: User, code: str) -> tuple[ExamSession, Candidate]:
    if not user.is_authenticated or not user.person_id:
        raise ExamSession.DoesNotExist
    candidate = (
        Candidate.objects.select_related("session__rule", "person")
        .filter(person_id=user.person_id, session__code=code, session__is_published=True)
        .first()
    )
    if candidate is None:
        raise ExamSession.DoesNotExist
    return candidate.session, candidate


def sessions_visible_to(*, user: User) -> QuerySet[ExamSession]:
    """Trainers and system admins see every session; an enterprise admin those of their people."""
    from roster.choices import Role
    from roster.selectors import administered_enterprises, user_has_role

    if user_has_role(user, Role.TRAINER):
        return ExamSession.objects.select_related("rule")
    enterprises = administered_enterprises(user=user)
    # Their own internal exams too, before anyone is on the list (a standing 三违 return exam
    # waits empty for the next violation).
    own = ExamSession.objects.filter(enterprise__in=enterprises).values("pk")
    of_their_people = ExamSession.objects.filter(
        candidates__person__employments__enterprise__in=enterprises,
        candidates__person__employments__ended_on__isnull=True,
    ).values("pk")
    return ExamSession.objects.filter(Q(pk__in=own) | Q(pk__in=of_their_people)).select_related(
        "rule"
    )


def session_results(*, session: ExamSession, user: User) -> list[dict]:
    """One row per candidate the user may see: the attempt that counts, or absent."""
    from django.utils import timezone

    from roster.choices import Role
    from roster.models import Employment
    from roster.selectors import administered_enterprises, person_list, user_has_role

    candidates = session.candidates.select_related("person").order_by("person__name")
    if user_has_role(user, Role.TRAINER):
        # A trainer sees the candidates in their own region and industries, like the roster.
        candidates = candidates.filter(person__in=person_list(user=user))
    else:
        people = (
            Employment.objects.current()
            .filter(enterprise__in=administered_enterprises(user=user))
            .values("person_id")
        )
        candidates = candidates.filter(person_id__in=people)
    employers = dict(
        Employment.objects.current()
        .filter(person_id__in=[c.person_id for c in candidates])
        .values_list("person_id", "enterprise__name")
    )
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(session=session).order_by("number"):
        attempts.setdefault(attempt.person_id, []).append(attempt)
    closed = timezone.now() >= session.closes_at
    rows = []
    for candidate in candidates:
        mine = attempts.get(candidate.person_id, [])
        if candidate.counts_from is not None:
            # Back on a 三违 return exam after a new violation: only the new attempts count.
            mine = [a for a in mine if not a.finished_at or a.finished_at >= candidate.counts_from]
        finished = [a for a in mine if a.status in ("submitted", "expired")]
        # A paper being graded (seconds after its submit) has no score yet: not counted.
        graded = [a for a in finished if a.score is not None]
        if session.score_policy == ExamSession.ScorePolicy.HIGHEST:
            counted = max(graded, key=lambda a: (a.score, a.finished_at), default=None)
        else:
            counted = max(graded, key=_finished_at, default=None)
        if counted is not None:
            state = "passed" if counted.passed else "failed"
        elif len(graded) < len(finished) or any(a.status == "in_progress" for a in mine):
            state = "in_progress"
        else:
            state = "absent" if closed else "not_started"
        rows.append(
            {
                "person": candidate.person,
                "enterprise": employers.get(candidate.person_id, ""),
                "attempts": len(finished),
                "score": counted.score if counted else None,
                "passed": counted.passed if counted else None,
                "state": state,
                "retake_since": candidate.counts_from,
                "attempt": counted,
                "seconds_used": (
                    int((counted.finished_at - counted.started_at).total_seconds())
                    if counted and counted.started_at and counted.finished_at
                    else None
                ),
            }
        )
    return rows


# ---------------------------------------------------------------- the session's owner


def sessions_managed_by(*, user: User) -> QuerySet[ExamSession]:
    """The sessions the user may set up, run and close (services/permissions.py decides)."""
    from question_banks.services.permissions import sessions_for

    return sessions_for(user).select_related("rule__bank", "region", "training_body", "enterprise")


ROLL_STATES = ("not_started", "writing", "finished")


def _finished_at(attempt: Attempt) -> dt.datetime:
    assert attempt.finished_at is not None  # submitted or expired: it has finished
    return attempt.finished_at


def session_roll(*, session: ExamSession, now: dt.datetime | None = None) -> dict:
    """The list as its owner follows it: one row per candidate (seat, who, where they work,
    how far they are) and the counts the live page refreshes. A paper drawn ahead and not
    opened is "not started"; an attempt past its deadline counts as finished (it is graded
    with what was saved)."""
    from django.utils import timezone

    from roster.models import Employment

    now = now or timezone.now()
    candidates = list(
        session.candidates.select_related("person").order_by("seat", "person__name", "pk")
    )
    employers = dict(
        Employment.objects.current()
        .filter(person_id__in=[c.person_id for c in candidates])
        .values_list("person_id", "enterprise__name")
    )
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(session=session, started_at__isnull=False).only(
        "person_id", "status", "deadline", "score", "passed", "number"
    ):
        attempts.setdefault(attempt.person_id, []).append(attempt)
    rows = []
    counts = dict.fromkeys(ROLL_STATES, 0)
    for candidate in candidates:
        mine = attempts.get(candidate.person_id, [])
        writing = next(
            (
                a
                for a in mine
                if a.status == Attempt.Status.IN_PROGRESS and a.deadline and a.deadline > now
            ),
            None,
        )
        state = "writing" if writing else ("finished" if mine else "not_started")
        counts[state] += 1
        rows.append(
            {
                "candidate": candidate,
                "person": candidate.person,
                "enterprise": employers.get(candidate.person_id, ""),
                "state": state,
                "started": len(mine),
                "deadline": writing.deadline if writing else None,
            }
        )
    counts["total"] = len(candidates)
    counts["started"] = counts["writing"] + counts["finished"]
    return {"rows": rows, "counts": counts}


# ---------------------------------------------------------------- the question workbench

STAT_FILTERS = ("flagged", "facility_low", "facility_high", "discrimination_low", "no_data")


def bank_get_for_author(*, user: User, code: str) -> QuestionBank:
    """One of the banks the user may change, by code; DoesNotExist for any other (404)."""
    from question_banks.services.permissions import banks_for

    return banks_for(user).select_related("training_body", "enterprise").get(code=code)


def bank_list_for_author(*, user: User) -> QuerySet[QuestionBank]:
    from django.db.models import Count, Q

    from question_banks.services.permissions import banks_for

    return (
        banks_for(user)
        .select_related("training_body", "enterprise")
        .annotate(
            question_count=Count("questions", distinct=True),
            active_count=Count("questions", filter=Q(questions__is_active=True), distinct=True),
        )
        .order_by("code")
    )


def bank_questions(
    *,
    user: User,
    bank: QuestionBank,
    search: str = "",
    qtype: str = "",
    category: Category | None = None,
    difficulty: int | None = None,
    active: bool | None = None,
    stat: str = "",
    figures: dict[int, BankQuestionFigures] | None = None,
) -> QuerySet[Question]:
    """The bank's questions for its list page, filtered; `figures` (statistics
    .bank_question_figures) when filtering by the item analysis."""
    from question_banks.services.permissions import questions_for

    questions = (
        questions_for(user)
        .filter(bank=bank)
        .select_related("current_version", "category")
        .order_by("-pk")
    )
    if search:
        questions = questions.filter(current_version__stem__icontains=search)
    if qtype:
        questions = questions.filter(qtype=qtype)
    if category is not None:
        questions = questions.filter(category__path__startswith=category.path)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    if active is not None:
        questions = questions.filter(is_active=active)
    if stat and figures is not None:
        picks = {
            "flagged": lambda f: bool(f.flags),
            "facility_low": lambda f: "too_hard" in f.flags,
            "facility_high": lambda f: "too_easy" in f.flags,
            "discrimination_low": lambda f: (
                f.discrimination is not None and any("discrimination" in flag for flag in f.flags)
            ),
        }
        if stat == "no_data":
            questions = questions.exclude(pk__in=sorted(figures))
        elif stat in picks:
            ids = sorted(pk for pk, f in figures.items() if picks[stat](f))
            questions = questions.filter(pk__in=ids)
    return questions


def question_get_for_author(*, user: User, bank: QuestionBank, pk: int) -> Question:
    from question_banks.services.permissions import questions_for

    return (
        questions_for(user)
        .select_related("current_version", "category", "bank")
        .get(bank=bank, pk=pk)
    )


def attempts_for_regrade_report(attempt_ids: list[int]) -> dict[int, Mapping[str, Any]]:
    """Who wrote each regraded attempt, in which session, and the certificate issued from it
    (if any), in one query. The certificate is read through the reverse one-to-one
    Certificate.attempt by name, so this app does not import the certificates app above it."""
    rows = Attempt.objects.filter(pk__in=attempt_ids).values(
        "pk",
        "person__name",
        "session__code",
        "session__name",
        "certificate__number",
    )
    return {row["pk"]: row for row in rows}
