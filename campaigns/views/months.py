"""Campaign-month activities: an enterprise admin records them with evidence; everyone with a
staff scope reads those of their enterprises (the roll-up is /reports/campaign-months/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from campaigns import selectors
from campaigns.forms import ActivityForm
from campaigns.models import ActivityEvidence
from campaigns.services import CampaignError
from campaigns.services.months import evidence_max_bytes, month_activity_record
from config.storage import private_file_response
from roster.selectors import administered_enterprises

from .warning import form_error, staff_required


@staff_required
def activity_list_view(request):
    return render(
        request,
        "campaigns/month_list.html",
        {
            "activities": selectors.month_activity_list(user=request.user)[:200],
            "can_record": administered_enterprises(user=request.user).exists(),
        },
    )


@staff_required
def evidence_file_view(request, pk: int):
    """Evidence is served here only, never from a public URL: the selector's scope decides,
    and anyone else gets a 404 (not even whether the file exists)."""
    try:
        evidence = selectors.month_evidence_get(user=request.user, pk=pk)
    except ActivityEvidence.DoesNotExist as exc:
        raise Http404 from exc
    return private_file_response(evidence.file, inline=evidence.kind == ActivityEvidence.Kind.PHOTO)


@staff_required
def activity_create_view(request):
    administered = administered_enterprises(user=request.user).order_by("name")
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    enterprise = administered.filter(uscc=uscc).first() if uscc else administered.first()
    if enterprise is None:
        raise PermissionDenied(_("Only the admin of this enterprise can record its activities."))
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        people=selectors.roster_people(enterprise=enterprise),
    )
    form.fields["evidence"].help_text = _(
        "JPEG, PNG or PDF, each at most %(mb)s MB, up to 10 files."
    ) % {"mb": evidence_max_bytes() // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            month_activity_record(
                actor=request.user,
                enterprise=enterprise,
                month=data["month"],
                title=data["title"],
                held_on=data["held_on"],
                description=data["description"],
                participants=list(data["participants"]),
                files=data["evidence"],
            )
        except CampaignError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect("campaigns:month_list")
    return render(
        request,
        "campaigns/month_form.html",
        {"form": form, "enterprise": enterprise, "administered": administered},
    )
