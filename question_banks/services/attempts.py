"""The life of an attempt: draw, start, save answers, submit, grade (ARCHITECTURE rules 1-3).

The server's clock decides: the deadline is stored when the attempt starts, answers after it
(plus the session's grace) are refused, and an overdue attempt is graded with what was saved,
by a periodic task and also lazily whenever it is touched, so no worker is needed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks import prerequisites
from question_banks.choices import QuestionType
from question_banks.drawing import draw_paper, fixed_paper
from question_banks.grading import score_item
from question_banks.models import (
    Attempt,
    AttemptEvent,
    AttemptItem,
    Candidate,
    ExamSession,
    PaperRule,
    QuestionVersion,
)
from question_banks.services.errors import ExamError
from question_banks.services.paper_slots import paper_slots, paper_slots_warm
from question_banks.services.rules import pool_for_bank, section_specs, to_pool_question
from question_banks.services.wrong_book import wrong_book_record
from question_banks.signals import attempt_finished, attempt_passed
from roster.models import Person

OPEN = (Attempt.Status.READY, Attempt.Status.IN_PROGRESS)
FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)


# ---------------------------------------------------------------- drawing


def _previous_questions(person: Person, rule: PaperRule) -> set[int]:
    last = (
        Attempt.objects.filter(person=person, rule=rule)
        .exclude(status=Attempt.Status.READY)
        .order_by("-drawn_at")
        .first()
    )
    if last is None:
        return set()
    return set(last.items.values_list("version__question_id", flat=True))


def attempt_draw(
    *,
    person: Person,
    rule: PaperRule,
    session: ExamSession | None,
    kind: str,
    number: int = 1,
    seed: int | None = None,
    pool=None,
) -> Attempt:
    """Draw and persist one paper (READY). `pool` may be passed in when drawing many at once."""
    seed = secrets.randbits(62) if seed is None else seed
    if rule.kind == PaperRule.Kind.FIXED:
        fixed = list(
            rule.fixed_items.select_related("question__current_version", "question__category")
        )
        items = fixed_paper([(to_pool_question(f.question), f.points) for f in fixed], seed)
    else:
        avoid = _previous_questions(person, rule) if rule.avoid_previous else set()
        items = draw_paper(
            section_specs(rule),
            pool if pool is not None else pool_for_bank(rule.bank_id),
            seed,
            avoid,
        )
    with transaction.atomic():
        attempt = Attempt.objects.create(
            person=person,
            rule=rule,
            session=session,
            kind=kind,
            number=number,
            seed=seed,
            total_points=sum((i.points for i in items), Decimal(0)),
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt=attempt,
                position=n,
                section=i.section,
                version_id=i.version_id,
                points=i.points,
                option_order=i.option_order,
            )
            for n, i in enumerate(items, start=1)
        )
    return attempt


def session_predraw(*, session: ExamSession) -> int:
    """Draw every candidate's first paper ahead, so a thousand starts at 9:00 cost a read."""
    pool = pool_for_bank(session.rule.bank_id)
    have = set(Attempt.objects.filter(session=session).values_list("person_id", flat=True))
    drawn = []
    for candidate in session.candidates.select_related("person").exclude(person_id__in=have):
        try:
            attempt = attempt_draw(
                person=candidate.person,
                rule=session.rule,
                session=session,
                kind=Attempt.Kind.OFFICIAL,
                pool=pool,
            )
            drawn.append(attempt.pk)
        except IntegrityError:
            continue  # drawn meanwhile by the person starting early
    # Cached now, so the first saves of exam day read no paper.
    paper_slots_warm(drawn, until=session.closes_at)
    return len(drawn)


# ---------------------------------------------------------------- starting


@dataclass(frozen=True)
class StartCheck:
    candidate: Candidate
    attempts_used: int
    attempts_allowed: int
    next_number: int  # the new attempt's number: after every earlier one, counted or not


def _client_allowed(session: ExamSession, ip: str | None) -> bool:
    networks = [line.strip() for line in session.allowed_networks.splitlines() if line.strip()]
    if not networks:
        return True
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def session_start_check(
    *,
    session: ExamSession,
    person: Person,
    now: dt.datetime,
    access_code: str = "",
    ip: str | None = None,
    candidate: Candidate | None = None,
) -> StartCheck:
    """Why this person may not start now, as an ExamError; otherwise what they have left.
    ``candidate``: the person's row on this session's list, when the caller has it."""
    if candidate is None or (candidate.session_id, candidate.person_id) != (session.pk, person.pk):
        candidate = Candidate.objects.filter(session=session, person=person).first()
    if candidate is None or not session.is_published:
        raise ExamError(_("You are not on the list of this exam session."), "not_candidate")
    if now < session.opens_at:
        raise ExamError(_("This exam session has not opened yet."), "not_open")
    if now >= session.closes_at:
        raise ExamError(_("This exam session has closed."), "closed")
    if session.access_code and access_code.strip() != session.access_code:
        raise ExamError(_("The access code is not right. Ask the invigilator."), "access_code")
    if not _client_allowed(session, ip):
        raise ExamError(_("This exam can only be taken from the exam room's network."), "network")
    finished = Attempt.objects.filter(session=session, person=person, status__in=FINISHED)
    counted = Q()
    if candidate.counts_from is not None:
        # Put back on a 三违 return exam by a new violation: earlier attempts do not count.
        counted = Q(finished_at__gte=candidate.counts_from)
    tally = finished.aggregate(
        used=Count("pk", filter=counted),
        passed=Count("pk", filter=counted & Q(passed=True)),
        last=Max("number"),
    )
    last_number = tally["last"] or 0
    # A contest round has no pass mark to reach: a second attempt may improve the score.
    if tally["passed"] and session.purpose != ExamSession.Purpose.CONTEST:
        raise ExamError(_("You have already passed this exam."), "passed")
    used = tally["used"]
    allowed = session.attempts_allowed + candidate.extra_attempts
    if used >= allowed:
        raise ExamError(_("You have used all your attempts at this exam."), "no_attempts")
    reasons = prerequisites.unmet(person=person, session=session)
    if reasons:
        raise ExamError(" ".join(reasons), "prerequisite")
    return StartCheck(candidate, used, allowed, last_number + 1)


def _deadline(session: ExamSession, candidate: Candidate, started: dt.datetime) -> dt.datetime:
    minutes = session.duration_minutes or session.rule.duration_minutes
    extra = dt.timedelta(minutes=candidate.extra_minutes)
    return min(started + dt.timedelta(minutes=minutes) + extra, session.closes_at + extra)


def attempt_start(
    *,
    session: ExamSession,
    person: Person,
    client_id: str,
    now: dt.datetime | None = None,
    access_code: str = "",
    ip: str | None = None,
    candidate: Candidate | None = None,
) -> Attempt:
    """Start (or resume on the same client) the person's attempt. The deadline is fixed here."""
    now = now or timezone.now()
    with transaction.atomic():
        open_attempt = (
            Attempt.objects.select_for_update()
            .filter(session=session, person=person, status__in=OPEN)
            .first()
        )
        if open_attempt is not None and open_attempt.status == Attempt.Status.IN_PROGRESS:
            if attempt_expire_if_overdue(attempt=open_attempt, now=now):
                open_attempt = None
            else:
                return _claim(open_attempt, client_id)
        check = session_start_check(
            session=session,
            person=person,
            now=now,
            access_code=access_code,
            ip=ip,
            candidate=candidate,
        )
        if open_attempt is None:
            try:
                open_attempt = attempt_draw(
                    person=person,
                    rule=session.rule,
                    session=session,
                    kind=Attempt.Kind.OFFICIAL,
                    number=check.next_number,
                )
            except IntegrityError as exc:
                # Another request (a second tab, a double click, the predraw) drew this
                # person's paper of the session at the same moment and won: one open
                # attempt per person and session (qb_one_open_attempt_per_session).
                raise ExamError(
                    _(
                        "This exam is being started on another page or device at this very "
                        "moment. Wait a moment, then open it again."
                    ),
                    "start_conflict",
                ) from exc
        elif open_attempt.number != check.attempts_used + 1:
            open_attempt.number = check.attempts_used + 1
        open_attempt.status = Attempt.Status.IN_PROGRESS
        open_attempt.started_at = now
        open_attempt.deadline = _deadline(session, check.candidate, now)
        open_attempt.client_id = client_id
        open_attempt.save(update_fields=["status", "started_at", "deadline", "client_id", "number"])
        AttemptEvent.objects.create(
            attempt=open_attempt, kind="started", data={"client": client_id}
        )
    return open_attempt


def _claim(attempt: Attempt, client_id: str) -> Attempt:
    if attempt.client_id and attempt.client_id != client_id:
        raise ExamError(
            _("This exam is open on another device or tab. Continue there, or take it over here."),
            "other_client",
        )
    return attempt


def attempt_take_over(*, attempt: Attempt, client_id: str) -> Attempt:
    """Move an attempt to this client (a phone died, the examinee moved to a PC)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise ExamError(_("This attempt is no longer in progress."), "finished")
        AttemptEvent.objects.create(
            attempt=attempt, kind="taken_over", data={"from": attempt.client_id, "to": client_id}
        )
        attempt.client_id = client_id
        attempt.save(update_fields=["client_id"])
    return attempt


def mock_start(*, person: Person, rule: PaperRule, now: dt.datetime | None = None) -> Attempt:
    """模拟考试: drawn like the real one, timed, never recorded as official. Refused on a bank
    whose keys are closed to the person now (services/keys.py): its result shows them."""
    from question_banks.services.keys import require_keys_open

    now = now or timezone.now()
    require_keys_open(person_id=person.pk, bank_id=rule.bank_id, now=now)
    attempt = attempt_draw(person=person, rule=rule, session=None, kind=Attempt.Kind.MOCK)
    attempt.status = Attempt.Status.IN_PROGRESS
    attempt.started_at = now
    attempt.deadline = now + dt.timedelta(minutes=rule.duration_minutes)
    attempt.save(update_fields=["status", "started_at", "deadline"])
    return attempt


# ---------------------------------------------------------------- answering


def answers_close_at(attempt: Attempt) -> dt.datetime:
    """When an attempt stops taking answers: its deadline plus the session's grace."""
    seconds = attempt.session.grace_seconds if attempt.session_id else 0
    return attempt.deadline + dt.timedelta(seconds=seconds)


def validate_answer(version: QuestionVersion, qtype: str, answer):
    """The answer in its stored form, or ExamError naming what is wrong. None clears it."""
    if answer is None or answer == [] or answer == {}:
        return None
    if qtype == QuestionType.CASE:
        if not isinstance(answer, dict):
            raise ExamError(_("A case question is answered part by part."), "malformed")
        subs = version.sub_questions or []
        clean = {}
        for key, value in answer.items():
            if not str(key).isdigit() or int(key) >= len(subs):
                raise ExamError(_("This case question has no such part."), "malformed")
            sub = subs[int(key)]
            clean[str(int(key))] = _choice_answer(sub["qtype"], sub["options"], value)
        return clean
    return _choice_answer(qtype, version.options, answer)


def _choice_answer(qtype: str, options, value) -> list[str] | None:
    if value is None or value == []:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ExamError(_("An answer is a list of option letters."), "malformed")
    keys = {o["key"] for o in options}
    if not set(value) <= keys:
        raise ExamError(_("That option is not part of this question."), "bad_option")
    if len(set(value)) != len(value):
        raise ExamError(_("An option was chosen twice."), "malformed")
    if qtype in (QuestionType.SINGLE, QuestionType.JUDGE) and len(value) > 1:
        raise ExamError(_("Choose only one option for this question."), "malformed")
    return sorted(value)


# The largest values AttemptItem.position and .answer_seq hold (PositiveSmallIntegerField,
# PositiveIntegerField); a client's counter will not reach them in any exam.
MAX_POSITION = 32767
MAX_SEQ = 2**31 - 1


def is_count(value, limit: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= limit


@dataclass(frozen=True)
class SaveResult:
    position: int
    seq: int
    applied: bool  # False: a newer answer was already saved (a late retry), nothing changed


def answers_save(
    *,
    attempt: Attempt,
    client_id: str,
    answers: list[dict],
    now: dt.datetime | None = None,
    reread: bool = True,
) -> list[SaveResult]:
    """Save answers as given: [{"position", "answer", "seq", "flagged"?}, …].

    Idempotent: each item keeps the answer with the highest client sequence number, so a
    retried or reordered post never overwrites a newer answer. All or nothing per call.
    ``reread=False``: the caller read `attempt` (with its session) in this same request, so
    it is not read again (the hot path of an exam day: one save every few seconds each).
    """
    now = now or timezone.now()
    if reread:
        attempt = Attempt.objects.select_related("session").get(pk=attempt.pk)
    if attempt.status in FINISHED:
        raise ExamError(
            _("This exam has been submitted; answers can no longer change."), "finished"
        )
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ExamError(_("This exam has not started."), "not_started")
    if now > answers_close_at(attempt):
        attempt_expire_if_overdue(attempt=attempt, now=now)
        raise ExamError(_("Time is up: answers after the deadline are not accepted."), "deadline")
    if attempt.client_id and attempt.client_id != client_id:
        AttemptEvent.objects.create(
            attempt=attempt, kind="other_client_refused", data={"client": client_id[:64]}
        )
        raise ExamError(
            _("This exam was taken over on another device or tab; answer there."), "other_client"
        )
    slots = paper_slots(attempt.pk)
    prepared = []
    for entry in answers:
        position = entry.get("position")
        item = slots.get(position) if is_count(position, MAX_POSITION) else None
        if item is None:
            raise ExamError(_("That question is not part of your paper."), "bad_question")
        seq = entry.get("seq")
        if not is_count(seq, MAX_SEQ):
            raise ExamError(_("Each answer needs a positive sequence number."), "malformed")
        answer = validate_answer(item, item.qtype, entry.get("answer"))
        flagged = entry.get("flagged")
        if flagged is not None and not isinstance(flagged, bool):
            raise ExamError(_("The review flag is true or false."), "malformed")
        prepared.append((position, item, answer, seq, flagged))
    results = []
    with transaction.atomic():
        for position, item, answer, seq, flagged in prepared:
            fields = {"answer": answer, "answer_seq": seq, "answered_at": now}
            if flagged is not None:
                fields["flagged"] = flagged
            applied = AttemptItem.objects.filter(pk=item.item_id, answer_seq__lt=seq).update(
                **fields
            )
            results.append(SaveResult(position, seq, bool(applied)))
    return results


# An event's details are a few small fields (the tab, how long it was away); anything
# larger is not an event of the exam page, and the table is read by invigilators.
EVENT_DATA_MAX_BYTES = 2048
EVENT_KINDS = frozenset({"focus_lost", "focus_back", "offline", "online", "resent"})


def attempt_event(
    *, attempt: Attempt, kind: str, data: dict | None = None, now: dt.datetime | None = None
) -> None:
    """Focus lost, reconnected, … recorded for the invigilator while the attempt is in
    progress; an unknown kind, details over EVENT_DATA_MAX_BYTES or an attempt that is not
    in progress (submitted, expired, or past its deadline and grace) are refused and
    nothing is written."""
    if kind not in EVENT_KINDS:
        raise ExamError(_("Unknown event."), "malformed")
    data = data or {}
    if len(json.dumps(data, ensure_ascii=False).encode()) > EVENT_DATA_MAX_BYTES:
        raise ExamError(
            _("The event's details are too long (at most %(n)d bytes).")
            % {"n": EVENT_DATA_MAX_BYTES},
            "too_large",
        )
    if attempt.status in FINISHED:
        raise ExamError(_("This exam has been submitted; nothing more is recorded."), "finished")
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise ExamError(_("This exam has not started."), "not_started")
    if (now or timezone.now()) > answers_close_at(attempt):
        raise ExamError(_("Time is up: answers after the deadline are not accepted."), "deadline")
    AttemptEvent.objects.create(attempt=attempt, kind=kind, data=data)


# ---------------------------------------------------------------- finishing and grading


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
    if attempt.session_id and attempt.session.pass_mark is not None:
        return attempt.session.pass_mark
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
