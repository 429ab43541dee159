"""Activation codes for first sign-ins: the enterprise admin picks people on the roster
page, confirms here, and gets the codes once, as printable slips or as a workbook.

GET shows who will get a code (the chosen people, or everyone without an account at the
enterprise) and what happens to older codes; POST issues them (roster.services.activation)
and answers with the slips or the .xlsx. The codes exist in clear only in that answer, so
it is never stored by a cache."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from roster.exports import activation_codes_workbook
from roster.models import Enterprise
from roster.selectors import activation_candidates, administered_enterprises
from roster.services import audit_record
from roster.services.activation import (
    MAX_PER_BATCH,
    ActivationError,
    activation_codes_issue,
    code_days,
)

from .common import staff_scope_required
from .imports import XLSX_TYPE


def _choice(request) -> tuple[Enterprise | None, list[int] | None]:
    """(the enterprise, the chosen people's keys or None for everyone without an account)."""
    data = request.POST if request.method == "POST" else request.GET
    administered = administered_enterprises(user=request.user)
    enterprise = None
    if data.get("enterprise"):
        enterprise = administered.filter(uscc=data["enterprise"]).first()
        if enterprise is None:
            raise PermissionDenied(_("Choose an enterprise you administer."))
    elif not request.user.is_superuser and administered.count() == 1:
        enterprise = administered.first()
    if data.get("all") == "1":
        if enterprise is None:
            raise ActivationError(
                _("Choose the enterprise first: everyone without an account there gets a code.")
            )
        return enterprise, None
    keys = [int(key) for key in data.getlist("people") if key.isdigit()][: MAX_PER_BATCH + 1]
    return enterprise, keys


@staff_scope_required
def activation_codes(request):
    if not administered_enterprises(user=request.user).exists():
        raise PermissionDenied(_("Only an enterprise's admin gives out activation codes."))
    try:
        enterprise, keys = _choice(request)
    except ActivationError as exc:
        messages.error(request, exc.message)
        return redirect("roster:list")
    people = list(
        activation_candidates(user=request.user, enterprise=enterprise, person_ids=keys).order_by(
            "name", "pk"
        )[: MAX_PER_BATCH + 1]
    )
    back = reverse("roster:list") + (f"?enterprise={enterprise.uscc}" if enterprise else "")
    if request.method == "POST":
        output = request.POST.get("output", "sheet")
        try:
            issued = activation_codes_issue(
                actor=request.user, people=people, output=output, request=request
            )
        except ActivationError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        if output == "xlsx":
            response = HttpResponse(activation_codes_workbook(issued), content_type=XLSX_TYPE)
            name = f"activation-codes-{timezone.localdate():%Y%m%d}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        else:
            response = render(
                request,
                "roster/activation_sheet.html",
                {
                    "issued": issued,
                    "login_url": request.build_absolute_uri(reverse("login")),
                    "back": back,
                },
            )
        response["Cache-Control"] = "no-store"  # the codes in clear: no copy anywhere
        return response
    chosen = len(keys) if keys is not None else None
    # The page lists names and masked ID numbers: a view of personal data.
    audit_record(
        actor=request.user,
        action="roster.list",
        request=request,
        summary=enterprise.name if enterprise else "",
        count=len(people),
        filters={"activation_codes": "all" if keys is None else "chosen"},
    )
    return render(
        request,
        "roster/activation_confirm.html",
        {
            "people": people[:MAX_PER_BATCH],
            "too_many": len(people) > MAX_PER_BATCH,
            "max": MAX_PER_BATCH,
            "skipped": (chosen - len(people)) if chosen is not None else 0,
            "everyone": keys is None,
            "enterprise": enterprise,
            "days": code_days(),
            "back": back,
        },
    )
