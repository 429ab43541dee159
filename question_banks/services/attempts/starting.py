"""Starting an attempt: who may start a session now, the deadline fixed at the start,
resuming on the same tab, taking a paper over to another, mock exams."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks import prerequisites
from question_banks.drawing import PoolTooSmall
from question_banks.models import Attempt, AttemptEvent, Candidate, ExamSession, PaperRule
from question_banks.providers import candidacy_problems
from question_banks.services.attempts.drawing import attempt_draw
from question_banks.services.attempts.grading import FINISHED, attempt_expire_if_overdue
from question_banks.services.errors import ExamError
from roster.models import Person, User

OPEN = (Attempt.Status.READY, Attempt.Status.IN_PROGRESS)


def pool_short_message() -> str:
    """Why a paper cannot be drawn (translated when raised, in the asker's language)."""
    return _(
        "This paper cannot be drawn now: its question bank no longer holds enough questions "
        "in use. Tell whoever set the paper."
    )


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
        grading=Count("pk", filter=Q(score__isnull=True)),
        last=Max("number"),
    )
    last_number = tally["last"] or 0
    if tally["grading"]:
        # Submitted a moment ago and not graded yet: whether a retake is allowed (or
        # needed) is known in a few seconds.
        raise ExamError(
            _("Your last paper is still being graded. Try again in a moment."), "grading"
        )
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
    retrain = retrain_reason(session=session, candidate=candidate, now=now)
    if retrain:
        raise ExamError(retrain, "retrain")
    return StartCheck(candidate, used, allowed, last_number + 1)


def retrain_reason(*, session: ExamSession, candidate: Candidate, now: dt.datetime) -> str | None:
    """Why the candidate may not sit the session's item yet although they are on its list: a
    resit of the item failed elsewhere after they were put on it, and they have not retrained
    by the day of `now` (China time: the hours ledger is kept by local day), as the
    certificates app's "one resit, then retrain" says. No query for a candidate without such a
    failure (Candidate.resit_failed_on, set when it was graded).

    Once the rule finds the person retrained, the mark is lifted here: the hours reach the
    ledger by many doors (online study, classroom sessions, 三级 records, warning education),
    all below the app that owns the rule, while every door to the exam (the session page, the
    start) passes through this check. Lifted, the next start takes the one-statement quick
    path (exam_day.attempt_start_quick) again and the page stops showing the refusal."""
    if candidate.resit_failed_on is None or not session.certificate_type_code:
        return None
    problem = candidacy_problems(
        people=[candidate.person], session=session, on=timezone.localdate(now)
    ).get(candidate.person_id)
    if problem is None:
        candidate_lift_retrain_mark(candidate=candidate)
    return problem


def candidate_lift_retrain_mark(*, candidate: Candidate) -> None:
    """Forget the failed resit on this list (the person has retrained). Conditional on the
    mark read, so a newer failure marked meanwhile by a grading stays."""
    Candidate.objects.filter(pk=candidate.pk, resit_failed_on=candidate.resit_failed_on).update(
        resit_failed_on=None
    )
    candidate.resit_failed_on = None


def _deadline(session: ExamSession, candidate: Candidate, started: dt.datetime) -> dt.datetime:
    minutes = session.duration_over(session.rule)
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
        elif open_attempt.number != check.next_number:
            open_attempt.number = check.next_number
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


def attempt_take_over(*, actor: User, attempt: Attempt, client_id: str) -> Attempt:
    """Move an attempt to this client (a phone died, the examinee moved to a PC).

    Only the examinee whose paper it is may move it: taking an attempt over locks its
    tab out, so an administrator, a trainer or another examinee doing it would take the
    paper away from the person sitting the exam."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not actor.is_authenticated or actor.person_id != attempt.person_id:
            raise ExamError(_("Only the examinee can take over their own exam paper."), "not_own")
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
    try:
        attempt = attempt_draw(person=person, rule=rule, session=None, kind=Attempt.Kind.MOCK)
    except PoolTooSmall as exc:
        # A rule without a published session (a mock's, a contest's daily questions) is not
        # guarded when questions are taken out of use: say so rather than fail.
        raise ExamError(pool_short_message(), "pool_short") from exc
    attempt.status = Attempt.Status.IN_PROGRESS
    attempt.started_at = now
    attempt.deadline = now + dt.timedelta(minutes=rule.duration_minutes)
    attempt.save(update_fields=["status", "started_at", "deadline"])
    return attempt
