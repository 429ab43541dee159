"""Classroom sessions, 三级安全教育 and 三违 records: pages for the enterprise admin (regulators
in scope read them). Thin: forms parse, services write, selectors read."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from config.storage import private_file_response
from courses.models import (
    ClassroomSession,
    SafetyEducationRecord,
    TrainingKind,
    ViolationRetraining,
)
from courses.selectors import (
    classroom_get,
    classroom_list,
    may_manage,
    safety_education_list,
    violation_get,
    violation_list,
)
from courses.services.classroom import (
    SessionData,
    attendees_from_id_numbers,
    classroom_record,
    classroom_update,
)
from courses.services.records import (
    RecordError,
    safety_education_record,
    violation_record,
    violation_return,
)
from question_banks.models import ExamSession
from question_banks.services.internal_exams import return_exam_open
from roster.form_fields import DateField, IdChoices
from roster.models import Person
from roster.selectors import administered_enterprises
from roster.services import audit_record
from roster.views.common import staff_scope_required

from .plans import enterprise_filter, enterprise_for_write, split_id_numbers

_date = forms.DateInput({"type": "date"})


class ClassroomForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    training_kind = forms.ChoiceField(
        label=gettext_lazy("Training kind"), choices=TrainingKind.choices
    )
    held_on = DateField(label=gettext_lazy("Held on"), widget=_date)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours (学时)"), max_digits=4, decimal_places=1, min_value=0.5
    )
    trainer = forms.CharField(label=gettext_lazy("Trainer"), max_length=100)
    attendees = IdChoices(
        label=gettext_lazy("Attendees from the roster"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    id_numbers = forms.CharField(
        label=gettext_lazy("Or their ID numbers"),
        widget=forms.Textarea({"rows": 3}),
        required=False,
        help_text=gettext_lazy("One per line."),
    )
    sign_in_sheet = forms.FileField(
        label=gettext_lazy("Sign-in sheet (PDF, JPEG or PNG)"), required=False
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Person.objects.filter(
            employments__enterprise=enterprise, employments__ended_on__isnull=True
        ).order_by("name")


def _session_data(data) -> SessionData:
    return SessionData(
        title=data["title"],
        training_kind=data["training_kind"],
        held_on=data["held_on"],
        hours=data["hours"],
        trainer=data["trainer"],
    )


def _attendees(enterprise, data) -> list[Person]:
    picked = list(data["attendees"])
    listed = attendees_from_id_numbers(
        enterprise=enterprise, id_numbers=split_id_numbers(data["id_numbers"])
    )
    seen = {p.pk for p in picked}
    return picked + [p for p in listed if p.pk not in seen]


@staff_scope_required
def classroom_list_view(request):
    enterprise = enterprise_filter(request)
    sessions = classroom_list(user=request.user, enterprise=enterprise)
    return render(
        request,
        "courses/classroom_list.html",
        {
            "sessions": sessions,
            "enterprise": enterprise,
            # Regulators read these lists; only an enterprise's admin records into them.
            "can_add": administered_enterprises(user=request.user).exists(),
        },
    )


@staff_scope_required
def classroom_create_view(request):
    enterprise = enterprise_for_write(request)
    form = ClassroomForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            session = classroom_record(
                enterprise=enterprise,
                data=_session_data(form.cleaned_data),
                attendees=_attendees(enterprise, form.cleaned_data),
                sign_in_sheet=form.cleaned_data["sign_in_sheet"],
                actor=request.user,
            )
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Classroom session recorded; attendees credited."))
            return redirect("courses:classroom_edit", pk=session.pk)
    return render(
        request,
        "courses/classroom_form.html",
        {"form": form, "enterprise": enterprise, "session": None},
    )


@staff_scope_required
def classroom_edit_view(request, pk: int):
    try:
        session = classroom_get(user=request.user, pk=pk)
    except ClassroomSession.DoesNotExist as exc:
        raise Http404(_("No such classroom session in your scope.")) from exc
    manage = may_manage(user=request.user, enterprise=session.enterprise)
    if request.method == "POST" and not manage:
        raise PermissionDenied(_("Only the admin of this enterprise can change it."))
    initial = {
        "title": session.title,
        "training_kind": session.training_kind,
        "held_on": session.held_on,
        "hours": session.hours,
        "trainer": session.trainer,
        "attendees": list(session.attendees.all()),
    }
    form = ClassroomForm(
        request.POST or None, request.FILES or None, initial=initial, enterprise=session.enterprise
    )
    if request.method == "POST" and form.is_valid():
        try:
            classroom_update(
                session=session,
                data=_session_data(form.cleaned_data),
                attendees=_attendees(session.enterprise, form.cleaned_data),
                sign_in_sheet=form.cleaned_data["sign_in_sheet"] or None,
                actor=request.user,
            )
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved; the attendees' hours were credited again."))
            return redirect("courses:classroom_edit", pk=session.pk)
    audit_record(
        actor=request.user,
        action="courses.classroom_view",
        target=session,
        summary=session.title,
        request=request,
    )
    return render(
        request,
        "courses/classroom_form.html",
        {"form": form, "enterprise": session.enterprise, "session": session, "manage": manage},
    )


@staff_scope_required
@require_safe
def classroom_sheet_view(request, pk: int):
    """The sign-in sheet, from the private storage: only to those who may read the session
    (anyone else gets a 404, not even whether it exists); each read is audited."""
    try:
        session = classroom_get(user=request.user, pk=pk)
    except ClassroomSession.DoesNotExist as exc:
        raise Http404(_("No such classroom session in your scope.")) from exc
    if not session.sign_in_sheet:
        raise Http404(_("No such classroom session in your scope."))
    audit_record(
        actor=request.user,
        action="courses.classroom_view",
        target=session,
        summary=session.title,
        request=request,
    )
    return private_file_response(session.sign_in_sheet, inline=False)


# --------------------------------------------------------------------------- 三级 and 三违


class SafetyEducationForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=18)
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), choices=SafetyEducationRecord.Level.choices
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=SafetyEducationRecord.Reason.choices
    )
    held_on = DateField(label=gettext_lazy("Held on"), widget=_date)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours (学时)"), max_digits=4, decimal_places=1, min_value=0.5
    )
    trainer = forms.CharField(label=gettext_lazy("Trainer"), max_length=100, required=False)


class ViolationForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=18)
    violation = forms.CharField(
        label=gettext_lazy("Violation"), max_length=300, widget=forms.Textarea({"rows": 2})
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=ViolationRetraining.Severity.choices,
        initial=ViolationRetraining.Severity.ORDINARY,
        help_text=gettext_lazy(
            "Serious: one such violation refuses the review (复审) of a special-operation "
            "certificate; ordinary ones do from the second."
        ),
    )
    off_job_from = DateField(label=gettext_lazy("Off the job from"), widget=_date)
    exam_session = forms.ModelChoiceField(
        label=gettext_lazy("Exam to pass before returning"),
        queryset=ExamSession.objects.none(),
        required=False,
        help_text=gettext_lazy("Empty: the enterprise's standing return-to-work exam."),
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the enterprise's own exams that have not closed (another's is refused anyway).
        self.fields["exam_session"].queryset = ExamSession.objects.filter(
            enterprise=enterprise, closes_at__gt=timezone.now()
        ).order_by("-opens_at")


def _one_person(enterprise, id_number: str) -> Person:
    return attendees_from_id_numbers(enterprise=enterprise, id_numbers=[id_number])[0]


@staff_scope_required
def record_list_view(request):
    enterprise = enterprise_filter(request)
    education = safety_education_list(user=request.user, enterprise=enterprise)[:500]
    violations = violation_list(user=request.user, enterprise=enterprise)[:500]
    audit_record(
        actor=request.user,
        action="courses.records_view",
        summary=enterprise.name if enterprise else "",
        request=request,
    )
    return render(
        request,
        "courses/record_list.html",
        {
            "education": education,
            "violations": violations,
            "enterprise": enterprise,
            "can_add": administered_enterprises(user=request.user).exists(),
        },
    )


@staff_scope_required
def safety_education_create_view(request):
    enterprise = enterprise_for_write(request)
    form = SafetyEducationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            safety_education_record(
                person=_one_person(enterprise, data["id_number"]),
                enterprise=enterprise,
                level=data["level"],
                reason=data["reason"],
                held_on=data["held_on"],
                hours=data["hours"],
                trainer=data["trainer"],
                actor=request.user,
            )
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Three-level safety education recorded."))
            return redirect("courses:record_list")
    return render(
        request,
        "courses/record_form.html",
        {"form": form, "enterprise": enterprise, "heading": _("Three-level safety education")},
    )


@staff_scope_required
def violation_create_view(request):
    enterprise = enterprise_for_write(request)
    form = ViolationForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            violation_record(
                person=_one_person(enterprise, data["id_number"]),
                enterprise=enterprise,
                violation=data["violation"],
                severity=data["severity"],
                off_job_from=data["off_job_from"],
                exam_session=data["exam_session"],
                actor=request.user,
            )
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Violation retraining recorded."))
            return redirect("courses:record_list")
    return render(
        request,
        "courses/record_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "heading": _("Violation retraining (三违)"),
            "violation": True,
            "return_exam": return_exam_open(enterprise=enterprise),
        },
    )


@staff_scope_required
@require_POST
def violation_return_view(request, pk: int):
    try:
        violation = violation_get(user=request.user, pk=pk)
    except ViolationRetraining.DoesNotExist as exc:
        raise Http404(_("No such record in your scope.")) from exc
    if not may_manage(user=request.user, enterprise=violation.enterprise):
        raise PermissionDenied(_("Only the admin of this enterprise can change it."))
    try:
        violation_return(violation=violation, actor=request.user, on=timezone.localdate())
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Back on the job."))
    return redirect("courses:record_list")
