"""The regulator's warning-education, rotation-training and campaign-month figures, with the
dashboard's drill-down (region → enterprise → person) and .xlsx exports (`?format=xlsx`).
Thin: reports.campaign_figures computes, within the roster's scope."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from campaigns.models import RotationCampaign
from campaigns.selectors import campaign_list
from documents import xlsx
from roster.selectors import enterprise_list
from roster.services import audit_record

from .. import campaign_figures as figures
from ..selectors import ReportError, region_choices, report_params
from .dashboard import XLSX, _reports_user


def _xlsx(table: figures.FigureTable, lines: list[list[str]], filename: str) -> HttpResponse:
    columns = [c.code for c in table.counts] + [r.code for r in table.rates]
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, "report", widths=[20, 34] + [14] * len(columns))
    xlsx.append(sheet, [table.title], font=Font(bold=True, size=14))
    xlsx.append(sheet, [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for line in lines:
        xlsx.append(sheet, line)
    for item in [*table.rates, *table.counts]:
        xlsx.append(sheet, [str(item.label), str(item.definition)])
    sheet.append([])
    labels = {c.code: str(c.label) for c in [*table.counts, *table.rates]}
    xlsx.append(sheet, [_("Code"), _("Name"), *[labels[c] for c in columns]], font=xlsx.BOLD)
    xlsx.append(sheet, ["code", "name", *columns])
    for row in [*table.rows, figures.FigureRow("", _("Total"), table.total)]:
        xlsx.append(sheet, [row.code, row.name, *[row.values.get(c) for c in columns]])
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _people_xlsx(title: str, header: list[str], rows: list[list], filename: str) -> HttpResponse:
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, "people", widths=[16, 22, 34] + [14] * (len(header) - 3))
    xlsx.append(sheet, [title], font=Font(bold=True, size=14))
    xlsx.append(sheet, header, font=xlsx.BOLD)
    for row in rows:
        xlsx.append(sheet, row)
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _error(request, exc: ReportError, template: str):
    return render(request, template, {"error": str(exc)}, status=400)


@_reports_user
def warning_view(request):
    today = timezone.localdate()
    try:
        region = figures.region_param(user=request.user, code=request.GET.get("region", ""))
        year = figures.year_param(request.GET.get("year", ""), today=today)
        params = report_params(user=request.user, region=region.code if region else "")
    except ReportError as exc:
        return _error(request, exc, "reports/warning.html")
    table = figures.warning_table(user=request.user, region=region, year=year, on=today)
    lines = [
        [_("Region"), region.full_name() if region else _("All regions")],
        [_("Year"), str(year)],
    ]
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user, action="reports.export", request=request, summary="warning"
        )
        return _xlsx(table, lines, f"warning-{year}.xlsx")
    query = {"year": year, **({"region": region.code} if region else {})}
    return render(
        request,
        "reports/warning.html",
        {
            "table": table,
            "year": year,
            "region": region,
            "breadcrumbs": region_choices(user=request.user, params=params),
            "querystring": urlencode(query),
            "extra": f"year={year}",
        },
    )


@_reports_user
def warning_enterprise_view(request, uscc: str):
    today = timezone.localdate()
    enterprise = enterprise_list(user=request.user).filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404(_("That enterprise is not in your scope."))
    try:
        year = figures.year_param(request.GET.get("year", ""), today=today)
    except ReportError as exc:
        return _error(request, exc, "reports/warning_people.html")
    people = figures.warning_people(enterprise=enterprise, year=year, on=today)
    audit_record(
        actor=request.user,
        action="reports.people",
        target=enterprise,
        request=request,
        summary=f"warning {enterprise.name}",
    )
    if request.GET.get("format") == "xlsx":
        return _people_xlsx(
            f"{enterprise.name} {year} {_('Warning education')}",
            [
                _("Name"),
                _("ID number"),
                _("Enterprise"),
                _("Cases assigned"),
                _("Cases read"),
                _("Cases overdue"),
                _("Meetings attended"),
            ],
            [
                [p.name, p.id_masked, enterprise.name, p.assigned, p.read, p.overdue, p.meetings]
                for p in people
            ],
            f"warning-{enterprise.uscc}-{year}.xlsx",
        )
    return render(
        request,
        "reports/warning_people.html",
        {"enterprise": enterprise, "people": people, "year": year},
    )


@_reports_user
def campaign_list_view(request):
    return render(
        request,
        "reports/campaign_list.html",
        {"campaigns": campaign_list(user=request.user)},
    )


def _campaign(request, pk: int) -> RotationCampaign:
    campaign = campaign_list(user=request.user).filter(pk=pk).first()
    if campaign is None or not figures.campaign_report_allowed(
        user=request.user, campaign=campaign
    ):
        raise Http404(_("No such campaign in your scope."))
    return campaign


@_reports_user
def campaign_view(request, pk: int):
    campaign = _campaign(request, pk)
    by = request.GET.get("by", "region")
    if by not in ("region", "industry", "enterprise"):
        by = "region"
    table = figures.campaign_table(user=request.user, campaign=campaign, by=by)
    if request.GET.get("format") == "xlsx":
        audit_record(
            actor=request.user,
            action="reports.export",
            target=campaign,
            request=request,
            summary=campaign.title[:300],
        )
        lines = [
            [_("Region"), campaign.region.full_name()],
            [_("Period"), f"{campaign.starts_on} – {campaign.ends_on}"],
            [_("Target"), f"{campaign.target_rate:.2%}"],
        ]
        return _xlsx(table, lines, f"campaign-{campaign.pk}-{by}.xlsx")
    return render(
        request,
        "reports/campaign.html",
        {
            "campaign": campaign,
            "table": table,
            "by": by,
            "target_met": figures.campaign_target_met(campaign, table.total),
            "enterprise_prefix": reverse("reports_campaigns:campaign", args=[campaign.pk]),
            "target_percent": float(campaign.target_rate) * 100,
        },
    )


@_reports_user
def campaign_enterprise_view(request, pk: int, uscc: str):
    campaign = _campaign(request, pk)
    enterprise = enterprise_list(user=request.user).filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404(_("That enterprise is not in your scope."))
    people = list(
        figures.campaign_people(user=request.user, campaign=campaign, enterprise=enterprise)
    )
    audit_record(
        actor=request.user,
        action="reports.people",
        target=enterprise,
        request=request,
        summary=f"{campaign.title} {enterprise.name}"[:300],
    )
    if request.GET.get("format") == "xlsx":
        return _people_xlsx(
            f"{campaign.title} · {enterprise.name}",
            [
                _("Name"),
                _("ID number"),
                _("Enterprise"),
                _("Sessions attended"),
                _("Score"),
                _("Passed"),
            ],
            [
                [
                    m.person.name,
                    m.person.id_number_masked,
                    enterprise.name,
                    m.attended,
                    float(m.exam_score) if m.exam_score is not None else None,
                    "" if m.exam_passed is None else (_("Yes") if m.exam_passed else _("No")),
                ]
                for m in people
            ],
            f"campaign-{campaign.pk}-{enterprise.uscc}.xlsx",
        )
    return render(
        request,
        "reports/campaign_people.html",
        {"campaign": campaign, "enterprise": enterprise, "people": people},
    )


@_reports_user
def month_view(request):
    today = timezone.localdate()
    try:
        region = figures.region_param(user=request.user, code=request.GET.get("region", ""))
        year = figures.year_param(request.GET.get("year", ""), today=today)
        params = report_params(user=request.user, region=region.code if region else "")
    except ReportError as exc:
        return _error(request, exc, "reports/months.html")
    table = figures.month_table(user=request.user, region=region, year=year)
    if request.GET.get("format") == "xlsx":
        audit_record(actor=request.user, action="reports.export", request=request, summary="months")
        lines = [
            [_("Region"), region.full_name() if region else _("All regions")],
            [_("Year"), str(year)],
        ]
        return _xlsx(table, lines, f"campaign-months-{year}.xlsx")
    query = {"year": year, **({"region": region.code} if region else {})}
    return render(
        request,
        "reports/months.html",
        {
            "table": table,
            "year": year,
            "region": region,
            "breadcrumbs": region_choices(user=request.user, params=params),
            "querystring": urlencode(query),
        },
    )
