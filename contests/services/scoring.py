"""Standings, written in the transaction that grades an attempt.

The exam engine sends `attempt_finished` inside the transaction that grades an attempt (a
submit's, its queued grade's, or the lazy/periodic expiry's); its receiver
(contests/signals.py) calls `attempt_standing_record`, which upserts the person's
ContestRoundScore (their best attempt of the round: highest score, then least time) and
their ContestEntry (sum over rounds), or, for daily questions, the day's count and the
streak. Both rows are locked and rewritten in that one transaction, so a standing never
disagrees with the graded attempts and a submission is in the table the moment it is
graded; the leaderboards (contests/selectors.py) read only these rows, through a cache of
at most CONTESTS_LEADERBOARD_TTL seconds.
"""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Count, Sum
from django.utils import timezone

from contests.models import Contest, ContestEntry, ContestRound, ContestRoundScore, DailySet
from contests.services.scope import taking_part_as
from question_banks.models import Attempt, AttemptItem, ExamSession


def _seconds(attempt: Attempt) -> int:
    if attempt.started_at is None or attempt.finished_at is None:
        return 0
    return max(0, math.ceil((attempt.finished_at - attempt.started_at).total_seconds()))


def _entry_for(contest: Contest, person_id: int) -> ContestEntry | None:
    # By id: the person's row is not needed, and this runs in every contest paper's grade.
    entry = (
        ContestEntry.objects.select_for_update()
        .filter(contest=contest, person_id=person_id)
        .first()
    )
    if entry is not None:
        return entry
    employment = taking_part_as(contest, person_id)
    if employment is None:
        return None
    return ContestEntry(
        contest=contest,
        person_id=person_id,
        enterprise=employment.enterprise,
        department=employment.department,
        region=employment.enterprise.region,
    )


def round_score_record(*, attempt: Attempt) -> None:
    # The organiser's region with it: who takes part is read from it (taking_part_as).
    round = (
        ContestRound.objects.select_related("contest__organiser_region")
        .filter(session_id=attempt.session_id)
        .first()
    )
    if round is None or attempt.score is None:
        return
    seconds = _seconds(attempt)
    best = (
        ContestRoundScore.objects.select_for_update()
        .filter(round=round, person_id=attempt.person_id)
        .first()
    )
    if best is None:
        ContestRoundScore.objects.create(
            round=round,
            person_id=attempt.person_id,
            attempt=attempt,
            score=attempt.score,
            seconds=seconds,
        )
    elif (attempt.score, -seconds) > (best.score, -best.seconds):
        best.attempt, best.score, best.seconds = attempt, attempt.score, seconds
        best.save(update_fields=["attempt", "score", "seconds"])
    entry = _entry_for(round.contest, attempt.person_id)
    if entry is None:
        return
    totals = ContestRoundScore.objects.filter(
        round__contest=round.contest, person_id=attempt.person_id
    ).aggregate(score=Sum("score"), seconds=Sum("seconds"), rounds=Count("pk"))
    entry.score = totals["score"] or 0
    entry.seconds = totals["seconds"] or 0
    entry.rounds_taken = totals["rounds"]
    entry.save()


def daily_record(*, attempt: Attempt) -> None:
    daily = (
        DailySet.objects.select_for_update(of=("self",))
        .select_related("contest__organiser_region")  # locked alone: a nullable join
        .filter(attempt_id=attempt.pk)
        .first()
    )
    if daily is None or daily.correct is not None:
        return
    items = AttemptItem.objects.filter(attempt=attempt).values_list("score", "points")
    daily.correct = sum(1 for score, points in items if score is not None and score == points)
    daily.save(update_fields=["correct"])
    entry = _entry_for(daily.contest, attempt.person_id)
    if entry is None:
        return
    if entry.last_daily_on == daily.day - dt.timedelta(days=1):
        entry.streak += 1
    elif entry.last_daily_on != daily.day:
        entry.streak = 1
    entry.last_daily_on = daily.day
    entry.daily_days += 1
    entry.daily_correct += daily.correct
    entry.save()


def current_streak(entry: ContestEntry, today: dt.date | None = None) -> int:
    """The streak as of today: broken once a whole day has passed without answering."""
    today = today or timezone.localdate()
    if entry.last_daily_on is None or entry.last_daily_on < today - dt.timedelta(days=1):
        return 0
    return entry.streak


def attempt_standing_record(*, attempt: Attempt) -> None:
    """The standing a graded attempt changes, if any: a contest round's score, or a daily
    questions' day (a mock attempt of the person's daily set); any other attempt, none."""
    session = attempt.session if attempt.session_id else None
    if session is not None:
        if session.purpose == ExamSession.Purpose.CONTEST:
            round_score_record(attempt=attempt)
    elif attempt.kind == Attempt.Kind.MOCK:
        daily_record(attempt=attempt)
