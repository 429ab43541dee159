"""The notice acknowledgement figures: /reports/notices/ (drill-down by region, then
enterprise) and its Excel export. Thin: reports.notice_figures computes within the scope
that reports.selectors checks."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from documents import xlsx
from roster.services import audit_record

from .. import notice_figures, selectors
from ..definitions import DATE_RULE, NOTICE_COUNTS, NOTICE_RATES, NOTICE_WHO_COUNTS
from .dashboard import XLSX, _filter_choices, _params, _reports_user


@_reports_user
def notices(request):
    context = {
        **_filter_choices(request),
        "rates": NOTICE_RATES,
        "counts": NOTICE_COUNTS,
        "who_counts": NOTICE_WHO_COUNTS,
        "date_rule": DATE_RULE,
    }
    try:
        params = _params(request)
    except selectors.ReportError as exc:
        context["error"] = str(exc)
        return render(request, "reports/notices.html", context, status=400)
    user = request.user
    tables = {}
    if params.enterprise is None:
        if params.region is None or params.region.children.exists():
            tables["region"] = notice_figures.table(user=user, params=params, by="region")
        tables["enterprise"] = notice_figures.table(user=user, params=params, by="enterprise")
    else:
        tables["enterprise"] = notice_figures.table(user=user, params=params, by="enterprise")
    context.update(
        params=params,
        querystring=urlencode(params.as_query()),
        tables=tables,
        total=tables["enterprise"].total,
        breadcrumbs=selectors.region_choices(user=user, params=params),
    )
    return render(request, "reports/notices.html", context)


@_reports_user
def notices_export(request):
    by = request.GET.get("by", "enterprise")
    try:
        params = _params(request)
        table = notice_figures.table(user=request.user, params=params, by=by)
    except selectors.ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    columns = ["code", "name"] + [c.code for c in NOTICE_COUNTS] + [r.code for r in NOTICE_RATES]
    labels = {"code": _("Code"), "name": pgettext("group", "Name")}
    labels.update({c.code: str(c.label) for c in NOTICE_COUNTS})
    labels.update({r.code: str(r.label) for r in NOTICE_RATES})
    formats = [xlsx.PERCENT if c.endswith("rate") else None for c in columns]
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, "notices", widths=[22 if c != "name" else 34 for c in columns])
    xlsx.append(sheet, [_("Notice acknowledgement report")], font=xlsx.BOLD)
    xlsx.append(sheet, [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for label, value in params.describe():
        xlsx.append(sheet, [label, value])
    xlsx.append(sheet, [str(NOTICE_WHO_COUNTS)])
    for d in [*NOTICE_RATES, *NOTICE_COUNTS]:
        xlsx.append(sheet, [str(d.label), str(d.definition)])
    sheet.append([])
    xlsx.append(sheet, [labels[c] for c in columns], font=xlsx.BOLD)
    xlsx.append(sheet, columns)
    for row in table.rows:
        xlsx.append(
            sheet, [row.code, row.name, *(row.values[c] for c in columns[2:])], formats=formats
        )
    xlsx.append(
        sheet,
        [None, _("Total"), *(table.total[c] for c in columns[2:])],
        formats=formats,
        font=xlsx.BOLD,
    )
    if by == "enterprise":
        audit_record(
            actor=request.user,
            action="reports.export",
            summary=f"notices {by} xlsx",
            request=request,
            **params.as_query(),
        )
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="notices-{by}-{params.on:%Y%m%d}.xlsx"'
    return response
