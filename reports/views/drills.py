"""The regulator's drill pages under /reports/drills/: the tables by region, industry and
enterprise with the overdue enterprises, an enterprise's obligations and drills, one drill
record with its evidence, and the .xlsx export. Thin: reports.drills reads within scope."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import xlsx
from drills.models import DrillRecord
from drills.selectors import enterprise_obligations, records_of
from roster.services import audit_record

from .. import drills, selectors
from ..definitions import DRILL_COUNTS, DRILL_RULE
from .dashboard import XLSX, _filter_choices, _reports_user


def _params(request):
    q = request.GET
    return selectors.report_params(
        user=request.user,
        region=q.get("region", ""),
        industry=q.get("industry", ""),
        date=q.get("date", ""),
        enterprise=q.get("enterprise", ""),
    )


@_reports_user
def drills_dashboard(request):
    context = {**_filter_choices(request), "counts": DRILL_COUNTS, "rule": DRILL_RULE}
    try:
        params = _params(request)
    except selectors.ReportError as exc:
        context["error"] = str(exc)
        return render(request, "reports/drills.html", context, status=400)
    context["params"] = params
    context["query"] = params.as_query()
    if params.enterprise is not None:
        enterprise = params.enterprise
        context.update(
            enterprise=enterprise,
            obligations=enterprise_obligations(enterprise=enterprise, on=params.on),
            records=records_of(enterprise=enterprise).filter(held_on__lte=params.on)[:100],
        )
        return render(request, "reports/drills_enterprise.html", context)
    context["tables"] = {
        by: drills.drill_report(user=request.user, params=params, by=by)
        for by in drills.DRILL_GROUPINGS
    }
    context["overdue"] = context["tables"]["enterprise"].overdue
    context["county_reports"] = drills.reported_drills(user=request.user, params=params)
    return render(request, "reports/drills.html", context)


@_reports_user
def drill_record(request, pk: int):
    try:
        record = drills.regulated_record_get(user=request.user, pk=pk)
    except DrillRecord.DoesNotExist as exc:
        raise Http404(_("No such drill in your scope.")) from exc
    # The participants are people: a staff read of personal data is audited.
    audit_record(actor=request.user, action="drills.view", target=record, request=request)
    return render(
        request,
        "reports/drill_record.html",
        {
            "record": record,
            "enterprise": record.enterprise,
            "participants": record.participants.select_related("person"),
            "evidence": record.evidence.all(),
            "actions": record.actions.select_related("owner"),
        },
    )


@_reports_user
def drills_export(request):
    try:
        params = _params(request)
        by = request.GET.get("by", "region")
        report = drills.drill_report(user=request.user, params=params, by=by)
    except selectors.ReportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, _("Emergency drills"))
    xlsx.append(sheet, [_("Emergency drills")], font=xlsx.BOLD)
    for label, value in params.describe():
        xlsx.append(sheet, [str(label), str(value)])
    for count in DRILL_COUNTS:
        xlsx.append(sheet, [str(count.label), str(count.definition)])
    xlsx.append(sheet, [str(DRILL_RULE)])
    sheet.append([])
    group = {"region": _("Region"), "industry": _("Industry")}.get(by, _("Enterprise"))
    xlsx.append(sheet, [_("Code"), group, *(str(c.label) for c in DRILL_COUNTS)], font=xlsx.BOLD)
    xlsx.append(sheet, ["code", "name", *(c.code for c in DRILL_COUNTS)])
    for row in report.rows:
        xlsx.append(
            sheet,
            [row.code, row.name, *(row.values[c.code] for c in DRILL_COUNTS)],
            formats=[xlsx.TEXT, None] + [None] * len(DRILL_COUNTS),
        )
    xlsx.append(
        sheet, [None, _("Total"), *(report.total[c.code] for c in DRILL_COUNTS)], font=xlsx.BOLD
    )
    audit_record(
        actor=request.user, action="drills.export", request=request, by=by, **params.as_query()
    )
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="drills-{by}-{stamp}.xlsx"'
    return response
