"""The regulator's pages: dashboard with drill-down, the people behind an enterprise's
figures, and the exports (.xlsx, .csv, PDF summary). Thin: reports.selectors computes and
checks the scope; a filter the user may not use gets a message and no figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from roster.choices import PersonnelCategory
from roster.models import Industry
from roster.selectors import enterprise_list
from roster.services import audit_record

from .. import selectors
from ..definitions import COUNTS, DATE_RULE, HIRED_RULE, RATES, WHO_COUNTS
from ..exports import table_csv, table_xlsx
from ..pdf import summary_pdf
from ..replica import report_reads
from ..targets import below_target, targets_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTERPRISE_ROWS = 50  # the page ranks this many enterprises; the export has them all


def _params(request):
    q = request.GET
    return selectors.report_params(
        user=request.user,
        region=q.get("region", ""),
        industry=q.get("industry", ""),
        category=q.get("category", ""),
        date=q.get("date", ""),
        enterprise=q.get("enterprise", ""),
    )


def _reports_user(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.may_see_reports(request.user):
            raise PermissionDenied
        # The figures, the drill-down and the exports read the replica when there is one.
        with report_reads():
            return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _filter_choices(request):
    industries = Industry.objects.filter(
        pk__in=enterprise_list(user=request.user).values("industry_id")
    ).order_by("sort_order", "code")
    return {"industries": industries, "categories": PersonnelCategory.choices}


def _chart_rows(table):
    return [
        {"name": row.name, "code": row.code, **{r.code: row.values[r.code] for r in RATES}}
        for row in table.rows
    ]


@_reports_user
def dashboard(request):
    context = {**_filter_choices(request), "rates": RATES, "counts": COUNTS}
    try:
        params = _params(request)
    except selectors.ReportError as exc:
        context["error"] = str(exc)
        return render(request, "reports/dashboard.html", context, status=400)
    user = request.user
    tables = {}
    if params.enterprise is None:
        if params.region is None or params.region.children.exists():
            tables["region"] = selectors.table(user=user, params=params, by="region")
        tables["industry"] = selectors.table(user=user, params=params, by="industry")
        enterprises = selectors.table(user=user, params=params, by="enterprise")
        ranked = sorted(
            (r for r in enterprises.rows if r.values["required"] or r.values["must_train"]),
            key=lambda r: (
                r.values["certification_rate"] if r.values["certification_rate"] is not None else 2,
                r.values["hours_rate"] if r.values["hours_rate"] is not None else 2,
                r.name,
            ),
        )
        context["enterprise_rows"] = ranked[:ENTERPRISE_ROWS]
        context["enterprise_count"] = len(enterprises.rows)
    tables["category"] = selectors.table(user=user, params=params, by="category")
    tables["form"] = selectors.table(user=user, params=params, by="form")
    tables["hired"] = selectors.table(user=user, params=params, by="hired")
    trend = selectors.trend(user=user, params=params)
    query = params.as_query()
    context.update(
        params=params,
        querystring=urlencode(query),
        # Every table's groups partition the scope: its total is the scope's (no extra query).
        total=tables["category"].total,
        tables=tables,
        breadcrumbs=selectors.region_choices(user=user, params=params),
        chart_data={
            "trend": [
                {"on": p["on"].strftime("%Y-%m"), **{r.code: p[r.code] for r in RATES}}
                for p in trend
            ],
            "region": _chart_rows(tables["region"]) if "region" in tables else [],
            "industry": _chart_rows(tables["industry"]) if "industry" in tables else [],
            "labels": {r.code: str(r.label) for r in RATES},
        },
        who_counts=WHO_COUNTS,
        date_rule=DATE_RULE,
        hired_rule=HIRED_RULE,
        targets=(targets := targets_for(params.region)),
        below_target=below_target(tables["category"].total, targets),
    )
    return render(request, "reports/dashboard.html", context)


@_reports_user
def export(request, fmt: str):
    by = request.GET.get("by", "region")
    try:
        params = _params(request)
        table = selectors.table(user=request.user, params=params, by=by)
    except selectors.ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    stem = f"report-{by}-{params.on:%Y%m%d}"
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table, params), content_type=XLSX)
    else:
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    if by == "enterprise":
        audit_record(
            actor=request.user,
            action="reports.export",
            summary=f"{by} {fmt}",
            request=request,
            **params.as_query(),
        )
    return response


@_reports_user
def summary(request):
    try:
        params = _params(request)
    except selectors.ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    user = request.user
    tables = []
    if params.enterprise is None:
        if params.region is None or params.region.children.exists():
            tables.append(selectors.table(user=user, params=params, by="region"))
        tables.append(selectors.table(user=user, params=params, by="industry"))
    tables.append(selectors.table(user=user, params=params, by="category"))
    pdf = summary_pdf(
        params=params,
        total=tables[-1].total,  # the category groups partition the scope
        trend=selectors.trend(user=user, params=params),
        tables=tables,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{params.on:%Y%m%d}.pdf"'
    return response


@_reports_user
def people(request):
    """The people behind one enterprise's figures (personal data: audited, IDs masked)."""
    only = request.GET.get("only", "")
    try:
        params = _params(request)
        rows = selectors.people(user=request.user, params=params, only=only)
    except selectors.ReportError as exc:
        return render(request, "reports/people.html", {"error": str(exc)}, status=400)
    where = params.enterprise.name if params.enterprise else params.describe()[0][1]
    audit_record(
        actor=request.user,
        action="reports.people",
        target=params.enterprise,
        summary=f"{where} {only}".strip(),
        request=request,
        **params.as_query(),
    )
    back = dict(params.as_query())
    back.pop("enterprise", None)
    if only:
        title = _("Dispatched workers in forbidden posts: %(where)s") % {"where": where}
    else:
        title = _("People of %(name)s") % {"name": where}
    context = {
        "params": params,
        "rows": rows,
        "only": only,
        "limit": selectors.SCOPE_LIST_LIMIT,
        # The flag's list shows no rates: no totals query for it.
        "total": None if only else selectors.totals(user=request.user, params=params),
        "querystring": urlencode(params.as_query()),
        "back_querystring": urlencode(back),
        "rates": RATES,
        "counts": COUNTS,
        "title": title,
    }
    return render(request, "reports/people.html", context)
