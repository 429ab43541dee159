"""The regulator's drill figures: drills held and obligations overdue by region, industry and
enterprise, within the user's scope and the same filters as the other figures
(reports.selectors.report_params). What each column counts is reports.definitions.DRILL_COUNTS;
what is owed is drills.selectors (the rules as data)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from drills.models import DrillAction, DrillRecord
from drills.selectors import (
    OVERDUE,
    CountyReport,
    Obligation,
    county_reports,
    obligations_by_enterprise,
)
from roster.models import Enterprise, Region, User
from roster.selectors import enterprise_list

from .definitions import DRILL_COUNT_CODES
from .selectors import ReportError, ReportParams

DRILL_GROUPINGS = ("region", "industry", "enterprise")


@dataclass
class DrillRow:
    code: str
    name: str
    values: dict[str, int]
    query: dict[str, str]  # the filters that open this row's part

    @property
    def querystring(self) -> str:
        return urlencode(self.query)


@dataclass
class DrillReport:
    by: str
    rows: list[DrillRow]
    total: dict[str, int]
    overdue: list[tuple[Enterprise, list[Obligation]]]  # enterprises with overdue obligations


def drill_enterprises_in(*, user: User, params: ReportParams):
    qs = enterprise_list(user=user).filter(is_active=True)
    if params.region is not None:
        qs = qs.filter(region__path__startswith=params.region.path)
    if params.industry is not None:
        qs = qs.filter(industry=params.industry)
    if params.enterprise is not None:
        qs = qs.filter(pk=params.enterprise.pk)
    return qs.select_related("region", "industry").order_by("name")


def _group_of(enterprise: Enterprise, by: str, parent: Region | None, regions: dict[str, Region]):
    if by == "industry":
        return enterprise.industry.code, enterprise.industry.name
    if by == "enterprise":
        return enterprise.uscc, enterprise.name
    codes = [c for c in enterprise.region.path.split("/") if c]
    if parent is not None and parent.code in codes:
        below = codes[codes.index(parent.code) + 1 : codes.index(parent.code) + 2]
    else:
        below = codes[:1]
    if not below:
        return "", _("%(name)s (directly)") % {"name": parent.name if parent else ""}
    region = regions.get(below[0])
    return below[0], region.name if region else below[0]


def drill_report(*, user: User, params: ReportParams, by: str) -> DrillReport:
    if by not in DRILL_GROUPINGS:
        raise ReportError(
            _("Group by one of: %(choices)s.") % {"choices": ", ".join(DRILL_GROUPINGS)}
        )
    on = params.on
    enterprises = list(drill_enterprises_in(user=user, params=params))
    ids = [e.pk for e in enterprises]
    obligations = obligations_by_enterprise(enterprises=enterprises, on=on)
    held = dict(
        DrillRecord.objects.filter(
            enterprise__in=ids, held_on__gte=dt.date(on.year, 1, 1), held_on__lte=on
        )
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values_list("enterprise", "n")
    )
    people = dict(
        DrillRecord.objects.filter(
            enterprise__in=ids, held_on__gte=dt.date(on.year, 1, 1), held_on__lte=on
        )
        .values("enterprise")
        .annotate(people=Count("participants"))
        .values_list("enterprise", "people")
    )
    open_actions = dict(
        DrillAction.objects.filter(record__enterprise__in=ids)
        .filter(Q(status=DrillAction.Status.OPEN) | Q(closed_at__date__gt=on))
        .filter(record__held_on__lte=on)
        .values("record__enterprise")
        .annotate(n=Count("pk"))
        .values_list("record__enterprise", "n")
    )
    regions = {r.code: r for r in Region.objects.all()} if by == "region" else {}
    groups: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DRILL_COUNT_CODES, 0))
    names: dict[str, str] = {}
    overdue_list = []
    for e in enterprises:
        code, name = _group_of(e, by, params.region, regions)
        names[code] = name
        overdue = [o for o in obligations[e.pk] if o.state == OVERDUE]
        values = groups[code]
        values["enterprises"] += 1
        values["drills_held"] += held.get(e.pk, 0)
        values["participants"] += people.get(e.pk, 0)
        values["obligations_overdue"] += len(overdue)
        values["enterprises_overdue"] += 1 if overdue else 0
        values["actions_open"] += open_actions.get(e.pk, 0)
        if overdue:
            overdue_list.append((e, overdue))
    base = {k: v for k, v in params.as_query().items() if k in ("region", "industry", "date")}
    rows = []
    for code in sorted(groups, key=lambda c: (names[c], c)):
        query = dict(base)
        if code:
            query[{"region": "region", "industry": "industry", "enterprise": "enterprise"}[by]] = (
                code
            )
        rows.append(DrillRow(code=code, name=names[code], values=groups[code], query=query))
    total = dict.fromkeys(DRILL_COUNT_CODES, 0)
    for values in groups.values():
        for key in DRILL_COUNT_CODES:
            total[key] += values[key]
    return DrillReport(by=by, rows=rows, total=total, overdue=overdue_list)


# How far back the county's list of reported drills looks: a year, so a drill late in the
# year stays listed while its report falls due in the next.
REPORTED_SINCE = dt.timedelta(days=365)
REPORTED_SHOWN = 100


def reported_drills(*, user: User, params: ReportParams) -> list[CountyReport]:
    """The drills reported to the county (DrillRule.report_to_county) by the enterprises in
    the user's scope and filters, held in the year up to the report date: reported, due, or
    owed (drills.selectors.county_reports)."""
    enterprises = list(drill_enterprises_in(user=user, params=params))
    rows = county_reports(enterprises=enterprises, on=params.on, since=params.on - REPORTED_SINCE)
    return rows[:REPORTED_SHOWN]


def regulated_record_get(*, user: User, pk: int) -> DrillRecord:
    """A drill record of an enterprise in the user's scope; DoesNotExist otherwise."""
    return DrillRecord.objects.select_related(
        "enterprise__region", "enterprise__industry", "planned"
    ).get(pk=pk, enterprise__in=enterprise_list(user=user))
