"""The regulator's figures, computed in the database (definitions in reports/definitions.py).

One query shape serves every table: the employments in force on the report date, each
annotated with 0/1 flags and small counts (needs a certificate, lacks one, owes hours, ...),
computed by correlated subqueries over indexed columns (a person's certificates, hours ledger,
exam attempts, 三违 records). `grouped()` wraps that query in
`SELECT key, SUM(flag) ... GROUP BY key`, so every subquery runs once per employment and the
totals are sums of the same per-employment flags the person list shows: the parts of any
drill-down add up to the whole by construction.

Rules stay data (ARCHITECTURE.md rule 6): the post requirements and hours rules are read
from their tables when the query is built and become plain SQL conditions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.requirements import requirement_flags
from courses.models import CreditEntry, HoursRule, StudySettings, TrainingKind, ViolationRetraining
from courses.services.compliance import resolve_rules
from question_banks.models import Attempt, ExamSession
from roster.dispatch import forbidden_q
from roster.models import Employment, Enterprise, Region

from .definitions import COUNT_CODES, FLAGS, HIRED_EARLIER, HIRED_THIS_YEAR

_ALWAYS_FALSE = Q(pk__isnull=True)
_CALENDAR_PERIODS = (HoursRule.Period.YEARLY, HoursRule.Period.ONCE)
# Once-rules stop being due a year after 1 January (courses/services/compliance.py).
ONCE_RULE_WINDOW = dt.timedelta(days=365)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _count(qs: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `qs` (already filtered on the outer row)."""
    counted = qs.order_by().values("person_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _local_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, day after end 00:00) in the site's time zone."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


# --------------------------------------------------------------------------- certification


def _certification_flags(on: dt.date) -> dict[str, Case]:
    # The one definition of who needs which certificate, shared with the gap list.
    flags = requirement_flags(on)
    return {"needs": flags["needs"], "lacks": flags["lacks"]}


# --------------------------------------------------------------------------- training hours


@dataclass(frozen=True)
class _RuleSet:
    where: Q  # the employments these rules apply to
    yearly: list[HoursRule]
    once: list[HoursRule]


def _rule_sets() -> list[_RuleSet]:
    """The rules of compliance.applicable_rules as SQL conditions: per category, one set per
    risk class for the industries without rules of their own, one per industry with some."""
    rules = list(
        HoursRule.objects.filter(period__in=_CALENDAR_PERIODS)
        .exclude(training_kind=TrainingKind.REVIEW)
        .select_related("industry")
        .order_by("pk")
    )
    general: dict[tuple[str, bool], list[HoursRule]] = defaultdict(list)
    own: dict[tuple[str, int], list[HoursRule]] = defaultdict(list)
    industries = {}
    for rule in rules:
        if rule.industry_id is None:
            general[(rule.personnel_category, rule.high_risk)].append(rule)
        else:
            own[(rule.personnel_category, rule.industry_id)].append(rule)
            industries[rule.industry_id] = rule.industry
    sets = []
    for (category, high_risk), found in general.items():
        special = [i for (c, i) in own if c == category]
        where = Q(category=category, enterprise__industry__high_risk=high_risk)
        if special:
            where &= ~Q(enterprise__industry_id__in=special)
        sets.append(_RuleSet(where, *_split(resolve_rules(found))))
    for (category, industry_id), found in own.items():
        high_risk = industries[industry_id].high_risk
        resolved = resolve_rules([*general.get((category, high_risk), []), *found])
        where = Q(category=category, enterprise__industry_id=industry_id)
        sets.append(_RuleSet(where, *_split(resolved)))
    return sets


def _split(rules: list[HoursRule]) -> tuple[list[HoursRule], list[HoursRule]]:
    yearly = [r for r in rules if r.period == HoursRule.Period.YEARLY]
    return yearly, [r for r in rules if r.period != HoursRule.Period.YEARLY]


def _hours_flags(on: dt.date) -> tuple[dict[str, object], dict[str, Case]]:
    """Scores (weighted minutes per training kind) and the must_train / trained / hours_ok
    flags, with exactly the rules of courses.services.compliance.person_compliance.

    学时 = online minutes / online_minutes_per_hour + other minutes /
    classroom_minutes_per_hour, rounded down to a tenth. Compared in integers to stay exact:
    floor(10 x hours) >= 10 x required  <=>  10 x (online x cp + other x op) >= 10 x required
    x op x cp, with op and cp the two minutes-per-hour settings."""
    settings = StudySettings.load()
    op = max(settings.online_minutes_per_hour, 1)
    cp = max(settings.classroom_minutes_per_hour, 1)
    year_start = dt.date(on.year, 1, 1)
    cutoff = year_start - ONCE_RULE_WINDOW
    weighted = Sum(
        Case(
            When(source=CreditEntry.Source.ONLINE, then=F("minutes") * Value(cp)),
            default=F("minutes") * Value(op),
            output_field=IntegerField(),
        )
    )

    def score(kind: str, since) -> Coalesce:
        entries = CreditEntry.objects.filter(
            person_id=OuterRef("person_id"), training_kind=kind, on__gte=since, on__lte=on
        )
        summed = entries.order_by().values("person_id").annotate(s=weighted).values("s")[:1]
        return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))

    scores: dict[str, object] = {}

    def days(kind: str, since) -> Coalesce:
        entries = CreditEntry.objects.filter(
            person_id=OuterRef("person_id"), training_kind=kind, on__gte=since, on__lte=on
        )
        counted = (
            entries.order_by().values("person_id").annotate(d=Count("on", distinct=True))
        ).values("d")[:1]
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    def met(rule: HoursRule, basis: str) -> Q:
        name = f"score_{basis}_{rule.training_kind}"
        since = Value(year_start) if basis == "year" else OuterRef("took_post")
        if name not in scores:
            scores[name] = score(rule.training_kind, since)
        threshold = int(rule.required_hours * 10) * op * cp
        condition = Q(**{f"{name}__gte": -(-threshold // 10)})  # ceil: 10 x score >= threshold
        if rule.required_days:
            day_name = f"days_{basis}_{rule.training_kind}"
            if day_name not in scores:
                scores[day_name] = days(rule.training_kind, since)
            condition &= Q(**{f"{day_name}__gte": rule.required_days})
        return condition

    must = Q(_ALWAYS_FALSE)
    ok = Q(_ALWAYS_FALSE)
    for rules in _rule_sets():
        combo = rules.where
        # In the year of taking the post the initial / pre-job hours stand in for the yearly.
        first_year = Q(took_post__gte=year_start) if rules.once else Q(_ALWAYS_FALSE)
        owes = Q(_ALWAYS_FALSE)
        if rules.yearly:
            owes |= ~first_year
        if rules.once:
            owes |= Q(took_post__gte=cutoff)
        must |= combo & owes
        done = combo
        for rule in rules.yearly:
            done &= first_year | met(rule, "year")
        for rule in rules.once:
            done &= Q(took_post__lt=cutoff) | met(rule, "post")
        ok |= done & owes
    trained = must & Exists(
        CreditEntry.objects.filter(person_id=OuterRef("person_id"), on__gte=year_start, on__lte=on)
    )
    return scores, {"must_train": _flag(must), "trained": _flag(trained), "hours_ok": _flag(ok)}


# --------------------------------------------------------------------------- exams, certificates


def attempt_in_exam_figures(attempt: Attempt) -> bool:
    """Whether an attempt is of those _exam_flags reads: official, graded, of an exam session
    that is not a knowledge contest's round. An ungraded one (just started or submitted) is
    counted nowhere, and its start asks nothing more of the database. Mock exams and a
    contest's daily questions (mock attempts without a session) and its rounds are not, so
    their grading changes no report figure (reports/signals.py: on a contest day, thousands
    of papers a minute). A session gone already (a cascade) counts as an exam: when in
    doubt, the figures are refreshed."""
    if attempt.kind != Attempt.Kind.OFFICIAL or attempt.session_id is None:
        return False
    if attempt.passed is None:
        return False
    if Attempt.session.is_cached(attempt):  # read with the attempt (the grading does)
        purpose = attempt.session.purpose if attempt.session is not None else None
    else:
        purpose = (
            ExamSession.objects.filter(pk=attempt.session_id)
            .values_list("purpose", flat=True)
            .first()
        )
    return purpose != ExamSession.Purpose.CONTEST


def _exam_flags(on: dt.date) -> dict[str, Coalesce]:
    start, end = _local_bounds(dt.date(on.year, 1, 1), on)
    # A knowledge contest's round is an exam session of the engine too, but it ranks and
    # has no pass mark (every paper "passes"): it is no exam sat (reports/contests.py
    # counts contests).
    firsts = Attempt.objects.filter(
        person_id=OuterRef("person_id"),
        kind=Attempt.Kind.OFFICIAL,
        session__isnull=False,
        number=1,
        passed__isnull=False,
        finished_at__gte=start,
        finished_at__lt=end,
    ).exclude(session__purpose=ExamSession.Purpose.CONTEST)
    passed_later = Attempt.objects.filter(
        person_id=OuterRef("person_id"),
        session_id=OuterRef("session_id"),
        passed=True,
        finished_at__lt=end,
    )
    return {
        "exams_sat": _count(firsts),
        "exams_first_pass": _count(firsts.filter(passed=True)),
        "exams_passed": _count(firsts.filter(Exists(passed_later))),
    }


def _certificate_flags(on: dt.date) -> dict[str, object]:
    in_force = Certificate.objects.in_force(on).filter(person_id=OuterRef("person_id"))

    def due_within(days: int) -> Coalesce:
        until = on + dt.timedelta(days=days)
        return _count(in_force.filter(Q(valid_until__lte=until) | Q(next_review_on__lte=until)))

    overdue = Certificate.objects.filter(
        person_id=OuterRef("person_id"),
        status=CertificateStatus.VALID,
        valid_until__gte=on,
        next_review_on__lt=on,
    )
    violation = ViolationRetraining.objects.filter(
        person_id=OuterRef("person_id"), off_job_from__lte=on
    ).filter(Q(returned_on__isnull=True) | Q(returned_on__gt=on))
    return {
        "expiring_30": due_within(30),
        "expiring_90": due_within(90),
        "review_overdue": _count(overdue),
        "violations_open": _flag(Q(Exists(violation))),
        # The rule of roster.dispatch, shared with the enterprise's own page.
        "dispatch_forbidden": _flag(forbidden_q()),
    }


# --------------------------------------------------------------------------- the query


def employments_on(on: dt.date) -> QuerySet[Employment]:
    """Employments in force on `on`, with `took_post` (hire date, else the record's date)."""
    return (
        Employment.objects.annotate(took_post=Coalesce("hire_date", TruncDate("created_at")))
        .filter(took_post__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    )


def annotated(
    *, on: dt.date, enterprises: QuerySet[Enterprise], category: str = ""
) -> QuerySet[Employment]:
    """The inner query: one row per employment in force, with every flag of FLAGS."""
    qs = employments_on(on).filter(enterprise__in=enterprises)
    if category:
        qs = qs.filter(category=category)
    scores, hours = _hours_flags(on)
    return qs.annotate(**scores).annotate(
        **_certification_flags(on), **hours, **_exam_flags(on), **_certificate_flags(on)
    )


# Group keys: the expression and how it names a group.
def region_child_key(parent: Region | None) -> Substr:
    """The code of the region one level below `parent` that an enterprise lies in (its path
    segment); empty for an enterprise attached to `parent` itself."""
    start = len(parent.path) + 1 if parent is not None else 2
    length = 9 if parent is not None and parent.level >= 3 else 6
    return Substr("enterprise__region__path", start, length)


def hired_key(parent: Region | None, on: dt.date) -> Case:
    """this_year / earlier (reports.definitions.HIRED_RULE): took the post since 1 January of
    the report date's year (the rows are already limited to posts taken by the date)."""
    return Case(
        When(took_post__gte=dt.date(on.year, 1, 1), then=Value(HIRED_THIS_YEAR)),
        default=Value(HIRED_EARLIER),
        output_field=CharField(),
    )


# Each key is built from the region whose parts the table shows and the report date.
GROUP_KEYS = {
    "enterprise": lambda parent, on: F("enterprise__uscc"),
    "industry": lambda parent, on: F("enterprise__industry__code"),
    "category": lambda parent, on: F("category"),
    "form": lambda parent, on: F("employment_form"),
    "hired": hired_key,
    "region": lambda parent, on: region_child_key(parent),
}


def grouped(inner: QuerySet[Employment], key) -> dict[str, dict[str, int]]:
    """{group key: counts} summed in the database; key None gives one row keyed ""."""
    # No ORDER BY inside: the model's default ordering would join every person and sort.
    inner = inner.order_by().annotate(group_key=key if key is not None else Value(""))
    inner = inner.values("group_key", *FLAGS)
    sql, params = inner.query.sql_with_params()
    sums = ", ".join(f"SUM(t.{flag})" for flag in FLAGS)
    query = f"SELECT t.group_key, COUNT(*), {sums} FROM ({sql}) t GROUP BY t.group_key"
    result: dict[str, dict[str, int]] = {}
    # Where the router sends this read: the report replica inside reports.replica's block.
    alias = inner.db
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if connections[alias].vendor == "postgresql":
            # Some eighty correlated subqueries: PostgreSQL's JIT spends 20-30 s compiling
            # them, more than the query takes to run (bench/bench_reports.py).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(query, params)
        for row in cursor.fetchall():
            values = dict(zip(FLAGS, (int(v or 0) for v in row[2:]), strict=True))
            result[row[0] or ""] = counts_from_flags(int(row[1]), values)
    return result


# The counts after people, required and holding are the flags after needs and lacks, in
# the same order: counts_from_sums copies them across without looking each one up.
_SAME_TAIL = FLAGS[2:]
assert FLAGS[:2] == ["needs", "lacks"] and COUNT_CODES[3:] == _SAME_TAIL


def counts_from_sums(people: int, sums: Sequence[int]) -> dict[str, int]:
    """counts_from_flags for the sums given in FLAGS order (a row of the maintained sums):
    the province's table by enterprise makes 50,000 of them."""
    counts = {"people": people, "required": sums[0], "holding": sums[0] - sums[1]}
    counts.update(zip(_SAME_TAIL, sums[2:], strict=True))
    return counts


def counts_from_flags(people: int, flags: dict[str, int]) -> dict[str, int]:
    derived = {
        "people": people,
        "required": flags["needs"],
        "holding": flags["needs"] - flags["lacks"],
    }
    # One dict built once per row: the province's table by enterprise has 50,000 of them.
    return {code: flags[code] if code in flags else derived[code] for code in COUNT_CODES}


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_CODES, 0)
