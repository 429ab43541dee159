"""The contestant's pages: my contests, one contest (rounds, daily questions, my rank).
Taking a round is the exam engine's own session and exam pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests.models import Contest, ContestRound, DailySet
from contests.selectors import contest_rounds, leaderboard, person_rank
from contests.services.playing import ContestError, contest_round_join, daily_start, finalists
from contests.services.scope import contests_for_person, taking_part_as
from contests.services.scoring import current_streak
from question_banks.models import Attempt
from question_banks.services.attempts import ExamError


def _person(request):
    if not request.user.person_id:
        raise Http404(_("Contests are taken by people on a roster."))
    return request.user.person


def _own_contest(request, pk: int) -> Contest:
    person = _person(request)
    contest = Contest.objects.filter(pk=pk).select_related("daily_rule").first()
    if contest is None or taking_part_as(contest, person) is None:
        raise Http404(_("No such contest open to you."))
    return contest


@login_required
def my_contests(request):
    person = _person(request)
    return render(
        request,
        "contests/mine.html",
        {"contests": contests_for_person(person), "now": timezone.now()},
    )


@login_required
def play(request, pk: int):
    contest = _own_contest(request, pk)
    person = request.user.person
    now = timezone.now()
    rounds = contest_rounds(contest)
    mine_all = list(
        Attempt.objects.filter(person=person, session__contest_round__contest=contest)
        .exclude(status=Attempt.Status.READY)
        .order_by("score", "-finished_at")
    )
    # The best finished attempt of each round (the ordering puts it last).
    mine = {a.session_id: a for a in mine_all if a.score is not None}
    used: dict[int, int] = {}
    writing = set()
    for a in mine_all:
        if a.status == Attempt.Status.IN_PROGRESS:
            writing.add(a.session_id)
        else:
            used[a.session_id] = used.get(a.session_id, 0) + 1
    for r in rounds:
        r.my_attempt = mine.get(r.session_id)
        r.attempts_left = r.session.attempts_allowed - used.get(r.session_id, 0)
        r.in_progress = r.session_id in writing
        r.is_open = r.session.opens_at <= now < r.session.closes_at
        r.may_enter = r.kind != ContestRound.Kind.FINAL or person.pk in finalists(r)
    entry, rank = person_rank(contest=contest, person_id=person.pk)
    today = (
        DailySet.objects.filter(contest=contest, person=person, day=timezone.localdate(now))
        .select_related("attempt")
        .first()
    )
    return render(
        request,
        "contests/play.html",
        {
            "contest": contest,
            "rounds": rounds,
            "entry": entry,
            "rank": rank,
            "streak": current_streak(entry) if entry else 0,
            "today": today,
            "top": leaderboard(contest=contest, board="person", limit=10),
            "now": now,
        },
    )


@login_required
@require_POST
def join(request, pk: int, round_pk: int):
    contest = _own_contest(request, pk)
    round = (
        ContestRound.objects.select_related("session", "contest")
        .filter(pk=round_pk, contest=contest)
        .first()
    )
    if round is None:
        raise Http404(_("No such round of this contest."))
    try:
        contest_round_join(person=request.user.person, round=round)
    except ContestError as exc:
        messages.error(request, exc.message)
        return redirect("contests:play", pk=contest.pk)
    return redirect("question_banks:session", code=round.session.code)


@login_required
@require_POST
def daily(request, pk: int):
    contest = _own_contest(request, pk)
    try:
        attempt = daily_start(person=request.user.person, contest=contest)
    except ExamError as exc:  # a ContestError, or the engine's closed answer keys
        messages.error(request, exc.message)
        return redirect("contests:play", pk=contest.pk)
    return redirect("question_banks:attempt", pk=attempt.pk)
