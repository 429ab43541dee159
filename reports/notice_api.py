"""Notice acknowledgement figures as JSON: `GET /api/reports/notices`, scoped and refused
exactly like /reports/notices/ (the same selectors)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from . import notice_figures
from .api import Definition, FiguresQuery, Refusal, ScopeOut, _params, _scope
from .definitions import NOTICE_COUNTS, NOTICE_RATES
from .replica import report_reads
from .selectors import ReportError

router = Router(tags=["reports"])


class NoticeFigures(Schema):
    notice_receipts: int
    notice_read: int
    notice_acknowledged: int
    notice_due: int
    notice_on_time: int
    notice_overdue: int
    notice_withdrawn: int
    notice_ack_rate: float | None
    notice_on_time_rate: float | None
    notice_read_rate: float | None


class NoticeRow(Schema):
    code: str
    name: str
    figures: NoticeFigures


class NoticeFiguresOut(Schema):
    on: dt.date
    by: str
    scope: ScopeOut
    total: NoticeFigures
    rows: list[NoticeRow]
    definitions: list[Definition]


@router.get("/reports/notices", response={200: NoticeFiguresOut, 400: Refusal, 403: Refusal})
def notice_figures_view(request: HttpRequest, q: Query[FiguresQuery]):
    """Notice acknowledgement per region, industry or enterprise within the caller's scope."""
    try:
        params = _params(request, q)
        if params is None:
            return Status(
                403, {"detail": _("Reports are for regulators and enterprise safety admins.")}
            )
        by = q.by if q.by in notice_figures.GROUPINGS else "enterprise"
        with report_reads():
            result = notice_figures.table(user=request.user, params=params, by=by)
    except ReportError as exc:
        return Status(400, {"detail": str(exc)})
    definitions = [
        {
            "code": r.code,
            "label": str(r.label),
            "definition": str(r.definition),
            "numerator": r.numerator,
            "denominator": r.denominator,
        }
        for r in NOTICE_RATES
    ] + [
        {"code": c.code, "label": str(c.label), "definition": str(c.definition)}
        for c in NOTICE_COUNTS
    ]
    return {
        "on": params.on,
        "by": by,
        "scope": _scope(params),
        "total": result.total,
        "rows": [{"code": r.code, "name": r.name, "figures": r.values} for r in result.rows],
        "definitions": definitions,
    }
