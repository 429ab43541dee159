"""Reads of contests: leaderboards, a person's rank, winners, the regulator's figures.

Leaderboards read only ContestEntry (one row per person and contest, written in the
transaction that graded the attempt: contests/services/scoring.py), and each board is kept
in the cache (local memory, or Redis when REDIS_URL is set) for CONTESTS_LEADERBOARD_TTL
seconds (default 1). So a submission shows on a board at most that long after it commits,
and a thousand phones refreshing the board during a round cost one query a second per
board, not one each. The denominators of participation rates (who may take part, per
group) change only with the roster and are cached for CONTESTS_ELIGIBLE_TTL seconds
(default 60). Measured with bench/bench_contest.py.

Boards:
- person: best total score (the sum of each round's best attempt), ties broken by the time
  those attempts took (less first), then by who got there first;
- department, enterprise, region: participants (people with a standing), who may take part,
  participation rate (参与率 = participants / may take part), average and best score; ordered
  by average score (ties: less average time) or by participation rate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from contests.models import Contest, ContestEntry, ContestRound, ContestRoundScore, DailySet
from contests.services.scope import eligible_employments
from roster.models import Department, Enterprise, Region

if TYPE_CHECKING:
    from question_banks.models import Attempt

BOARDS = ("person", "department", "enterprise", "region")
ORDERS = ("score", "rate")


def _ttl() -> float:
    return settings.CONTESTS_LEADERBOARD_TTL


def _eligible_ttl() -> float:
    return settings.CONTESTS_ELIGIBLE_TTL


@dataclass(frozen=True)
class PersonRow:
    rank: int
    person_id: int
    name: str
    enterprise: str
    department: str
    score: Decimal
    seconds: int
    rounds: int

    @property
    def minutes_part(self) -> int:
        return self.seconds // 60

    @property
    def seconds_part(self) -> int:
        return self.seconds % 60


@dataclass(frozen=True)
class GroupRow:
    rank: int
    key: int
    name: str
    participants: int
    eligible: int
    rate: float | None
    average: Decimal | None
    best: Decimal | None


_GROUP_FIELDS = {
    # board: (ContestEntry field, its name, Employment field counting who may take part)
    "department": ("department_id", "department__name", "department_id"),
    "enterprise": ("enterprise_id", "enterprise__name", "enterprise_id"),
    "region": ("region_id", "region__name", "enterprise__region_id"),
}


_GROUP_MODELS: dict[str, type[Department] | type[Enterprise] | type[Region]] = {
    "department": Department,
    "enterprise": Enterprise,
    "region": Region,
}


def _group_in(board: str, key: int, enterprise_ids: tuple[int, ...]) -> bool:
    """Whether a department or region without participants has enterprises in the scope."""
    if board == "department":
        return Department.objects.filter(pk=key, enterprise_id__in=enterprise_ids).exists()
    return Enterprise.objects.filter(region_id=key, pk__in=enterprise_ids).exists()


def _ranked_entries(contest: Contest) -> QuerySet[ContestEntry]:
    return ContestEntry.objects.filter(contest=contest, rounds_taken__gt=0).order_by(
        "-score", "seconds", "updated_at", "pk"
    )


def _person_board(
    contest: Contest, limit: int, enterprise_ids: tuple[int, ...] | None = None
) -> list[PersonRow]:
    entries = _ranked_entries(contest)
    if enterprise_ids is not None:
        entries = entries.filter(enterprise_id__in=enterprise_ids)
    rows = entries.values_list(
        "person_id",
        "person__name",
        "enterprise__name",
        "department__name",
        "score",
        "seconds",
        "rounds_taken",
    )[:limit]
    return [
        PersonRow(n, pid, name, ent, dept or "", score, seconds, rounds)
        for n, (pid, name, ent, dept, score, seconds, rounds) in enumerate(rows, start=1)
    ]


def eligible_counts(contest: Contest, board: str) -> dict[int | None, int]:
    """Who may take part, per group (cached: it changes only with the roster)."""
    key = f"contests:{contest.pk}:eligible:{board}"
    found = cache.get(key)
    if found is None:
        field = _GROUP_FIELDS[board][2]
        found = dict(
            eligible_employments(contest)
            .values_list(field)
            .annotate(n=Count("person_id", distinct=True))
        )
        cache.set(key, found, _eligible_ttl())
    return found


def _group_board(
    contest: Contest, board: str, order: str, enterprise_ids: tuple[int, ...] | None = None
) -> list[GroupRow]:
    field, name_field, _employment_field = _GROUP_FIELDS[board]
    entries = ContestEntry.objects.filter(contest=contest)
    if enterprise_ids is not None:
        entries = entries.filter(enterprise_id__in=enterprise_ids)
    stats = entries.values(field, name_field).annotate(
        participants=Count("pk"),
        average=Avg("score", filter=Q(rounds_taken__gt=0)),
        best=Max("score", filter=Q(rounds_taken__gt=0)),
        time=Avg("seconds", filter=Q(rounds_taken__gt=0)),
    )
    eligible = eligible_counts(contest, board)
    rows = []
    for s in stats:
        key = s[field]
        may = eligible.get(key, 0)
        rate = round(s["participants"] / may, 4) if may else None
        average = None if s["average"] is None else Decimal(s["average"]).quantize(Decimal("0.01"))
        rows.append(
            (
                key,
                s[name_field] or "—",
                s["participants"],
                may,
                rate,
                average,
                s["best"],
                s["time"] or 0,
            )
        )
    # Groups that may take part but nobody of which has: they belong on a participation
    # board most of all (0 %).
    seen = {r[0] for r in rows}
    idle = [k for k, n in eligible.items() if k not in seen and k is not None and n]
    if enterprise_ids is not None and board == "enterprise":
        idle = [k for k in idle if k in set(enterprise_ids)]
    if idle:
        names = dict(_GROUP_MODELS[board].objects.filter(pk__in=idle).values_list("pk", "name"))
        if enterprise_ids is not None and board != "enterprise":
            names = {k: v for k, v in names.items() if _group_in(board, k, enterprise_ids)}
        rows += [(k, names[k], 0, eligible[k], 0.0, None, None, 0) for k in idle if k in names]
    if order == "rate":
        rows.sort(key=lambda r: (-(r[4] or 0), -r[2], r[1]))
    else:
        rows.sort(key=lambda r: (-(r[5] or 0), r[7], r[1]))
    return [GroupRow(n, *r[:7]) for n, r in enumerate(rows, start=1)]


def leaderboard(
    *,
    contest: Contest,
    board: str = "person",
    order: str = "score",
    limit: int = 50,
    enterprise_ids: tuple[int, ...] | None = None,
) -> list[PersonRow] | list[GroupRow]:
    """A board of the contest, at most CONTESTS_LEADERBOARD_TTL seconds old.
    ``enterprise_ids``: only these enterprises (a regulator's or an admin's part of it)."""
    board = board if board in BOARDS else "person"
    order = order if order in ORDERS else "score"
    scope = "all" if enterprise_ids is None else ",".join(map(str, sorted(enterprise_ids)))
    digest = hashlib.sha1(scope.encode()).hexdigest()[:16]
    key = f"contests:{contest.pk}:board:{board}:{order}:{limit}:{digest}"
    rows = cache.get(key)
    if rows is None:
        if board == "person":
            rows = _person_board(contest, limit, enterprise_ids)
        else:
            rows = _group_board(contest, board, order, enterprise_ids)[:limit]
        cache.set(key, rows, _ttl())
    return rows


def person_rank(*, contest: Contest, person_id: int) -> tuple[ContestEntry | None, int | None]:
    """The person's standing and rank (1 = best), read fresh (two indexed reads)."""
    entry = (
        ContestEntry.objects.filter(contest=contest, person_id=person_id)
        .select_related("enterprise")
        .first()
    )
    if entry is None or not entry.rounds_taken:
        return entry, None
    ahead = (
        ContestEntry.objects.filter(contest=contest, rounds_taken__gt=0)
        .filter(Q(score__gt=entry.score) | Q(score=entry.score, seconds__lt=entry.seconds))
        .count()
    )
    return entry, ahead + 1


def winners(*, contest: Contest) -> list[PersonRow]:
    """The contest's winners: the best `winners_count` people, read fresh."""
    return _person_board(contest, contest.winners_count)


def contest_rounds(contest: Contest) -> list[ContestRound]:
    return list(
        ContestRound.objects.filter(contest=contest)
        .select_related("session__rule__bank")
        .annotate(
            taken=Count("scores", distinct=True),
        )
        .order_by("session__opens_at")
    )


def participation_summary(
    *, contest: Contest, enterprises: QuerySet[Enterprise] | None = None
) -> dict:
    """Who may take part, who took part and the rate, over the contest or some enterprises."""
    eligible = eligible_employments(contest)
    entries = ContestEntry.objects.filter(contest=contest)
    if enterprises is not None:
        eligible = eligible.filter(enterprise__in=enterprises)
        entries = entries.filter(enterprise__in=enterprises)
    may = eligible.values("person_id").distinct().count()
    took = entries.count()
    average = entries.filter(rounds_taken__gt=0).aggregate(a=Avg("score"))["a"]
    return {
        "eligible": may,
        "participants": took,
        "rate": round(took / may, 4) if may else None,
        "average": None if average is None else Decimal(average).quantize(Decimal("0.01")),
    }


@dataclass(frozen=True)
class NextRound:
    """The round a contestant goes on to from a result: the first later round not yet
    closed (rounds of a contest never overlap, so it is the one open now, if any)."""

    pk: int
    title: str
    number: int
    opens_at: dt.datetime
    is_open: bool
    url: str


@dataclass(frozen=True)
class AttemptStanding:
    """Where a contest attempt stands, shown to its contestant instead of passed / not
    passed: a contest has no pass mark, it ranks. `rank` of `ranked` in the round (the
    person's best attempt of it), or, for daily questions, the day's right answers.

    A round's result names the round (第N轮 and its title) and leads on to the next round
    and back to all the contest's rounds; the daily questions' names the contest."""

    contest_id: int
    title: str
    contest_name: str = ""
    rank: int | None = None
    ranked: int = 0
    best: Decimal | None = None
    correct: int | None = None
    total: int = 0
    round_number: int | None = None
    round_count: int = 0
    next_round: NextRound | None = None

    @property
    def url(self) -> str:
        return reverse("contests:play", args=[self.contest_id])


def _next_round(
    rounds: list[ContestRound], current: ContestRound, now: dt.datetime
) -> NextRound | None:
    at = rounds.index(current)
    for number, r in enumerate(rounds[at + 1 :], start=at + 2):
        if r.session.closes_at > now:
            opens_at = r.session.opens_at
            url = reverse("contests:play", args=[r.contest_id]) + f"#round-{r.pk}"
            return NextRound(r.pk, r.title, number, opens_at, opens_at <= now, url)
    return None


def attempt_standing(*, attempt: Attempt, now: dt.datetime | None = None) -> AttemptStanding | None:
    """The standing of a contest round's or daily questions' attempt; None for any other."""
    if attempt.session_id is None:
        daily = DailySet.objects.filter(attempt_id=attempt.pk).select_related("contest").first()
        if daily is None:
            return None
        return AttemptStanding(
            contest_id=daily.contest_id,
            title=daily.contest.name,
            contest_name=daily.contest.name,
            correct=daily.correct,
            total=daily.total,
        )
    round = ContestRound.objects.filter(session_id=attempt.session_id).first()
    if round is None:
        return None
    rounds = list(
        ContestRound.objects.filter(contest_id=round.contest_id)
        .select_related("session", "contest")
        .order_by("session__opens_at", "pk")
    )
    current = next(r for r in rounds if r.pk == round.pk)
    scores = ContestRoundScore.objects.filter(round=round)
    mine = scores.filter(person_id=attempt.person_id).first()
    rank = None
    if mine is not None:
        rank = (
            1
            + scores.filter(
                Q(score__gt=mine.score) | Q(score=mine.score, seconds__lt=mine.seconds)
            ).count()
        )
    return AttemptStanding(
        contest_id=round.contest_id,
        title=round.title,
        contest_name=current.contest.name,
        rank=rank,
        ranked=scores.count(),
        best=mine.score if mine else None,
        round_number=rounds.index(current) + 1,
        round_count=len(rounds),
        next_round=_next_round(rounds, current, now or timezone.now()),
    )
