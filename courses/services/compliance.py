"""Hours compliance, 三级安全教育 status and 三违 state of one person: reads over the ledger.

How credited minutes become 学时 (StudySettings, rules as data):
- online rows hold the minutes actually studied; they are divided by
  `online_minutes_per_hour`;
- classroom and 三级 rows hold `hours x classroom_minutes_per_hour` minutes (what a session of
  that many 学时 lasts in a classroom); they are divided by `classroom_minutes_per_hour`, so
  each row gives back exactly the 学时 the admin recorded.

Which rules apply (HoursRule rows, `applicable_rules`): the person's current employment gives
the personnel category, the enterprise's industry the rules: per training kind the rule naming
that industry (construction's 32 / 20), else the general rule of its risk class (high-risk or
ordinary). A rule with `required_days` is met only with training on that many separate days
in its period as well (the principal's 3-day special training).
- yearly rules count the hours credited in the calendar year;
- once-rules (initial, pre-job) count the hours credited since the hire date of the current
  employment, and are due in the year the person took the post, and in later years while they
  are still not done; in the year of taking the post they replace the yearly retraining;
- review training (复审培训) follows a certificate's review cycle, not the calendar or the
  hire date: the certificates app asks for it, so it is left out here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    CreditEntry,
    HoursRule,
    SafetyEducationBeforeGoLive,
    SafetyEducationRecord,
    StudySettings,
    TrainingKind,
    ViolationRetraining,
)
from roster.choices import EmploymentStatus
from roster.models import Employment, EmploymentEvent, Industry, Person

ZERO = Decimal("0.0")
_TENTH = Decimal("0.1")
# Review training is tied to the certificate's review date (see the module docstring).
_NOT_CALENDAR_KINDS = {TrainingKind.REVIEW}


def return_after(settings: StudySettings | None = None) -> dt.timedelta:
    """Back on the post after at least this long away: workshop and team levels again
    (StudySettings.return_after_days, 365 unless an administrator changed it). `settings`:
    the row when the caller has read it already."""
    if settings is not None:
        return dt.timedelta(days=settings.return_after_days)
    # Read, not StudySettings.load(): a compliance read must not create the settings row.
    days = StudySettings.objects.values_list("return_after_days", flat=True).first()
    if days is None:
        days = StudySettings._meta.get_field("return_after_days").get_default()
    return dt.timedelta(days=days)


@dataclass(frozen=True)
class ComplianceItem:
    training_kind: str
    label: str
    required_hours: Decimal
    done_hours: Decimal
    missing_hours: Decimal
    period: str
    required_days: int = 0
    done_days: int = 0

    @property
    def missing_days(self) -> int:
        return max(self.required_days - self.done_days, 0)

    @property
    def complete(self) -> bool:
        return self.missing_hours <= 0 and self.missing_days <= 0


@dataclass(frozen=True)
class Compliance:
    year: int
    category: str
    high_risk: bool
    items: list[ComplianceItem]
    required_hours: Decimal
    done_hours: Decimal
    missing_hours: Decimal

    @property
    def missing_days(self) -> int:
        return sum(i.missing_days for i in self.items)

    @property
    def complete(self) -> bool:
        return self.missing_hours <= 0 and self.missing_days <= 0


def resolve_rules(rules: Iterable[HoursRule]) -> list[HoursRule]:
    """One rule per training kind: an industry's own rule wins over the general one."""
    chosen: dict[str, HoursRule] = {}
    for rule in rules:
        if rule.industry_id is not None or rule.training_kind not in chosen:
            chosen[rule.training_kind] = rule
    return sorted(chosen.values(), key=lambda r: (r.period, r.training_kind))


def applicable_rules(*, category: str, industry: Industry) -> list[HoursRule]:
    """The calendar rules (not review training) for `category` in `industry`."""
    rules = (
        HoursRule.objects.filter(personnel_category=category)
        .filter(Q(industry=industry) | Q(industry__isnull=True, high_risk=industry.high_risk))
        .exclude(training_kind__in=_NOT_CALENDAR_KINDS)
    )
    return resolve_rules(rules)


def training_days(*, person: Person, start: dt.date | None, end: dt.date, kind: str) -> int:
    """Separate days with training of `kind` credited between `start` and `end`."""
    entries = CreditEntry.objects.filter(person=person, training_kind=kind, on__lte=end)
    if start is not None:
        entries = entries.filter(on__gte=start)
    return entries.values("on").distinct().count()


def current_employment(person: Person) -> Employment | None:
    return (
        Employment.objects.current()
        .filter(person=person)
        .select_related("enterprise__industry", "department")
        .first()
    )


def minutes_to_hours(*, minutes_by_source: dict[str, int], settings: StudySettings) -> Decimal:
    """学时 from minutes per ledger source (rounded down: a tenth short is still short)."""
    total = Decimal(0)
    for source, minutes in minutes_by_source.items():
        per_hour = (
            settings.online_minutes_per_hour
            if source == CreditEntry.Source.ONLINE
            else settings.classroom_minutes_per_hour
        )
        total += Decimal(minutes or 0) / Decimal(max(per_hour, 1))
    return total.quantize(_TENTH, rounding=ROUND_DOWN)


def credited_hours(
    *,
    person: Person,
    start: dt.date | None,
    end: dt.date,
    kinds: Iterable[str] | None = None,
    settings: StudySettings | None = None,
) -> dict[str, Decimal]:
    """学时 per training kind credited between `start` (open when None) and `end`, inclusive.
    `settings`: the StudySettings row when the caller has read it already."""
    entries = CreditEntry.objects.filter(person=person, on__lte=end)
    if start is not None:
        entries = entries.filter(on__gte=start)
    if kinds is not None:
        entries = entries.filter(training_kind__in=list(kinds))
    minutes: dict[str, dict[str, int]] = defaultdict(dict)
    for row in entries.values("training_kind", "source").annotate(total=Sum("minutes")):
        minutes[row["training_kind"]][row["source"]] = row["total"]
    if settings is None:
        # Read, not load(): showing someone's hours must not create the settings row.
        settings = StudySettings.objects.first() or StudySettings()
    return {
        kind: minutes_to_hours(minutes_by_source=by_source, settings=settings)
        for kind, by_source in minutes.items()
    }


def _credited_in_year_and_since(
    *,
    person: Person,
    year_start: dt.date,
    took_post: dt.date,
    end: dt.date,
    settings: StudySettings,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """credited_hours from `year_start` and from `took_post` (to `end`), in one query: the
    two sums are filtered aggregates over the ledger rows from the earlier of the two days."""
    yearly_q, since_q = Q(on__gte=year_start), Q(on__gte=took_post)
    rows = (
        CreditEntry.objects.filter(person=person, on__lte=end, on__gte=min(year_start, took_post))
        .values("training_kind", "source")
        .annotate(yearly=Sum("minutes", filter=yearly_q), since=Sum("minutes", filter=since_q))
    )
    yearly: dict[str, dict[str, int]] = defaultdict(dict)
    since: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        # A kind appears in a result only with ledger rows in its range, as credited_hours.
        if row["yearly"] is not None:
            yearly[row["training_kind"]][row["source"]] = row["yearly"]
        if row["since"] is not None:
            since[row["training_kind"]][row["source"]] = row["since"]

    def hours(minutes: dict[str, dict[str, int]]) -> dict[str, Decimal]:
        return {
            kind: minutes_to_hours(minutes_by_source=by_source, settings=settings)
            for kind, by_source in minutes.items()
        }

    return hours(yearly), hours(since)


def person_compliance(*, person: Person, year: int, on: dt.date | None = None) -> Compliance:
    """The hours the person needs in `year` and what they have, per training kind."""
    return employment_compliance(
        person=person, employment=current_employment(person), year=year, on=on
    )


def employment_compliance(
    *,
    person: Person,
    employment: Employment | None,
    year: int,
    on: dt.date | None = None,
    settings: StudySettings | None = None,
) -> Compliance:
    """person_compliance for the current employment (and StudySettings row) the caller has
    read already (with its enterprise and industry)."""
    on = on or timezone.localdate()
    end = min(on, dt.date(year, 12, 31))
    if employment is None:
        return Compliance(year, "", False, [], ZERO, ZERO, ZERO)
    if settings is None:
        settings = StudySettings.objects.first() or StudySettings()
    category = employment.category
    industry = employment.enterprise.industry
    high_risk = industry.high_risk
    rules = applicable_rules(category=category, industry=industry)
    took_post = employment.hire_date or employment.created_at.date()
    yearly, since_post = _credited_in_year_and_since(
        person=person,
        year_start=dt.date(year, 1, 1),
        took_post=took_post,
        end=end,
        settings=settings,
    )
    labels = dict(TrainingKind.choices)
    # In the year of taking the post the initial (pre-job) training stands in for the
    # annual retraining: "48 initial, then 16 a year".
    first_year = took_post.year == year and any(r.period == HoursRule.Period.ONCE for r in rules)
    items = []
    for rule in rules:
        if rule.period == HoursRule.Period.YEARLY:
            if first_year:
                continue
            start: dt.date | None = dt.date(year, 1, 1)
            done = yearly.get(rule.training_kind, ZERO)
        else:
            start = took_post
            done = since_post.get(rule.training_kind, ZERO)
            long_ago = (dt.date(year, 1, 1) - took_post).days > 365
            if took_post.year > year or (
                took_post.year < year and (done >= rule.required_hours or long_ago)
            ):
                # Not on the post yet that year; done in an earlier year; or on the post for
                # over a year before it began (people on the post before this system: their
                # pre-job training is on paper, and the yearly retraining is what is due).
                continue
        days = (
            training_days(person=person, start=start, end=end, kind=rule.training_kind)
            if rule.required_days
            else 0
        )
        items.append(
            ComplianceItem(
                training_kind=rule.training_kind,
                label=str(labels.get(rule.training_kind, rule.training_kind)),
                required_hours=rule.required_hours,
                done_hours=done,
                missing_hours=max(rule.required_hours - done, ZERO),
                period=rule.period,
                required_days=rule.required_days,
                done_days=days,
            )
        )
    return Compliance(
        year=year,
        category=category,
        high_risk=high_risk,
        items=items,
        required_hours=sum((i.required_hours for i in items), ZERO),
        done_hours=sum((i.done_hours for i in items), ZERO),
        missing_hours=sum((i.missing_hours for i in items), ZERO),
    )


# --------------------------------------------------------------------------- 三级安全教育


Level = SafetyEducationRecord.Level
Reason = SafetyEducationRecord.Reason
ALL_LEVELS = (Level.COMPANY, Level.WORKSHOP, Level.TEAM)
RETRAIN_LEVELS = (Level.WORKSHOP, Level.TEAM)


@dataclass(frozen=True)
class SafetyEducationStatus:
    """What 三级安全教育 the person still needs at their current enterprise, and why."""

    reason: str  # a SafetyEducationRecord.Reason, or "" when nothing is required
    since: dt.date | None
    required_levels: tuple[str, ...]
    missing_levels: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing_levels

    @property
    def reason_label(self) -> str:
        return str(dict(Reason.choices).get(self.reason, ""))

    def missing_labels(self) -> list[str]:
        labels = dict(Level.choices)
        return [str(labels[level]) for level in self.missing_levels]


def retraining_trigger(
    employment: Employment, settings: StudySettings | None = None
) -> tuple[str, dt.date] | None:
    """The latest post change or return after the set time away, from the status history."""
    trigger = None
    away_since = None
    away_long = return_after(settings)
    events = EmploymentEvent.objects.filter(employment=employment).order_by(
        "effective_on", "created_at"
    )
    for event in events:
        changes = event.changes or {}
        new_status = changes.get("status", [None, None])[-1]
        if event.kind == EmploymentEvent.Kind.STATUS and new_status == EmploymentStatus.OFF_POST:
            away_since = away_since or event.effective_on
        elif event.kind == EmploymentEvent.Kind.STATUS and new_status == EmploymentStatus.ON_POST:
            if away_since is not None and event.effective_on - away_since >= away_long:
                trigger = (Reason.RETURN, event.effective_on)
            away_since = None
        elif (
            event.kind == EmploymentEvent.Kind.STATUS and new_status == EmploymentStatus.TRANSFERRED
        ) or (event.kind == EmploymentEvent.Kind.CHANGED and "post" in changes):
            trigger = (Reason.POST_CHANGE, event.effective_on)
    return trigger


def safety_education_status(*, person: Person) -> SafetyEducationStatus:
    return employment_safety_education(person=person, employment=current_employment(person))


def employment_safety_education(
    *, person: Person, employment: Employment | None, settings: StudySettings | None = None
) -> SafetyEducationStatus:
    """safety_education_status for the current employment (and StudySettings row) the caller
    has read already."""
    if employment is None:
        return SafetyEducationStatus("", None, (), ())
    hired = employment.hire_date or employment.created_at.date()
    records = SafetyEducationRecord.objects.filter(person=person, enterprise=employment.enterprise)
    # 三级 for a new employee is held before work: any record at this enterprise counts, even
    # one dated just before the recorded hire date.
    done_ever = set(records.values_list("level", flat=True))
    before_go_live = SafetyEducationBeforeGoLive.objects.filter(
        person=person, enterprise=employment.enterprise
    ).first()
    if before_go_live is not None:
        # Done on paper before the product: every level of the new-hire education.
        done_ever.update(ALL_LEVELS)
    missing = [level for level in ALL_LEVELS if level not in done_ever]
    reason: str = Reason.NEW_HIRE
    since = hired
    required: tuple[str, ...] = ALL_LEVELS
    trigger = retraining_trigger(employment, settings)
    if trigger is not None and before_go_live is not None and trigger[1] <= before_go_live.done_by:
        trigger = None  # the post change or return was before go-live: covered by the mark
    if trigger is not None:
        reason, since = trigger
        required = ALL_LEVELS if missing else RETRAIN_LEVELS
        done_since = set(records.filter(held_on__gte=since).values_list("level", flat=True))
        missing += [lv for lv in RETRAIN_LEVELS if lv not in done_since and lv not in missing]
    ordered = tuple(level for level in ALL_LEVELS if level in missing)
    return SafetyEducationStatus(reason, since, tuple(required), ordered)


# --------------------------------------------------------------------------- 三违


def violation_open(person: Person) -> ViolationRetraining | None:
    """The person's 三违 retraining still open (off the job, not yet back), if any."""
    return (
        ViolationRetraining.objects.filter(person=person, returned_on__isnull=True)
        .select_related("exam_session")
        .order_by("-off_job_from")
        .first()
    )


def missing_hours_message(compliance: Compliance) -> str:
    return _("%(hours)s training hours (学时) are still missing for %(year)s.") % {
        "hours": compliance.missing_hours,
        "year": compliance.year,
    }
