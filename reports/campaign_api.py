"""The warning-education, rotation-training and campaign-month figures as JSON, scoped like
their pages (reports/views/campaigns.py): /api/reports/warning, /api/reports/campaigns/{id},
/api/reports/campaign-months."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from campaigns.selectors import campaign_list

from . import campaign_figures as figures
from .replica import report_reads
from .selectors import ReportError, may_see_reports

router = Router(tags=["reports"])


class AreaQuery(Schema):
    region: str = ""
    year: str = ""


class CampaignQuery(Schema):
    by: str = "region"


class DefinitionOut(Schema):
    code: str
    label: str
    definition: str


class RowOut(Schema):
    code: str
    name: str
    figures: dict


class TableOut(Schema):
    title: str
    total: dict
    rows: list[RowOut]
    definitions: list[DefinitionOut]


class Refusal(Schema):
    detail: str


def _out(table: figures.FigureTable) -> dict:
    return {
        "title": str(table.title),
        "total": table.total,
        "rows": [{"code": r.code, "name": r.name, "figures": r.values} for r in table.rows],
        "definitions": [
            {"code": d.code, "label": str(d.label), "definition": str(d.definition)}
            for d in [*table.rates, *table.counts]
        ],
    }


def _refused():
    return Status(403, {"detail": _("Reports are for regulators and enterprise safety admins.")})


@router.get(
    "/reports/warning",
    response={200: TableOut, 400: Refusal, 403: Refusal},
    url_name="reports_warning",
)
def warning(request: HttpRequest, q: Query[AreaQuery]):
    """Warning education per part of the region (or per enterprise in a township)."""
    if not may_see_reports(request.user):
        return _refused()
    today = timezone.localdate()
    try:
        region = figures.region_param(user=request.user, code=q.region)
        year = figures.year_param(q.year, today=today)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    with report_reads():
        return _out(figures.warning_table(user=request.user, region=region, year=year, on=today))


@router.get(
    "/reports/campaigns/{campaign_id}",
    response={200: TableOut, 403: Refusal, 404: Refusal},
    url_name="reports_campaign",
)
def campaign(request: HttpRequest, campaign_id: int, q: Query[CampaignQuery]):
    """One rotation campaign's participation and pass rates by region, industry or
    enterprise, within the caller's scope."""
    if not may_see_reports(request.user):
        return _refused()
    found = campaign_list(user=request.user).filter(pk=campaign_id).first()
    if found is None or not figures.campaign_report_allowed(user=request.user, campaign=found):
        return Status(404, {"detail": _("No such campaign in your scope.")})
    by = q.by if q.by in ("region", "industry", "enterprise") else "region"
    with report_reads():
        result = _out(figures.campaign_table(user=request.user, campaign=found, by=by))
    result["total"]["target_rate"] = float(found.target_rate)
    return result


@router.get(
    "/reports/campaign-months",
    response={200: TableOut, 400: Refusal, 403: Refusal},
    url_name="reports_campaign_months",
)
def months(request: HttpRequest, q: Query[AreaQuery]):
    """Campaign-month activities per part of the region."""
    if not may_see_reports(request.user):
        return _refused()
    today = timezone.localdate()
    try:
        region = figures.region_param(user=request.user, code=q.region)
        year = figures.year_param(q.year, today=today)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    with report_reads():
        return _out(figures.month_table(user=request.user, region=region, year=year))
