"""The regulator's view of knowledge contests: for each contest reaching enterprises in the
user's scope, who may take part, who took part and the participation rate, and a contest's
figures by enterprise. Read-only over the contests app; the scope is the roster's
(enterprise_list: a regulator's region subtree and industries, an admin's enterprise), and
definitions come from reports/definitions.py."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.selectors import leaderboard, participation_summary
from contests.services.scope import eligible_enterprises
from roster.selectors import enterprise_list

from .definitions import CONTEST_COUNTS, CONTEST_RATES, CONTEST_SCORE_DEFINITION
from .views import _reports_user


def contests_in_scope(user) -> tuple[list[tuple[Contest, dict]], list[int]]:
    scope = enterprise_list(user=user)
    scope_ids = list(scope.values_list("pk", flat=True))
    rows = []
    contests = Contest.objects.select_related("organiser_region", "organiser_enterprise")
    # Contests are few (a county runs a handful a year): each is checked against the scope.
    for contest in contests.order_by("-created_at"):
        reach = eligible_enterprises(contest).filter(pk__in=scope_ids)
        if reach.exists():
            rows.append((contest, participation_summary(contest=contest, enterprises=reach)))
    return rows, scope_ids


@_reports_user
def contest_figures(request):
    rows, scope_ids = contests_in_scope(request.user)
    chosen = None
    by_enterprise = []
    if request.GET.get("contest"):
        pk = request.GET["contest"]
        chosen = next((c for c, _s in rows if str(c.pk) == pk), None)
        if chosen is None:
            raise Http404(_("No such contest in your scope."))
        by_enterprise = leaderboard(
            contest=chosen,
            board="enterprise",
            order=request.GET.get("order", "rate"),
            limit=500,
            enterprise_ids=tuple(scope_ids),
        )
    return render(
        request,
        "reports/contests.html",
        {
            "rows": rows,
            "chosen": chosen,
            "by_enterprise": by_enterprise,
            "definitions": [*CONTEST_COUNTS, *CONTEST_RATES],
            "score_definition": CONTEST_SCORE_DEFINITION,
        },
    )
