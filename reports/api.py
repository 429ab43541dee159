"""The regulator's figures as JSON: `GET /api/reports/figures` and `GET /api/reports/trend`.

Scoped like the pages (reports.selectors): the same filters, the same refusals (400 with the
reason) and the same numbers, since all three read the same selector."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from .definitions import COUNTS, HIRED_RULE, RATES
from .replica import report_reads
from .selectors import ReportError, may_see_reports, report_params, table, trend

router = Router(tags=["reports"])


class FiguresQuery(Schema):
    by: str = Field(
        "region",
        description=(
            "region, industry, enterprise, category, form (employment form) or hired "
            "(this_year / earlier)."
        ),
    )
    region: str = Field("", description="Division code; the rows are its parts.")
    industry: str = Field("", description="Industry code.")
    category: str = Field("", description="Personnel category code or name.")
    enterprise: str = Field("", description="统一社会信用代码 of one enterprise.")
    date: str = Field("", description="YYYY-MM-DD, default today.")


class Figures(Schema):
    people: int
    required: int
    holding: int
    must_train: int
    trained: int
    hours_ok: int
    exams_sat: int
    exams_first_pass: int
    exams_passed: int
    expiring_30: int
    expiring_90: int
    review_overdue: int
    violations_open: int
    dispatch_forbidden: int
    certification_rate: float | None
    participation_rate: float | None
    hours_rate: float | None
    first_pass_rate: float | None
    final_pass_rate: float | None


class RowOut(Schema):
    code: str
    name: str
    figures: Figures


class Definition(Schema):
    code: str
    label: str
    definition: str
    numerator: str | None = None
    denominator: str | None = None


class ScopeOut(Schema):
    region: str | None
    region_name: str | None
    industry: str | None
    category: str | None
    enterprise: str | None


class FiguresOut(Schema):
    on: dt.date
    by: str
    scope: ScopeOut
    total: Figures
    rows: list[RowOut]
    definitions: list[Definition]


class TrendPoint(Figures):
    on: dt.date


class TrendOut(Schema):
    scope: ScopeOut
    points: list[TrendPoint]


class Refusal(Schema):
    detail: str


def _scope(params) -> dict:
    return {
        "region": params.region.code if params.region else None,
        "region_name": params.region.name if params.region else None,
        "industry": params.industry.code if params.industry else None,
        "category": params.category or None,
        "enterprise": params.enterprise.uscc if params.enterprise else None,
    }


def _definitions() -> list[dict]:
    return (
        [
            {
                "code": r.code,
                "label": str(r.label),
                "definition": str(r.definition),
                "numerator": r.numerator,
                "denominator": r.denominator,
            }
            for r in RATES
        ]
        + [{"code": c.code, "label": str(c.label), "definition": str(c.definition)} for c in COUNTS]
        + [{"code": "hired", "label": str(_("Hired this year")), "definition": str(HIRED_RULE)}]
    )


def _params(request: HttpRequest, q: FiguresQuery):
    if not may_see_reports(request.user):
        return None
    return report_params(
        user=request.user,
        region=q.region,
        industry=q.industry,
        category=q.category,
        date=q.date,
        enterprise=q.enterprise,
    )


@router.get("/reports/figures", response={200: FiguresOut, 400: Refusal, 403: Refusal})
def figures(request: HttpRequest, q: Query[FiguresQuery]):
    """Rates and counts per group within the caller's scope, with the total and the
    definitions (numerator, denominator, who counts)."""
    try:
        params = _params(request, q)
        if params is None:
            return Status(
                403, {"detail": _("Reports are for regulators and enterprise safety admins.")}
            )
        with report_reads():
            result = table(user=request.user, params=params, by=q.by)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    return {
        "on": params.on,
        "by": q.by,
        "scope": _scope(params),
        "total": result.total,
        "rows": [{"code": r.code, "name": r.name, "figures": r.values} for r in result.rows],
        "definitions": _definitions(),
    }


@router.get("/reports/trend", response={200: TrendOut, 400: Refusal, 403: Refusal})
def trend_view(request: HttpRequest, q: Query[FiguresQuery]):
    """Month-end figures for the last twelve months, then the report date."""
    try:
        params = _params(request, q)
        if params is None:
            return Status(
                403, {"detail": _("Reports are for regulators and enterprise safety admins.")}
            )
        with report_reads():
            points = trend(user=request.user, params=params)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    return {"scope": _scope(params), "points": points}


# --------------------------------------------------------------------------- emergency drills


class DrillsQuery(Schema):
    by: str = Field("region", description="region, industry or enterprise.")
    region: str = Field("", description="Division code; the rows are its parts.")
    industry: str = Field("", description="Industry code.")
    enterprise: str = Field("", description="统一社会信用代码 of one enterprise.")
    date: str = Field("", description="YYYY-MM-DD, default today.")


class DrillFigures(Schema):
    enterprises: int
    drills_held: int
    participants: int
    obligations_overdue: int
    enterprises_overdue: int
    actions_open: int


class DrillRowOut(Schema):
    code: str
    name: str
    figures: DrillFigures


class DrillsOut(Schema):
    on: dt.date
    by: str
    scope: ScopeOut
    total: DrillFigures
    rows: list[DrillRowOut]
    definitions: list[Definition]


@router.get("/reports/drills", response={200: DrillsOut, 400: Refusal, 403: Refusal})
def drills_figures(request: HttpRequest, q: Query[DrillsQuery]):
    """Drills held and obligations overdue per group within the caller's scope, with the
    total and the definitions (reports.definitions.DRILL_COUNTS)."""
    from .definitions import DRILL_COUNTS, DRILL_RULE
    from .drills import drill_report

    if not may_see_reports(request.user):
        return Status(
            403, {"detail": _("Reports are for regulators and enterprise safety admins.")}
        )
    try:
        params = report_params(
            user=request.user,
            region=q.region,
            industry=q.industry,
            date=q.date,
            enterprise=q.enterprise,
        )
        with report_reads():
            result = drill_report(user=request.user, params=params, by=q.by)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    return {
        "on": params.on,
        "by": q.by,
        "scope": _scope(params),
        "total": result.total,
        "rows": [{"code": r.code, "name": r.name, "figures": r.values} for r in result.rows],
        "definitions": [
            {"code": c.code, "label": str(c.label), "definition": str(c.definition)}
            for c in DRILL_COUNTS
        ]
        + [{"code": "drill_rule", "label": str(_("Drill rules")), "definition": str(DRILL_RULE)}],
    }
