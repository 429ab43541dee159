"""Warning-education pages: assignments (regulators and enterprise admins), the trainee's
own cases and the reading page, meetings (enterprise admins record, regulators read)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import selectors
from campaigns.forms import MeetingForm, WarningAssignForm
from campaigns.models import WarningAssignee, WarningAssignment
from campaigns.services import CampaignError
from campaigns.services.warning import (
    warning_assignment_create,
    warning_meeting_record,
    warning_rule,
)
from roster.selectors import administered_enterprises, user_scope
from roster.services import audit_record


def staff_required(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not user_scope(request.user).is_staff_scope:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def form_error(form, exc: CampaignError) -> None:
    """A service's refusal shown beside its field (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@staff_required
def assignment_list_view(request):
    return render(
        request,
        "campaigns/warning_list.html",
        {
            "assignments": selectors.warning_assignment_list(user=request.user)[:200],
            "can_assign": selectors.may_assign_warning(request.user),
            "today": timezone.localdate(),
        },
    )


@staff_required
def assignment_create_view(request):
    enterprises = selectors.warning_assignable_enterprises(user=request.user).order_by("name")
    if not enterprises.exists():
        raise PermissionDenied(_("You may not assign warning cases."))
    form = WarningAssignForm(
        request.POST or None, cases=selectors.warning_cases(), enterprises=enterprises
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = warning_assignment_create(
                actor=request.user,
                case=data["case"],
                enterprises=list(data["enterprises"]),
                due_on=data["due_on"],
                personnel_category=data["personnel_category"],
                post=data["post"],
                note=data["note"],
            )
        except CampaignError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Assigned to %(n)s people.") % {"n": assignment.assignees.count()},
            )
            return redirect("campaigns:warning_detail", pk=assignment.pk)
    return render(request, "campaigns/warning_form.html", {"form": form})


@staff_required
def assignment_detail_view(request, pk: int):
    try:
        assignment = selectors.warning_assignment_get(user=request.user, pk=pk)
    except WarningAssignment.DoesNotExist as exc:
        raise Http404(_("No such assignment in your scope.")) from exc
    readers = list(selectors.warning_readers(user=request.user, assignment=assignment))
    audit_record(
        actor=request.user,
        action="warning.readers_view",
        target=assignment,
        request=request,
        summary=assignment.case.title[:300],
    )
    return render(
        request,
        "campaigns/warning_detail.html",
        {"assignment": assignment, "readers": readers, "today": timezone.localdate()},
    )


@login_required
def my_cases_view(request):
    readings = []
    if request.user.person_id:
        readings = list(selectors.my_warning_readings(person=request.user.person))
    return render(
        request,
        "campaigns/my_cases.html",
        {"readings": readings, "today": timezone.localdate()},
    )


@login_required
def read_view(request, pk: int):
    try:
        reading = selectors.my_reading_get(user=request.user, pk=pk)
    except WarningAssignee.DoesNotExist as exc:
        raise Http404(_("No such case assigned to you.")) from exc
    rule = warning_rule()
    return render(
        request,
        "campaigns/read.html",
        {
            "reading": reading,
            "page": reading.assignment.case,
            "credit_seconds": rule.reading_minutes * 60,
            "credited_seconds": reading.credited_ms // 1000,
            "rule": rule,
        },
    )


@staff_required
def meeting_list_view(request):
    return render(
        request,
        "campaigns/meeting_list.html",
        {
            "meetings": selectors.meeting_list(user=request.user)[:200],
            "can_record": administered_enterprises(user=request.user).exists(),
        },
    )


@staff_required
def meeting_create_view(request):
    administered = administered_enterprises(user=request.user).order_by("name")
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    enterprise = administered.filter(uscc=uscc).first() if uscc else administered.first()
    if enterprise is None:
        raise PermissionDenied(_("Only the admin of this enterprise can record its meetings."))
    form = MeetingForm(
        request.POST or None,
        cases=selectors.warning_cases(),
        people=selectors.roster_people(enterprise=enterprise),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warning_meeting_record(
                actor=request.user,
                enterprise=enterprise,
                held_on=data["held_on"],
                topic=data["topic"],
                cases=list(data["cases"]),
                attendees=list(data["attendees"]),
            )
        except CampaignError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("campaigns:meeting_list")
    return render(
        request,
        "campaigns/meeting_form.html",
        {"form": form, "enterprise": enterprise, "administered": administered},
    )
