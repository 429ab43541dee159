"""The regulator's view of knowledge contests: for each contest reaching enterprises in the
user's scope, who may take part, who took part and the participation rate, and a contest's
figures by enterprise. Read-only over the contests app; the scope is the roster's
(enterprise_list: a regulator's region subtree and industries, an admin's enterprise), and
definitions come from reports/definitions.py."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from contests.models import Contest, ContestEntry
from contests.services.scope import enterprise_reached
from roster.models import Employment
from roster.selectors import enterprise_list


def contests_in_scope(user) -> tuple[list[tuple[Contest, dict]], list[int]]:
    """Each contest reaching enterprises of the user's scope, with participation_summary's
    figures over those enterprises, in a fixed number of queries however many contests and
    enterprises there are: the contests' limits are prefetched and checked in Python
    (contests.services.scope.employment_eligible, eligible_employments' rule), the people
    who may take part read once, the standings counted once per contest and enterprise."""
    scope = enterprise_list(user=user)
    enterprises = {e.pk: e for e in scope.select_related("region").order_by()}
    scope_ids = list(enterprises)
    contests = list(
        Contest.objects.select_related("organiser_region", "organiser_enterprise")
        .prefetch_related("regions", "industries", "enterprises")
        .order_by("-created_at")
    )
    # Who works where now, in the scope: (enterprise, category) -> people.
    people: dict[tuple[int, str], set[int]] = defaultdict(set)
    for enterprise_id, category, person_id in (
        Employment.objects.current()
        .filter(enterprise_id__in=scope_ids)
        .values_list("enterprise_id", "category", "person_id")
    ):
        people[(enterprise_id, category)].add(person_id)
    standings: dict[tuple[int, int], dict] = {}
    for row in (
        ContestEntry.objects.filter(enterprise_id__in=scope_ids)
        .values("contest_id", "enterprise_id")
        .annotate(
            took=Count("pk"),
            ranked=Count("pk", filter=Q(rounds_taken__gt=0)),
            total=Sum("score", filter=Q(rounds_taken__gt=0)),
        )
    ):
        standings[(row["contest_id"], row["enterprise_id"])] = row
    rows = []
    for contest in contests:
        reach = {pk for pk, e in enterprises.items() if enterprise_reached(contest, e)}
        if not reach:
            continue
        may: set[int] = set()
        for (enterprise_id, category), ids in people.items():
            if enterprise_id in reach and (
                not contest.categories or category in contest.categories
            ):
                may |= ids
        parts = [standings[(contest.pk, pk)] for pk in reach if (contest.pk, pk) in standings]
        took = sum(p["took"] for p in parts)
        ranked = sum(p["ranked"] for p in parts)
        total = sum((p["total"] or Decimal(0) for p in parts), Decimal(0))
        rows.append(
            (
                contest,
                {
                    "eligible": len(may),
                    "participants": took,
                    "rate": round(took / len(may), 4) if may else None,
                    "average": (total / ranked).quantize(Decimal("0.01")) if ranked else None,
                },
            )
        )
    return rows, scope_ids
