"""Which roll-ups read the maintained figures (reports/maintained.py) and which the live query.

Maintained (sums over stored rows, no correlated subqueries):
- today's totals and tables by region, industry or enterprise, with no category filter:
  a GROUP BY over EnterpriseFigures (one row per enterprise), joined to the enterprise for
  its region path and industry;
- today's tables by category, and any of today's figures filtered to one category (except
  by employment form): a GROUP BY over EnterpriseCategoryFigures (one row per enterprise
  and category present in it), joined to the enterprise the same way;
- today's tables by employment form: a GROUP BY over EmploymentFigures (one row per
  employment, flags stored), filtered to the category when one is asked for.

Live (reports.figures, the correlated subqueries over the raw tables):
- any other date (history, the trend's month-ends not yet snapshotted);
- today when the maintained figures are not fresh: never built, not yet moved on to today
  (between midnight and the daily task), or a queued change older than
  REPORTS_MAX_STALE_SECONDS (0 outside production: any queued change) not yet drained;
- the people list of an enterprise (it shows each person's flags, read from the same query).

Both give the same numbers (tests/reports/test_maintained.py holds them equal); the source
only changes how long the answer takes.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connections
from django.db.models import Aggregate, Count, F, Min, Q, QuerySet, Sum, Value
from django.utils import timezone

from roster.models import Enterprise, Region

from . import figures
from .models import (
    EmploymentFigures,
    EnterpriseCategoryFigures,
    EnterpriseFigures,
    FiguresQueue,
    MaintainedFiguresState,
)

# Grouped by employment form: a row per employment (the sums are kept by category only).
EMPLOYMENT_GROUPINGS = ("form",)
# Grouped by category, or filtered to one: the per-enterprise-and-category sums.
CATEGORY_GROUPINGS = ("category",)
# Hired this year or before depends on the hire date, which the maintained rows do not keep.
LIVE_GROUPINGS = ("hired",)


def maintained_fresh(today: dt.date | None = None) -> bool:
    """The maintained figures are today's, with nothing queued (or only within the
    staleness production allows)."""
    today = today or timezone.localdate()
    as_of = MaintainedFiguresState.objects.filter(pk=1).values_list("as_of", flat=True).first()
    if as_of != today:
        return False
    oldest = FiguresQueue.objects.aggregate(oldest=Min("queued_at"))["oldest"]
    if oldest is None:
        return True
    max_stale = settings.REPORTS_MAX_STALE_SECONDS
    return (timezone.now() - oldest).total_seconds() < max_stale


def maintained_answers(*, on: dt.date) -> bool:
    return on == timezone.localdate() and maintained_fresh(on)


def _through_enterprise(q: Q) -> Q:
    """A condition on Enterprise's fields as one on a row's enterprise (enterprise__...)."""
    children: list = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_through_enterprise(child))
        else:
            lookup, value = child  # type: ignore[misc]  # a Q's leaves are (lookup, value)
            children.append((f"enterprise__{lookup}", value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def grouped(
    *,
    category: str,
    by: str | None,
    parent: Region | None,
    scope: Q | None = None,
    enterprises: QuerySet[Enterprise] | None = None,
) -> dict[str, dict[str, int]]:
    """figures.grouped's answer for today from the maintained figures, over the enterprises
    matching `scope` (a condition on Enterprise, reports.selectors.scope_q) or in
    `enterprises`. The scope is applied through the join the group key makes anyway, one
    semi-join fewer over 50,000 enterprises."""
    qs: QuerySet
    rows: QuerySet
    people: Aggregate
    if by in EMPLOYMENT_GROUPINGS:
        qs = EmploymentFigures.objects.all()
        if category:
            qs = EmploymentFigures.objects.filter(category=category)
        people = Count("pk")
    elif category or by in CATEGORY_GROUPINGS:
        qs = EnterpriseCategoryFigures.objects.all()
        if category:
            qs = EnterpriseCategoryFigures.objects.filter(category=category)
        people = Sum("people")
    else:
        qs = EnterpriseFigures.objects.all()
        people = Sum("people")
    if scope is not None:
        qs = qs.filter(_through_enterprise(scope))
    if enterprises is not None:
        qs = qs.filter(enterprise__in=enterprises)
    key = figures.GROUP_KEYS[by](parent, timezone.localdate()) if by else Value("")
    if by == "enterprise" and qs.model is not EmploymentFigures:
        # One stored row per enterprise (and category): the rows themselves, no GROUP BY
        # (hashing 50,000 USCCs to sum one row each, the province's table by enterprise).
        rows = qs.order_by().annotate(group_key=key, n=F("people"))
        rows = rows.annotate(**{f"s_{flag}": F(flag) for flag in figures.FLAGS})
    else:
        rows = (
            qs.order_by()
            .annotate(group_key=key)
            .values("group_key")
            .annotate(n=people, **{f"s_{flag}": Sum(flag) for flag in figures.FLAGS})
        )
    # Run through a cursor: the ORM's value converters cost more than the sums at 50,000
    # enterprise rows (the province's table by enterprise), and the sums are integers.
    sql, params = rows.values_list(
        "group_key", "n", *(f"s_{flag}" for flag in figures.FLAGS)
    ).query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    result: dict[str, dict[str, int]] = {}
    for key_value, n, *sums in found:
        if not n:
            continue  # enterprises with nobody: the live query has no row for them either
        # The columns are NOT NULL integers, so each sum over one or more rows is an int.
        key_value = key_value or ""
        counts = figures.counts_from_sums(int(n), sums)
        if key_value in result:  # "" and None both mean "no group"
            counts = {c: counts[c] + result[key_value][c] for c in counts}
        result[key_value] = counts
    return result
