"""The regulator's figures for an acting user: who may ask, for which scope, and the tables.

Scope (ARCHITECTURE.md rule 7): every figure is computed over roster.selectors.enterprise_list
for the user, narrowed by the filters asked for; a filter outside the user's scope is refused
with a message rather than silently showing nothing (or everything).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from roster.choices import EmploymentForm, PersonnelCategory, Role
from roster.dispatch import with_forbidden_rule
from roster.models import Employment, Enterprise, Industry, Region, User
from roster.selectors import _grants, administered_enterprises, enterprise_list, user_scope

from . import figures, rollups
from .definitions import COUNT_CODES, HIRED_GROUPS, with_rates
from .freshness import cached
from .models import MonthEndFigures, MonthEndRun
from .snapshots import month_ends

EARLIEST = dt.date(2000, 1, 1)
GROUPINGS = ("region", "industry", "enterprise", "category", "form", "hired")
REPORT_ROLES = (Role.REGULATOR, Role.ENTERPRISE_ADMIN)


class ReportError(Exception):
    """A filter the user may not use or that makes no sense; the message is for them."""


def may_see_reports(user: User) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.roles.intersection(REPORT_ROLES))


@dataclass(frozen=True)
class ReportParams:
    on: dt.date
    region: Region | None  # the region whose parts the region table shows; None: everywhere
    industry: Industry | None = None
    category: str = ""
    enterprise: Enterprise | None = None
    problems: tuple[str, ...] = field(default=())

    def as_query(self) -> dict[str, str]:
        values = {
            "region": self.region.code if self.region else "",
            "industry": self.industry.code if self.industry else "",
            "category": self.category,
            "enterprise": self.enterprise.uscc if self.enterprise else "",
            "date": self.on.isoformat(),
        }
        return {k: v for k, v in values.items() if v}

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) lines saying what the figures cover, for pages and exports."""
        labels = dict(PersonnelCategory.choices)
        return [
            (_("Region"), self.region.full_name() if self.region else _("All regions")),
            (_("Industry"), self.industry.name if self.industry else _("All industries in scope")),
            (_("Personnel category"), str(labels.get(self.category, _("All categories")))),
            (_("Enterprise"), self.enterprise.name if self.enterprise else _("All in scope")),
            (_("As of"), self.on.isoformat()),
        ]


def _region_grants(user: User) -> list[Region]:
    regions = [g.region for g in _grants(user) if g.role != Role.ENTERPRISE_ADMIN]
    return sorted((r for r in regions if r is not None), key=lambda r: r.path)


def default_region(user: User) -> Region | None:
    """Where a user's dashboard starts: their (first) granted region, their enterprise's
    county for an enterprise admin, everywhere for a system admin."""
    if user.is_superuser:
        return None
    regions = _region_grants(user)
    if regions:
        return regions[0]
    enterprise = administered_enterprises(user=user).select_related("region").first()
    return enterprise.region if enterprise else None


def _region_allowed(user: User, region: Region) -> bool:
    if user.is_superuser:
        return True
    if any(region.path.startswith(r.path) for r in _region_grants(user)):
        return True
    # An enterprise admin may look at any region that contains their enterprise (the
    # figures stay limited to the enterprise).
    return administered_enterprises(user=user).filter(region__path__startswith=region.path).exists()


def _industry_allowed(user: User, industry: Industry) -> bool:
    if user.is_superuser:
        return True
    return enterprise_list(user=user).filter(industry=industry).exists() or any(
        g.role != Role.ENTERPRISE_ADMIN
        and (not g.industries.all() or industry in g.industries.all())
        for g in _grants(user)
    )


def parse_date(value: str, *, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    if not value:
        return today
    try:
        on = dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise ReportError(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}
        ) from exc
    if on > today:
        raise ReportError(_("The report date cannot be in the future."))
    if on < EARLIEST:
        raise ReportError(
            _("There are no figures before %(date)s.") % {"date": EARLIEST.isoformat()}
        )
    return on


def category_from(value: str) -> str:
    """A personnel category by code or by its name in either language ("特种作业人员")."""
    value = (value or "").strip()
    if not value:
        return ""
    from django.utils import translation

    for code, label in PersonnelCategory.choices:
        names = {code, str(label)}
        with translation.override("zh-hans"):
            names.add(str(label))
        with translation.override("en"):
            names.add(str(label))
        if value in names:
            return code
    raise ReportError(_("Unknown personnel category “%(value)s”.") % {"value": value})


def report_params(
    *,
    user: User,
    region: str = "",
    industry: str = "",
    category: str = "",
    date: str = "",
    enterprise: str = "",
) -> ReportParams:
    """Validated filters within the user's scope; ReportError says what is wrong."""
    if not may_see_reports(user):
        raise ReportError(_("Reports are for regulators and enterprise safety admins."))
    on = parse_date(date)
    root = default_region(user)
    if region:
        root = Region.objects.filter(code=region.strip()).first()
        if root is None:
            raise ReportError(_("Unknown region code “%(code)s”.") % {"code": region})
        if not _region_allowed(user, root):
            raise ReportError(
                _("The region %(name)s (%(code)s) is outside your scope.")
                % {"name": root.name, "code": root.code}
            )
    chosen_industry = None
    if industry:
        chosen_industry = Industry.objects.filter(code=industry.strip()).first()
        if chosen_industry is None:
            raise ReportError(_("Unknown industry code “%(code)s”.") % {"code": industry})
        if not _industry_allowed(user, chosen_industry):
            raise ReportError(
                _("The industry %(name)s is outside your scope.") % {"name": chosen_industry.name}
            )
    chosen_enterprise = None
    # The system scope first: it has no grants to read (the command line acts with it and is
    # no saved user), and an admin's own grants never narrow what they see.
    if not user.is_superuser and not enterprise and not region and not _region_grants(user):
        # An enterprise admin of one enterprise starts on it (and may still open a region
        # containing it); with several they start on the region and pick one.
        administered = list(administered_enterprises(user=user)[:2])
        if len(administered) == 1:
            chosen_enterprise = administered[0]
    if enterprise:
        chosen_enterprise = enterprise_list(user=user).filter(uscc=enterprise.strip()).first()
        if chosen_enterprise is None:
            raise ReportError(
                _("The enterprise %(uscc)s is unknown or outside your scope.")
                % {"uscc": enterprise}
            )
    return ReportParams(
        on=on,
        region=root,
        industry=chosen_industry,
        category=category_from(category),
        enterprise=chosen_enterprise,
    )


def scope_q(*, user: User, params: ReportParams) -> Q:
    """The enterprises of the user's scope that the filters keep, as a condition on
    Enterprise's own fields (roster.selectors.enterprise_list's, narrowed)."""
    q = user_scope(user).enterprise_q
    if params.region is not None:
        q &= Q(region__path__startswith=params.region.path)
    if params.industry is not None:
        q &= Q(industry=params.industry)
    if params.enterprise is not None:
        q &= Q(pk=params.enterprise.pk)
    return q


def scoped_enterprises(*, user: User, params: ReportParams) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(scope_q(user=user, params=params)).select_related(
        "region", "industry"
    )


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    values: dict  # counts and rates (definitions.with_rates)
    drill: dict[str, str] | None = None  # query parameters one level down, if any


@dataclass(frozen=True)
class Table:
    by: str
    rows: list[Row]
    total: dict


def _inner(*, user: User, params: ReportParams) -> QuerySet[Employment]:
    return figures.annotated(
        on=params.on,
        enterprises=scoped_enterprises(user=user, params=params),
        category=params.category,
    )


def _scope_signature(user: User) -> tuple:
    """What decides the user's scope: their grants (a changed grant is a new signature)."""
    if user.is_superuser:
        return ("*",)
    return tuple(
        sorted(
            (g.role, g.enterprise_id, g.region_id, tuple(sorted(i.pk for i in g.industries.all())))
            for g in _grants(user)
        )
    )


def _grouped(*, user: User, params: ReportParams, by: str | None) -> dict[str, dict[str, int]]:
    # Keyed by what determines the query (scope, filters, date, grouping): the rules it
    # reads (post requirements, hours rules, study settings) bump the data version instead.
    parts = ("grouped", by, _scope_signature(user), tuple(sorted(params.as_query().items())))
    region = params.region.code if params.region else ""

    def compute():
        # Today's figures from the maintained sums when they are fresh (reports/rollups.py).
        if by not in rollups.LIVE_GROUPINGS and rollups.maintained_answers(on=params.on):
            return rollups.grouped(
                scope=scope_q(user=user, params=params),
                category=params.category,
                by=by,
                parent=params.region,
            )
        return _grouped_live(user=user, params=params, by=by)

    return cached((*parts, region), compute)


def _grouped_live(*, user: User, params: ReportParams, by: str | None) -> dict:
    inner = _inner(user=user, params=params)
    key = figures.GROUP_KEYS[by](params.region, params.on) if by else None
    return figures.grouped(inner, key)


def totals(*, user: User, params: ReportParams) -> dict:
    counts = _grouped(user=user, params=params, by=None).get("", figures.empty_counts())
    return with_rates(counts)


def table(*, user: User, params: ReportParams, by: str) -> Table:
    """One row per group, every group in scope listed (also those with nobody)."""
    if by not in GROUPINGS:
        raise ReportError(_("Group by one of: %(choices)s.") % {"choices": ", ".join(GROUPINGS)})
    counts = _grouped(user=user, params=params, by=by)
    base = params.as_query()
    rows = []
    empty = figures.empty_counts()  # with_rates copies it
    for code, name, drill in _groups(user=user, params=params, by=by, found=counts):
        values = with_rates(counts.get(code, empty))
        rows.append(Row(code=code, name=name, values=values, drill=drill and {**base, **drill}))
    # The groups partition the scope, so their sum is the total (no second query); summed a
    # column at a time (50,000 groups in the province's table by enterprise).
    groups = counts.values()
    total = {code: sum(map(itemgetter(code), groups)) for code in COUNT_CODES}
    return Table(by=by, rows=rows, total=with_rates(total))


def _groups(*, user, params, by, found):
    """(code, name, drill parameters) for every group, in a stable order."""
    if by == "region":
        parent = params.region
        children = (
            Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=1)
        )
        allowed = [r for r in children.order_by("code") if _region_allowed(user, r)]
        for region in allowed:
            yield region.code, region.name, {"region": region.code}
        if "" in found:  # enterprises attached to the region itself, not to a part of it
            yield "", _("%(name)s (directly)") % {"name": parent.name if parent else ""}, None
        return
    if by == "industry":
        industries = Industry.objects.filter(
            pk__in=scoped_enterprises(user=user, params=params).values("industry_id")
        ).order_by("sort_order", "code")
        for industry in industries:
            yield industry.code, industry.name, {"industry": industry.code}
        return
    if by == "enterprise":
        for uscc, name in (
            scoped_enterprises(user=user, params=params)
            .order_by("region__path", "name")
            .values_list("uscc", "name")
        ):
            yield uscc, name, {"enterprise": uscc}
        return
    if by == "form":
        # Employment forms (劳务派遣, 临时, 外包, 灵活用工, 正式): no filter to drill into.
        for code, label in EmploymentForm.choices:
            if code in found:
                yield code, str(label), None
        return
    if by == "hired":
        # Hired this year or before (definitions.HIRED_RULE): both rows always shown.
        for code, label in HIRED_GROUPS:
            yield code, str(label), None
        return
    labels = dict(PersonnelCategory.choices)
    for code in PersonnelCategory.values:
        if code in found:
            yield code, str(labels[code]), {"category": code}


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonRow:
    employment: Employment
    flags: dict[str, int]


# Flags whose people a regulator may list across the whole scope, not one enterprise at a
# time: few people, each a case to follow up.
SCOPE_LISTS = ("dispatch_forbidden",)
SCOPE_LIST_LIMIT = 500


def people(*, user: User, params: ReportParams, only: str = "") -> list[PersonRow]:
    """The people behind an enterprise's figures, one row per employment, with the same
    flags the totals sum; or, with `only` one of SCOPE_LISTS, the people of the whole scope
    carrying that flag. Staff views of it are audited by the caller."""
    if only and only not in SCOPE_LISTS:
        raise ReportError(_("Unknown list “%(value)s”.") % {"value": only})
    if params.enterprise is None and not only:
        raise ReportError(_("Choose an enterprise to list its people."))
    inner = _inner(user=user, params=params).select_related("person", "department", "enterprise")
    # The rule each flagged job breaks, shown beside its flag.
    inner = with_forbidden_rule(inner)
    if only:
        inner = inner.filter(**{only: 1}).order_by("enterprise__name", "person__name", "pk")[
            :SCOPE_LIST_LIMIT
        ]
    else:
        inner = inner.order_by("person__name", "pk")
    return [
        PersonRow(employment=e, flags={flag: getattr(e, flag) for flag in figures.FLAGS})
        for e in inner
    ]


# --------------------------------------------------------------------------- trend


def trend(*, user: User, params: ReportParams) -> list[dict]:
    """Month-end figures for the last twelve months, then the report date itself.

    Past month-ends come from the nightly snapshot (summed in the database over the user's
    enterprises); a month the snapshot has not reached yet is computed live."""
    ends = [end for end in month_ends(params.on) if end < params.on]
    computed = set(
        MonthEndRun.objects.filter(month_end__in=ends).values_list("month_end", flat=True)
    )
    snapshot = MonthEndFigures.objects.filter(
        month_end__in=computed,
        enterprise__in=scoped_enterprises(user=user, params=params),
    )
    if params.category:
        snapshot = snapshot.filter(category=params.category)
    month_rows: Iterable[Mapping[str, Any]] = snapshot.values("month_end").annotate(
        **{c: Sum(c) for c in COUNT_CODES}
    )
    sums = {
        row["month_end"]: {code: int(row[code] or 0) for code in COUNT_CODES} for row in month_rows
    }
    points = []
    for end in ends:
        if end in computed:
            counts = sums.get(end, figures.empty_counts())
        else:
            counts = totals(user=user, params=replace(params, on=end))
        points.append({"on": end, **with_rates({c: counts[c] for c in COUNT_CODES})})
    points.append({"on": params.on, **totals(user=user, params=params)})
    return points


def region_choices(*, user: User, params: ReportParams) -> list[Region]:
    """The way back up: the chosen region's ancestors the user may open, then itself."""
    if params.region is None:
        return []
    codes = [c for c in params.region.path.split("/") if c]
    regions = Region.objects.filter(code__in=codes).order_by("level")
    return [r for r in regions if _region_allowed(user, r)]
