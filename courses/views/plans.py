"""Training plan pages: list, create, progress, re-assign, overdue. Thin: selectors, services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courses.models import CoursePage, TrainingPlan
from courses.selectors import may_manage, plan_get, plan_list, plan_overdue, plan_progress
from courses.services.plans import PlanError, plan_assign, plan_create
from roster.choices import PersonnelCategory
from roster.form_fields import DateField, IdChoices
from roster.models import Department, Enterprise
from roster.selectors import administered_enterprises, enterprise_list
from roster.services import audit_record
from roster.views.common import staff_scope_required


def enterprise_for_write(request) -> Enterprise:
    """The administered enterprise a write is for (the only one, or ?enterprise=USCC)."""
    administered = administered_enterprises(user=request.user)
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    if uscc:
        enterprise = administered.filter(uscc=uscc).first()
    else:
        enterprise = administered.first() if administered.count() == 1 else None
    if enterprise is None:
        raise PermissionDenied(_("Choose an enterprise you administer."))
    return enterprise


def enterprise_filter(request) -> Enterprise | None:
    uscc = request.GET.get("enterprise")
    if not uscc:
        return None
    enterprise = enterprise_list(user=request.user).filter(uscc=uscc).first()
    if enterprise is None:
        raise Http404(_("That enterprise is not in your scope."))
    return enterprise


def split_id_numbers(text: str) -> list[str]:
    return [part for part in text.replace(",", "\n").replace("，", "\n").split() if part]


class PlanForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    courses = IdChoices(
        label=gettext_lazy("Courses"),
        queryset=CoursePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = DateField(label=gettext_lazy("Due on"), widget=forms.DateInput({"type": "date"}))
    target = forms.ChoiceField(label=gettext_lazy("Assign to"), choices=TrainingPlan.Target.choices)
    personnel_category = forms.ChoiceField(
        label=gettext_lazy("Personnel category"),
        choices=[("", "—"), *PersonnelCategory.choices],
        required=False,
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False
    )
    id_numbers = forms.CharField(
        label=gettext_lazy("ID numbers"),
        widget=forms.Textarea({"rows": 4}),
        required=False,
        help_text=gettext_lazy("One per line; only people on this enterprise's roster."),
    )

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("title")
        self.fields["department"].queryset = Department.objects.filter(enterprise=enterprise)


@staff_scope_required
def plan_list_view(request):
    enterprise = enterprise_filter(request)
    plans = plan_list(user=request.user, enterprise=enterprise)
    return render(
        request,
        "courses/plan_list.html",
        {
            "plans": plans,
            "enterprise": enterprise,
            "today": timezone.localdate(),
            "can_add": administered_enterprises(user=request.user).exists(),
        },
    )


@staff_scope_required
def plan_create_view(request):
    enterprise = enterprise_for_write(request)
    form = PlanForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = plan_create(
                enterprise=enterprise,
                title=data["title"],
                courses=list(data["courses"]),
                target=data["target"],
                due_on=data["due_on"],
                personnel_category=data["personnel_category"],
                department=data["department"],
                id_numbers=split_id_numbers(data["id_numbers"]),
                actor=request.user,
            )
        except PlanError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Plan saved: %(count)s people assigned.") % {"count": result.people},
            )
            return redirect("courses:plan_detail", pk=result.plan.pk)
    return render(request, "courses/plan_form.html", {"form": form, "enterprise": enterprise})


def _plan_or_404(request, pk: int) -> TrainingPlan:
    try:
        return plan_get(user=request.user, pk=pk)
    except TrainingPlan.DoesNotExist as exc:
        raise Http404(_("No such training plan in your scope.")) from exc


@staff_scope_required
def plan_detail_view(request, pk: int):
    plan = _plan_or_404(request, pk)
    progress = plan_progress(plan=plan)
    audit_record(
        actor=request.user,
        action="courses.plan_view",
        target=plan,
        summary=plan.title,
        request=request,
        count=len(progress),
    )
    return render(
        request,
        "courses/plan_detail.html",
        {
            "plan": plan,
            "progress": progress,
            "overdue": plan.due_on < timezone.localdate(),
            "may_manage": may_manage(user=request.user, enterprise=plan.enterprise),
        },
    )


@staff_scope_required
@require_POST
def plan_assign_view(request, pk: int):
    plan = _plan_or_404(request, pk)
    if not may_manage(user=request.user, enterprise=plan.enterprise):
        raise PermissionDenied(_("Only the admin of this enterprise can change its plans."))
    try:
        result = plan_assign(
            plan=plan,
            id_numbers=split_id_numbers(request.POST.get("id_numbers", "")),
            actor=request.user,
        )
    except PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s new assignments.") % {"count": result.added})
    return redirect("courses:plan_detail", pk=plan.pk)


@staff_scope_required
def plan_overdue_view(request):
    enterprise = enterprise_filter(request)
    rows = plan_overdue(user=request.user, enterprise=enterprise)
    audit_record(
        actor=request.user,
        action="courses.plan_overdue",
        summary=enterprise.name if enterprise else "",
        request=request,
        count=len(rows),
    )
    return render(request, "courses/plan_overdue.html", {"rows": rows, "enterprise": enterprise})
