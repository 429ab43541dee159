"""Warning-education, rotation-training and campaign-month figures for the regulator's pages,
exports and API. What each figure counts is in reports/definitions.py (WARNING_*, CAMPAIGN_*,
MONTH_*); scope is the roster's: a table only ever counts enterprises the user reaches.

Every table is computed per enterprise with a few grouped queries (no query per row), then
summed up to the parts of the chosen region, so the parts add up to the total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from campaigns.models import (
    CampaignMember,
    MonthActivity,
    RotationCampaign,
    WarningAssignee,
    WarningMeeting,
    WarningTarget,
)
from campaigns.selectors import campaign_members, may_manage_campaign
from campaigns.services.warning_readers import counted_by as warning_counted_by
from campaigns.services.warning_readers import overdue_q as warning_overdue_q
from config.days import day_end
from roster.models import Enterprise, Industry, Region, User
from roster.selectors import enterprise_list

from .definitions import (
    CAMPAIGN_COUNTS,
    CAMPAIGN_RATES,
    MONTH_COUNTS,
    MONTH_RATES,
    WARNING_COUNTS,
    WARNING_RATES,
    with_rates_of,
)
from .selectors import ReportError, _region_allowed, default_region


@dataclass(frozen=True)
class FigureRow:
    code: str
    name: str
    values: dict
    link: str = ""  # query string one level down ("region=…" or "enterprise=…")


@dataclass(frozen=True)
class FigureTable:
    title: str
    rows: list[FigureRow]
    total: dict
    counts: list
    rates: list


def region_param(*, user: User, code: str) -> Region | None:
    """The region whose parts a table shows: the one asked for (within scope) or the user's."""
    if not code:
        return default_region(user)
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ReportError(_("Unknown region code “%(code)s”.") % {"code": code})
    if not _region_allowed(user, region):
        raise ReportError(
            _("The region %(name)s (%(code)s) is outside your scope.")
            % {"name": region.name, "code": region.code}
        )
    return region


def year_param(value: str, *, today: dt.date) -> int:
    if not value:
        return today.year
    try:
        year = int(value)
    except ValueError as exc:
        raise ReportError(_("Enter a year such as %(year)s.") % {"year": today.year}) from exc
    if not 2000 <= year <= today.year + 1:
        raise ReportError(_("Enter a year such as %(year)s.") % {"year": today.year})
    return year


def enterprises_in(*, user: User, region: Region | None) -> QuerySet[Enterprise]:
    qs = enterprise_list(user=user)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs


def _part_of(region: Region | None, enterprise: Enterprise, parts: list[Region]) -> Region | None:
    for part in parts:
        if enterprise.region.path.startswith(part.path):
            return part
    return None


def _grouped(
    *, title: str, region: Region | None, enterprises: list[Enterprise], per: dict, counts, rates
) -> FigureTable:
    """Per-enterprise counts summed to the parts of `region` (its children), or one row per
    enterprise when the region has no parts (a township)."""
    codes = [c.code for c in counts]
    parts = (
        list(region.children.all())
        if region is not None
        else list(Region.objects.filter(parent__isnull=True))
    )
    sums: dict = defaultdict(lambda: dict.fromkeys(codes, 0))
    names: dict = {}
    rows: list[FigureRow] = []
    for enterprise in enterprises:
        values = per.get(enterprise.pk, dict.fromkeys(codes, 0))
        part = _part_of(region, enterprise, parts) if parts else None
        if part is None:
            rows.append(
                FigureRow(
                    enterprise.uscc,
                    enterprise.name,
                    with_rates_of(values, rates),
                    f"enterprise={enterprise.uscc}",
                )
            )
            continue
        names[part.code] = part.name
        for code in codes:
            sums[part.code][code] += values.get(code, 0)
    region_rows = [
        FigureRow(code, names[code], with_rates_of(sums[code], rates), f"region={code}")
        for code in sorted(sums)
    ]
    total = dict.fromkeys(codes, 0)
    for enterprise in enterprises:
        for code in codes:
            total[code] += per.get(enterprise.pk, {}).get(code, 0)
    return FigureTable(title, region_rows + rows, with_rates_of(total, rates), counts, rates)


# --------------------------------------------------------------------------- warning education


def _targets() -> tuple[dict, dict]:
    """{industry id or None: yearly count} for meetings and for cases read."""
    meetings, cases = {}, {}
    for target in WarningTarget.objects.all():
        into = meetings if target.metric == WarningTarget.Metric.MEETINGS else cases
        into[target.industry_id] = target.yearly_count
    return meetings, cases


def _target(targets: dict, industry_id: int) -> int:
    return targets.get(industry_id, targets.get(None, 0))


def warning_per_enterprise(
    *, enterprises: list[Enterprise], year: int, on: dt.date
) -> dict[int, dict]:
    ids = [e.pk for e in enterprises]
    start = dt.date(year, 1, 1)
    end = min(on, dt.date(year, 12, 31))
    meeting_targets, case_targets = _targets()
    per: dict[int, dict] = {
        e.pk: dict.fromkeys([c.code for c in WARNING_COUNTS], 0) for e in enterprises
    }
    # As of the end of the day asked: who had read by then, who was among the readers then.
    day_over = day_end(on)
    read = Q(read_at__lt=day_over)
    readings = WarningAssignee.objects.filter(
        warning_counted_by(day_over),  # not who had left its people unread by then
        enterprise_id__in=ids,
        assignment__created_at__date__gte=start,
        assignment__created_at__date__lte=end,
    )
    for row in readings.values("enterprise_id").annotate(
        n=Count("pk"),
        read=Count("pk", filter=read),
        overdue=Count("pk", filter=warning_overdue_q(on)),  # each by their own deadline
        people=Count("person", distinct=True),
    ):
        values = per[row["enterprise_id"]]
        values.update(
            cases_assigned=row["n"],
            cases_read=row["read"],
            cases_overdue=row["overdue"],
            readers=row["people"],
        )
    industry = {e.pk: e.industry_id for e in enterprises}
    per_person = readings.values("enterprise_id", "person_id")
    for row in per_person.annotate(read=Count("pk", filter=read)):
        if row["read"] >= max(1, _target(case_targets, industry[row["enterprise_id"]])):
            per[row["enterprise_id"]]["readers_on_target"] += 1
    meetings = WarningMeeting.objects.filter(
        enterprise_id__in=ids, held_on__gte=start, held_on__lte=end
    )
    for row in meetings.values("enterprise_id").annotate(
        n=Count("pk", distinct=True), cases=Count("cases", distinct=True)
    ):
        per[row["enterprise_id"]].update(meetings=row["n"], cases_discussed=row["cases"])
    for enterprise in enterprises:
        values = per[enterprise.pk]
        values["enterprises"] = 1
        target = _target(meeting_targets, enterprise.industry_id)
        values["enterprises_on_target"] = int(values["meetings"] >= target)
    return per


def warning_table(*, user: User, region: Region | None, year: int, on: dt.date) -> FigureTable:
    enterprises = list(enterprises_in(user=user, region=region).select_related("region"))
    per = warning_per_enterprise(enterprises=enterprises, year=year, on=on)
    return _grouped(
        title=_("Warning education"),
        region=region,
        enterprises=enterprises,
        per=per,
        counts=WARNING_COUNTS,
        rates=WARNING_RATES,
    )


@dataclass(frozen=True)
class WarningPersonRow:
    name: str
    id_masked: str
    assigned: int
    read: int
    meetings: int
    overdue: int = 0


def warning_people(*, enterprise: Enterprise, year: int, on: dt.date) -> list[WarningPersonRow]:
    start, end = dt.date(year, 1, 1), min(on, dt.date(year, 12, 31))
    day_over = day_end(on)  # what had happened by the end of the day asked
    rows: dict[int, dict] = {}
    readings = (
        WarningAssignee.objects.filter(
            warning_counted_by(day_over),
            enterprise=enterprise,
            assignment__created_at__date__gte=start,
            assignment__created_at__date__lte=end,
        )
        .values("person_id", "person__name", "person__id_number")
        .annotate(
            n=Count("pk"),
            read=Count("pk", filter=Q(read_at__lt=day_over)),
            overdue=Count("pk", filter=warning_overdue_q(on)),
        )
    )
    for r in readings:
        rows[r["person_id"]] = {
            "name": r["person__name"],
            "id": r["person__id_number"],
            "assigned": r["n"],
            "read": r["read"],
            "meetings": 0,
            "overdue": r["overdue"],
        }
    attended = (
        WarningMeeting.objects.filter(enterprise=enterprise, held_on__gte=start, held_on__lte=end)
        .values("attendees__id", "attendees__name", "attendees__id_number")
        .annotate(n=Count("pk"))
    )
    for r in attended:
        if r["attendees__id"] is None:
            continue
        row = rows.setdefault(
            r["attendees__id"],
            {
                "name": r["attendees__name"],
                "id": r["attendees__id_number"],
                "assigned": 0,
                "read": 0,
                "meetings": 0,
            },
        )
        row["meetings"] = r["n"]
    from roster.identity import mask_id_number

    return sorted(
        (
            WarningPersonRow(
                r["name"],
                mask_id_number(r["id"]),
                r["assigned"],
                r["read"],
                r["meetings"],
                r.get("overdue", 0),
            )
            for r in rows.values()
        ),
        key=lambda r: r.name,
    )


# --------------------------------------------------------------------------- rotation training


def campaign_scoped_members(*, user: User, campaign: RotationCampaign) -> QuerySet[CampaignMember]:
    return campaign_members(user=user, campaign=campaign).filter(left_on__isnull=True)


def _member_counts(members: QuerySet[CampaignMember], key: str) -> dict:
    rows = members.values(key).annotate(
        members=Count("pk", distinct=True),
        participated=Count("pk", filter=Q(attendance__present=True), distinct=True),
        examined=Count("pk", filter=Q(exam_score__isnull=False), distinct=True),
        passed=Count("pk", filter=Q(exam_passed=True), distinct=True),
    )
    return {r[key]: r for r in rows}


def campaign_table(*, user: User, campaign: RotationCampaign, by: str) -> FigureTable:
    """One campaign's figures by region (the parts of its region), industry or enterprise."""
    members = campaign_scoped_members(user=user, campaign=campaign)
    codes = [c.code for c in CAMPAIGN_COUNTS]
    rows: list[FigureRow] = []
    if by == "enterprise":
        found = _member_counts(members, "enterprise_id")
        for enterprise in Enterprise.objects.filter(pk__in=found).order_by("name"):
            values = {c: found[enterprise.pk][c] for c in codes}
            rows.append(
                FigureRow(
                    enterprise.uscc,
                    enterprise.name,
                    with_rates_of(values, CAMPAIGN_RATES),
                    f"enterprise={enterprise.uscc}",
                )
            )
    elif by == "industry":
        found = _member_counts(members, "enterprise__industry_id")
        for industry in Industry.objects.filter(pk__in=found).order_by("sort_order", "code"):
            values = {c: found[industry.pk][c] for c in codes}
            rows.append(
                FigureRow(industry.code, industry.name, with_rates_of(values, CAMPAIGN_RATES))
            )
    else:
        found = _member_counts(members, "enterprise__region__path")
        parts = list(campaign.region.children.all()) or [campaign.region]
        sums: dict = defaultdict(lambda: dict.fromkeys(codes, 0))
        for path, values in found.items():
            part = next((p for p in parts if path.startswith(p.path)), campaign.region)
            for c in codes:
                sums[part.code][c] += values[c]
        names = {p.code: p.name for p in [*parts, campaign.region]}
        rows = [
            FigureRow(code, names[code], with_rates_of(sums[code], CAMPAIGN_RATES))
            for code in sorted(sums)
        ]
    total_row = members.aggregate(
        members=Count("pk", distinct=True),
        participated=Count("pk", filter=Q(attendance__present=True), distinct=True),
        examined=Count("pk", filter=Q(exam_score__isnull=False), distinct=True),
        passed=Count("pk", filter=Q(exam_passed=True), distinct=True),
    )
    total = with_rates_of(total_row, CAMPAIGN_RATES)
    return FigureTable(campaign.title, rows, total, CAMPAIGN_COUNTS, CAMPAIGN_RATES)


def campaign_people(
    *, user: User, campaign: RotationCampaign, enterprise: Enterprise
) -> QuerySet[CampaignMember]:
    return (
        campaign_scoped_members(user=user, campaign=campaign)
        .filter(enterprise=enterprise)
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
    )


def campaign_target_met(campaign: RotationCampaign, total: dict) -> bool | None:
    value = total.get("campaign_participation_rate")
    return None if value is None else value >= float(campaign.target_rate)


def campaign_report_allowed(*, user: User, campaign: RotationCampaign) -> bool:
    return (
        may_manage_campaign(user=user, campaign=campaign)
        or campaign_members(user=user, campaign=campaign).exists()
    )


# --------------------------------------------------------------------------- campaign months


def month_table(*, user: User, region: Region | None, year: int) -> FigureTable:
    enterprises = list(enterprises_in(user=user, region=region).select_related("region"))
    ids = [e.pk for e in enterprises]
    codes = [c.code for c in MONTH_COUNTS]
    per = {e.pk: dict.fromkeys(codes, 0) for e in enterprises}
    activities = MonthActivity.objects.filter(enterprise_id__in=ids, year=year)
    for row in activities.values("enterprise_id").annotate(
        safety=Count("pk", filter=Q(month=MonthActivity.Month.SAFETY), distinct=True),
        fire=Count("pk", filter=Q(month=MonthActivity.Month.FIRE), distinct=True),
        people=Count("participants", distinct=True),
    ):
        per[row["enterprise_id"]].update(
            safety_activities=row["safety"], fire_activities=row["fire"], participants=row["people"]
        )
    for row in activities.values("enterprise_id").annotate(n=Count("evidence", distinct=True)):
        per[row["enterprise_id"]]["evidence"] = row["n"]
    for values in per.values():
        values["enterprises"] = 1
        values["enterprises_active"] = int(
            bool(values["safety_activities"] or values["fire_activities"])
        )
    return _grouped(
        title=_("Campaign months"),
        region=region,
        enterprises=enterprises,
        per=per,
        counts=MONTH_COUNTS,
        rates=MONTH_RATES,
    )
