"""Contests as JSON, scoped like their pages: /api/contests (the organiser's contests, or the
contests open to a contestant), /api/contests/{id}/rounds, /api/contests/{id}/leaderboard.

An organiser (contests.services.scope.contest_get_managed) reads every board of their
contest; a contestant reads the rounds of a contest open to them and its people board's top
ten, as the contest page shows them; anyone else gets 404 by id, as on the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from contests.models import Contest
from contests.selectors import BOARDS, ORDERS, PersonRow, contest_rounds, leaderboard
from contests.services.scope import (
    contest_get_managed,
    contests_for_person,
    managed_contests,
    may_organise,
    taking_part_as,
)

router = Router(tags=["contests"])

CONTESTANT_TOP = 10  # the contest page's top ten


class Refusal(Schema):
    detail: str


class ContestOut(Schema):
    id: int
    name: str
    organiser: str
    created_at: dt.datetime


class RoundOut(Schema):
    id: int
    title: str
    kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    duration_minutes: int
    attempts_allowed: int
    final_top_n: int
    took_part: int


class BoardQuery(Schema):
    by: str = "person"
    order: str = "score"


class BoardRowOut(Schema):
    rank: int
    name: str
    # people
    enterprise: str | None = None
    department: str | None = None
    score: Decimal | None = None
    seconds: int | None = None
    rounds: int | None = None
    # groups
    participants: int | None = None
    eligible: int | None = None
    rate: float | None = None
    average: Decimal | None = None
    best: Decimal | None = None


class BoardOut(Schema):
    contest: int
    by: str
    order: str
    rows: list[BoardRowOut]


def _contest_out(contest: Contest) -> dict:
    return {
        "id": contest.pk,
        "name": contest.name,
        "organiser": contest.organiser_label,
        "created_at": contest.created_at,
    }


def _readable(request: HttpRequest, pk: int) -> tuple[Contest, bool] | None:
    """(the contest, whether the user organises it), or None: not theirs to read."""
    if may_organise(request.user):
        try:
            return contest_get_managed(actor=request.user, pk=pk), True
        except Contest.DoesNotExist:
            pass
    person = request.user.person if request.user.person_id else None
    contest = Contest.objects.filter(pk=pk).select_related("organiser_region").first()
    if person is not None and contest is not None and taking_part_as(contest, person):
        return contest, False
    return None


def _not_found():
    return Status(404, {"detail": _("No such contest open to you.")})


@router.get("/contests", response={200: list[ContestOut], 403: Refusal}, url_name="contests")
def contests(request: HttpRequest):
    """The contests the user organises, or (a contestant) the contests open to them."""
    if may_organise(request.user):
        found = list(managed_contests(request.user).order_by("-created_at"))
    elif request.user.person_id:
        found = contests_for_person(request.user.person)
    else:
        return Status(403, {"detail": _("Contests are for organisers and people on a roster.")})
    return [_contest_out(c) for c in found]


@router.get(
    "/contests/{int:contest_id}/rounds",
    response={200: list[RoundOut], 404: Refusal},
    url_name="contest_rounds",
)
def rounds(request: HttpRequest, contest_id: int):
    readable = _readable(request, contest_id)
    if readable is None:
        return _not_found()
    return [
        {
            "id": r.pk,
            "title": r.title,
            "kind": r.kind,
            "opens_at": r.session.opens_at,
            "closes_at": r.session.closes_at,
            "duration_minutes": r.session.duration_minutes,
            "attempts_allowed": r.session.attempts_allowed,
            "final_top_n": r.final_top_n,
            "took_part": r.taken,
        }
        for r in contest_rounds(readable[0])
    ]


@router.get(
    "/contests/{int:contest_id}/leaderboard",
    response={200: BoardOut, 400: Refusal, 404: Refusal},
    url_name="contest_leaderboard",
)
def board(request: HttpRequest, contest_id: int, q: Query[BoardQuery]):
    """A leaderboard (by person, department, enterprise or region; by score or by
    participation rate), at most CONTESTS_LEADERBOARD_TTL seconds old. A contestant reads
    the people board's top ten only."""
    readable = _readable(request, contest_id)
    if readable is None:
        return _not_found()
    contest, organiser = readable
    if q.by not in BOARDS or q.order not in ORDERS:
        return Status(400, {"detail": _("Choose a board and an order from the list.")})
    if not organiser and q.by != "person":
        return Status(404, {"detail": _("Only the organiser sees the group boards.")})
    limit = 100 if organiser else CONTESTANT_TOP
    rows = leaderboard(contest=contest, board=q.by, order=q.order, limit=limit)
    out = []
    for r in rows:
        if isinstance(r, PersonRow):
            out.append(
                {
                    "rank": r.rank,
                    "name": r.name,
                    "enterprise": r.enterprise,
                    "department": r.department,
                    "score": r.score,
                    "seconds": r.seconds,
                    "rounds": r.rounds,
                }
            )
        else:
            out.append(
                {
                    "rank": r.rank,
                    "name": r.name,
                    "participants": r.participants,
                    "eligible": r.eligible,
                    "rate": r.rate,
                    "average": r.average,
                    "best": r.best,
                }
            )
    return {"contest": contest.pk, "by": q.by, "order": q.order, "rows": out}
