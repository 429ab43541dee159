"""A contestant's writes: entering a round, starting the day's daily questions.

Entering a round puts the person on the round's exam session list (a Candidate), after
checking here what the engine does not know: that the person may take part in this contest,
and for a final that they are among the best N of the earlier rounds. Starting, answering,
one active device, the deadline and submitting are then the exam engine's own pages and
services (question_banks.services.attempts), unchanged.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, ContestRound, ContestRoundScore, DailySet
from contests.services.scope import taking_part_as
from question_banks.drawing import PoolTooSmall
from question_banks.models import Attempt, Candidate
from question_banks.services.attempts import ExamError, attempt_draw, mock_start
from question_banks.services.paper_slots import paper_slots_warm
from roster.models import Person


class ContestError(ExamError):
    """A refusal with a message for the contestant."""


def _pool_short() -> str:
    # Questions taken out of use after the paper was set (a round's rule is guarded by the
    # engine while its session is open; the daily questions' rule has no session).
    return _(
        "This contest's paper cannot be drawn now: its question bank no longer holds enough "
        "questions in use. Tell the contest's organiser."
    )


def finalists(round: ContestRound) -> list[int]:
    """The people who may enter a final: the best N by their total over the earlier timed
    rounds (score, then time taken)."""
    earlier = ContestRound.objects.filter(
        contest_id=round.contest_id,
        kind=ContestRound.Kind.TIMED,
        session__closes_at__lte=round.session.opens_at,
    )
    totals: dict[int, list] = {}
    for person_id, score, seconds in ContestRoundScore.objects.filter(
        round__in=earlier
    ).values_list("person_id", "score", "seconds"):
        entry = totals.setdefault(person_id, [0, 0])
        entry[0] += score
        entry[1] += seconds
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))
    return [person_id for person_id, _total in ranked[: round.final_top_n]]


def contest_round_join(
    *, person: Person, round: ContestRound, now: dt.datetime | None = None
) -> Candidate:
    """Put the person on the round's list, if they may take part now."""
    now = now or timezone.now()
    session = round.session
    if taking_part_as(round.contest, person) is None:
        raise ContestError(
            _("You are not among the people this contest is open to."), "not_eligible"
        )
    if now < session.opens_at:
        raise ContestError(_("This round has not opened yet."), "not_open")
    if now >= session.closes_at:
        raise ContestError(_("This round has closed."), "closed")
    if round.kind == ContestRound.Kind.FINAL and person.pk not in finalists(round):
        raise ContestError(
            _("The final is open only to the best %(n)d of the earlier rounds.")
            % {"n": round.final_top_n},
            "not_finalist",
        )
    # All or nothing: a paper that cannot be drawn leaves the person off the list.
    with transaction.atomic():
        candidate, _created = Candidate.objects.get_or_create(session=session, person=person)
        _draw_ahead(round, person)
    return candidate


def _draw_ahead(round: ContestRound, person: Person) -> None:
    """The person's first paper of the round, drawn as they enter it, as an exam's papers are
    drawn at publishing (the engine's session_predraw, for one candidate): the start the
    session page then sends is the exam day's one statement
    (question_banks/services/exam_day.attempt_start_quick) and the first answer saves read
    no paper (its slots cached). A second attempt is drawn when it starts, as in exams."""
    session = round.session
    if Attempt.objects.filter(session=session, person=person).exists():
        return
    try:
        attempt = attempt_draw(
            person=person, rule=session.rule, session=session, kind=Attempt.Kind.OFFICIAL
        )
    except IntegrityError:
        return  # drawn at this moment by another tab entering or starting
    except PoolTooSmall as exc:
        raise ContestError(_pool_short(), "pool_short") from exc
    paper_slots_warm([attempt.pk], until=session.closes_at)


def daily_start(*, person: Person, contest: Contest, now: dt.datetime | None = None) -> Attempt:
    """Today's daily questions: a short paper drawn from the contest's daily rule, answered
    on the exam page. One set a day; the same set again while it is open."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if contest.daily_rule_id is None:
        raise ContestError(_("This contest has no daily questions."), "no_daily")
    contest = Contest.objects.select_related("daily_rule").get(pk=contest.pk)
    rule = contest.daily_rule
    assert rule is not None  # daily_rule_id checked above
    if taking_part_as(contest, person) is None:
        raise ContestError(
            _("You are not among the people this contest is open to."), "not_eligible"
        )
    if (contest.daily_starts_on and today < contest.daily_starts_on) or (
        contest.daily_ends_on and today > contest.daily_ends_on
    ):
        raise ContestError(_("Daily questions are not open today."), "not_open")
    # Daily answers show their keys: none while a round drawing on the same bank is held.
    held = (
        ContestRound.objects.select_related("session")
        .filter(
            contest=contest,
            session__rule__bank_id=rule.bank_id,
            session__opens_at__lte=now,
            session__closes_at__gt=now,
        )
        .first()
    )
    if held is not None:
        raise ContestError(
            _(
                "Daily questions pause while the round “%(name)s” is held (until %(time)s): "
                "they show their answers."
            )
            % {
                "name": held.title,
                "time": timezone.localtime(held.session.closes_at).strftime("%H:%M"),
            },
            "round_held",
        )
    existing = (
        DailySet.objects.filter(contest=contest, person=person, day=today)
        .select_related("attempt")
        .first()
    )
    if existing is not None:
        if existing.attempt.status == Attempt.Status.IN_PROGRESS:
            return existing.attempt
        raise ContestError(
            _("You have answered today's questions. Come back tomorrow to keep your streak."),
            "done_today",
        )
    try:
        with transaction.atomic():
            # The engine's mock exam: drawn per person, timed, never an official result;
            # refused while the person sits an exam on the same bank (answer keys).
            attempt = mock_start(person=person, rule=rule, now=now)
            DailySet.objects.create(
                contest=contest,
                person=person,
                day=today,
                attempt=attempt,
                total=attempt.items.count(),
            )
    except IntegrityError as exc:
        raise ContestError(
            _("Today's questions are being opened on another page. Wait a moment and reload."),
            "start_conflict",
        ) from exc
    except ExamError as exc:
        if exc.code != "pool_short":
            raise
        raise ContestError(_pool_short(), "pool_short") from exc
    return attempt
