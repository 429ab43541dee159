"""The regulator's pages of knowledge contests (reports/contest_figures.py computes them)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.selectors import leaderboard
from documents import xlsx
from roster.services.audit import audit_record

from ..contest_figures import contests_in_scope
from ..definitions import CONTEST_COUNTS, CONTEST_RATES, CONTEST_SCORE_DEFINITION
from .dashboard import XLSX, _reports_user


@_reports_user
def contest_figures(request):
    rows, scope_ids = contests_in_scope(request.user)
    chosen = None
    by_enterprise = []
    if request.GET.get("contest"):
        pk = request.GET["contest"]
        chosen = next((c for c, _s in rows if str(c.pk) == pk), None)
        if chosen is None:
            raise Http404(_("No such contest in your scope."))
        by_enterprise = leaderboard(
            contest=chosen,
            board="enterprise",
            order=request.GET.get("order", "rate"),
            limit=500,
            enterprise_ids=tuple(scope_ids),
        )
    return render(
        request,
        "reports/contests.html",
        {
            "rows": rows,
            "chosen": chosen,
            "by_enterprise": by_enterprise,
            "definitions": [*CONTEST_COUNTS, *CONTEST_RATES],
            "score_definition": CONTEST_SCORE_DEFINITION,
        },
    )


@_reports_user
def contest_figures_export(request):
    """The contests' figures of the page as .xlsx: definitions above, a row per contest (and,
    with ?contest=, its enterprises below)."""
    rows, scope_ids = contests_in_scope(request.user)
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, _("Knowledge contests"), widths=[40, 24, 14, 14, 14, 14])
    xlsx.append(sheet, [_("Knowledge contests")], font=xlsx.BOLD)
    xlsx.append(sheet, [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for d in [*CONTEST_COUNTS, *CONTEST_RATES]:
        xlsx.append(sheet, [str(d.label), str(d.definition)])
    xlsx.append(sheet, [_("Average score"), str(CONTEST_SCORE_DEFINITION)])
    sheet.append([])
    header = [
        _("Contest"),
        _("Organiser"),
        _("May take part"),
        _("Took part"),
        _("Contest participation rate (参与率)"),
        _("Average score"),
    ]
    xlsx.append(sheet, header, font=xlsx.BOLD)
    for contest, s in rows:
        xlsx.append(
            sheet,
            [
                contest.name,
                contest.organiser_label,
                s["eligible"],
                s["participants"],
                s["rate"],
                s["average"],
            ],
        )
    chosen = None
    if request.GET.get("contest"):
        chosen = next((c for c, _s in rows if str(c.pk) == request.GET["contest"]), None)
        if chosen is None:
            raise Http404(_("No such contest in your scope."))
        sheet.append([])
        xlsx.append(sheet, [f"{chosen.name} · {_('By enterprise')}"], font=xlsx.BOLD)
        xlsx.append(sheet, [_("Enterprise"), *header[2:]], font=xlsx.BOLD)
        for r in leaderboard(
            contest=chosen,
            board="enterprise",
            order="rate",
            limit=500,
            enterprise_ids=tuple(scope_ids),
        ):
            xlsx.append(sheet, [r.name, r.eligible, r.participants, r.rate, r.average])
    audit_record(
        actor=request.user,
        action="contests.figures_export",
        request=request,
        contest=chosen.pk if chosen else None,
    )
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="contests-{stamp}.xlsx"'
    return response
