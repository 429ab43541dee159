"""Reads over drills, always for an acting user or an enterprise already in their scope, and
the obligations each enterprise owes under the frequency rules.

The obligation computation takes the date (`on`) as an argument: the rules are tested per
kind of enterprise with any date, and the pages pass today."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from roster.models import Employment, Enterprise, User
from roster.selectors import (
    administered_enterprises,
    enterprise_list,
    evidence_enterprises,
    regulated_enterprises,
)

from .models import DrillAction, DrillEvidence, DrillPlan, DrillRecord, DrillRule

SATISFIED = "satisfied"
DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True)
class Obligation:
    rule: DrillRule
    period_start: dt.date
    period_end: dt.date  # the due date: by the end of the period
    held: list[DrillRecord]
    state: str  # satisfied, due (the period is running) or overdue (ended short)

    @property
    def due_on(self) -> dt.date:
        return self.period_end

    @property
    def satisfied_by(self) -> DrillRecord | None:
        return self.held[0] if self.held else None

    @property
    def missing(self) -> int:
        return max(0, self.rule.min_count - len(self.held))


def period_of(period: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The year or half year that contains `on`."""
    if period == DrillRule.Period.YEAR:
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if on.month <= 6:
        return dt.date(on.year, 1, 1), dt.date(on.year, 6, 30)
    return dt.date(on.year, 7, 1), dt.date(on.year, 12, 31)


def previous_period(period: str, on: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = period_of(period, on)
    return period_of(period, start - dt.timedelta(days=1))


def active_rules() -> list[DrillRule]:
    return list(DrillRule.objects.filter(is_active=True).prefetch_related("industries"))


def rule_applies(rule: DrillRule, enterprise: Enterprise) -> bool:
    match rule.applies_to:
        case DrillRule.AppliesTo.ALL:
            return True
        case DrillRule.AppliesTo.INDUSTRIES:
            return any(i.pk == enterprise.industry_id for i in rule.industries.all())
        case DrillRule.AppliesTo.FIRE_KEY:
            return enterprise.fire_safety_key_unit
        case DrillRule.AppliesTo.NOT_FIRE_KEY:
            return not enterprise.fire_safety_key_unit
    return False


def _obligations(
    enterprise: Enterprise, rules: list[DrillRule], records: list[DrillRecord], on: dt.date
) -> list[Obligation]:
    """The running period of every rule that applies, and the one before it when it ended
    short (overdue), unless it ended before the enterprise was registered here."""
    registered = timezone.localtime(enterprise.created_at).date() if enterprise.created_at else on
    out = []
    for rule in rules:
        if not rule_applies(rule, enterprise):
            continue
        for start, end, current in (
            (*previous_period(rule.period, on), False),
            (*period_of(rule.period, on), True),
        ):
            if not current and end < registered:
                continue
            held = [
                r for r in records if r.kind in rule.kinds and start <= r.held_on <= min(end, on)
            ]
            if len(held) >= rule.min_count:
                state = SATISFIED
            elif current:
                state = DUE
            else:
                state = OVERDUE
            if not current and state == SATISFIED:
                continue  # settled: what is owed now is the running period
            out.append(Obligation(rule, start, end, held, state))
    return sorted(out, key=lambda o: (o.state != OVERDUE, o.period_end, o.rule.sort_order))


def _window_start(rules: list[DrillRule], on: dt.date) -> dt.date:
    return min((previous_period(r.period, on)[0] for r in rules), default=dt.date(on.year, 1, 1))


def enterprise_obligations(
    *, enterprise: Enterprise, on: dt.date | None = None, rules: list[DrillRule] | None = None
) -> list[Obligation]:
    """What one enterprise owes on `on` (default today): per rule, the period, its due date
    and the drills that satisfy it, or that it is overdue."""
    on = on or timezone.localdate()
    rules = active_rules() if rules is None else rules
    records = list(
        DrillRecord.objects.filter(
            enterprise=enterprise, held_on__gte=_window_start(rules, on), held_on__lte=on
        ).order_by("held_on", "pk")
    )
    return _obligations(enterprise, rules, records, on)


def obligations_by_enterprise(
    *, enterprises: Iterable[Enterprise], on: dt.date | None = None
) -> dict[int, list[Obligation]]:
    """The same for many enterprises in two queries (the regulator's tables, the task)."""
    on = on or timezone.localdate()
    rules = active_rules()
    enterprises = list(enterprises)
    by_enterprise: dict[int, list[DrillRecord]] = defaultdict(list)
    for record in DrillRecord.objects.filter(
        enterprise__in=[e.pk for e in enterprises],
        held_on__gte=_window_start(rules, on),
        held_on__lte=on,
    ).order_by("held_on", "pk"):
        by_enterprise[record.enterprise_id].append(record)
    return {e.pk: _obligations(e, rules, by_enterprise[e.pk], on) for e in enterprises}


# --------------------------------------------------------------------------- enterprise side


def drill_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises whose drills this user keeps: their enterprise admin, the system admin."""
    return administered_enterprises(user=user).select_related("industry", "region")


def may_keep_drills(*, user: User, enterprise: Enterprise) -> bool:
    """The one rule of who writes an enterprise's drills (services check it)."""
    return drill_enterprises(user=user).filter(pk=enterprise.pk).exists()


def records_of(*, enterprise: Enterprise) -> QuerySet[DrillRecord]:
    return (
        DrillRecord.objects.filter(enterprise=enterprise)
        .select_related("planned")
        .annotate(
            participant_count=Count("participants", distinct=True),
            open_actions=Count("actions", filter=Q(actions__status="open"), distinct=True),
        )
    )


def record_get(*, user: User, pk: int) -> DrillRecord:
    """A record of an enterprise the user keeps; DoesNotExist otherwise (a 404)."""
    return DrillRecord.objects.select_related("enterprise", "planned").get(
        pk=pk, enterprise__in=drill_enterprises(user=user)
    )


def plan_get_or_none(*, enterprise: Enterprise, year: int) -> DrillPlan | None:
    return (
        DrillPlan.objects.filter(enterprise=enterprise, year=year)
        .prefetch_related("drills__departments", "drills__people")
        .first()
    )


def actions_of(*, enterprise: Enterprise, status: str = "") -> QuerySet[DrillAction]:
    qs = DrillAction.objects.filter(record__enterprise=enterprise).select_related("owner", "record")
    if status:
        qs = qs.filter(status=status)
    return qs


def roster_people(*, enterprise: Enterprise) -> QuerySet[Employment]:
    """The people a drill may name: employed at the enterprise now."""
    return (
        Employment.objects.current()
        .filter(enterprise=enterprise)
        .select_related("person", "department")
        .order_by("department__name", "person__name")
    )


def drill_evidence_get(*, user: User, pk: int) -> DrillEvidence:
    """One evidence file of a drill the user may open: the enterprise's admins and the
    regulators over it (roster.selectors.evidence_enterprises, the rule campaign-month
    evidence follows too); DoesNotExist for anyone else (a trainer, another enterprise)."""
    return DrillEvidence.objects.select_related("record").get(
        pk=pk, record__enterprise__in=evidence_enterprises(user=user)
    )


# --------------------------------------------------------------------------- regulator side


def regulated_records(*, user: User) -> QuerySet[DrillRecord]:
    """Drill records a regulator sees: of the enterprises under their regulator grants
    (region subtree and industries); everything for the system admin. A trainer's grant
    reaches the roster but not drills."""
    enterprises = (
        enterprise_list(user=user) if user.is_superuser else regulated_enterprises(user=user)
    )
    return DrillRecord.objects.filter(enterprise__in=enterprises).select_related(
        "enterprise__region", "enterprise__industry"
    )


# ---- drills reported to the county ---------------------------------------------------

REPORTED = "reported"
REPORT_DUE = "report_due"
OWES_REPORT = "owes_report"


@dataclass(frozen=True)
class CountyReport:
    """A drill held under a rule reported to the county (high-risk enterprises and crowded
    places, 应急预案管理办法 art. 33): reported once its evaluation report is filed; past the
    rule's days without it, the enterprise owes the report."""

    record: DrillRecord
    rule: DrillRule
    state: str  # REPORTED, REPORT_DUE or OWES_REPORT
    due_on: dt.date


def report_state(record: DrillRecord, rule: DrillRule, on: dt.date) -> tuple[str, dt.date]:
    due_on = record.held_on + dt.timedelta(days=rule.report_within_days or 0)
    if record.evaluated_at is not None and timezone.localtime(record.evaluated_at).date() <= on:
        return REPORTED, due_on
    return (OWES_REPORT if on > due_on else REPORT_DUE), due_on


def county_reports(
    *, enterprises: list[Enterprise], on: dt.date, since: dt.date
) -> list[CountyReport]:
    """The drills held from `since` to `on` by these enterprises that a rule reported to the
    county asks of them (its kinds, the enterprise it applies to), owed ones first."""
    rules = [r for r in active_rules() if r.report_to_county]
    if not rules or not enterprises:
        return []
    by_pk = {e.pk: e for e in enterprises}
    records = DrillRecord.objects.filter(
        enterprise__in=list(by_pk), held_on__gte=since, held_on__lte=on
    ).order_by("-held_on", "-pk")
    out = []
    for record in records:
        enterprise = by_pk[record.enterprise_id]
        record.enterprise = enterprise
        rule = next(
            (r for r in rules if record.kind in r.kinds and rule_applies(r, enterprise)), None
        )
        if rule is None:
            continue
        state, due_on = report_state(record, rule, on)
        out.append(CountyReport(record, rule, state, due_on))
    order = {OWES_REPORT: 0, REPORT_DUE: 1, REPORTED: 2}
    return sorted(out, key=lambda r: (order[r.state], -r.record.held_on.toordinal()))
