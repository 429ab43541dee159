"""The roster pages: list, detail, add, edit, status change. Thin: selectors and services."""

from collections.abc import Container

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roster.choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from roster.forms import PersonEditForm, PersonForm, StatusForm
from roster.models import Enterprise, Person
from roster.selectors import (
    administered_enterprises,
    can_edit_person,
    can_see_full_id,
    employment_list,
    enterprise_list,
    person_get,
)
from roster.services import PersonData, RosterError, audit_record, employment_change_status
from roster.services.people import person_create_or_update
from roster.services.transfers import transfer_requested_message

from .common import staff_scope_required


class _EveryEnterprise:
    """The system admin's: every enterprise (without reading their keys)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


_EVERY_ENTERPRISE = _EveryEnterprise()


def roster_list_filters(request) -> dict:
    """The roster list's filters from the query string; the export uses the same ones."""
    return {
        "category": request.GET.get("category", ""),
        "employment_form": request.GET.get("form", ""),
        "status": request.GET.get("status", ""),
        "search": request.GET.get("q", "")[:50],
    }


@staff_scope_required
def roster_list(request):
    enterprises = enterprise_list(user=request.user)
    enterprise = None
    if request.GET.get("enterprise"):
        enterprise = enterprises.filter(uscc=request.GET["enterprise"]).first()
        if enterprise is None:
            messages.error(request, _("That enterprise is not in your scope."))
    filters = roster_list_filters(request)
    rows = employment_list(user=request.user, enterprise=enterprise, **filters)
    # Rows of these enterprises get a tick box for activation codes, and an account column.
    if request.user.is_superuser:
        issuable: Container[int] = _EVERY_ENTERPRISE
    else:
        issuable = set(administered_enterprises(user=request.user).values_list("pk", flat=True))
    if issuable:
        rows = rows.select_related("person__user")
    page = Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action="roster.list",
        request=request,
        summary=enterprise.name if enterprise else "",
        count=page.paginator.count,
        filters={k: v for k, v in filters.items() if v},
    )
    return render(
        request,
        "roster/roster_list.html",
        {
            "page": page,
            "enterprise": enterprise,
            "enterprises": enterprises.order_by("name")[:500],
            "filters": filters,
            "categories": PersonnelCategory.choices,
            "forms": EmploymentForm.choices,
            "statuses": EmploymentStatus.choices,
            "can_add": bool(issuable),
            "can_issue": bool(issuable),
            "issuable": issuable,
            "one_enterprise": not request.user.is_superuser and len(issuable) == 1,
            "querystring": request.GET.copy().urlencode() if request.GET else "",
        },
    )


def _person_or_404(request, pk: int) -> Person:
    try:
        return person_get(user=request.user, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404(_("No such person in your scope.")) from exc


@staff_scope_required
def person_detail(request, pk: int):
    person = _person_or_404(request, pk)
    reveal = request.GET.get("reveal") == "1" and can_see_full_id(user=request.user, person=person)
    audit_record(
        actor=request.user,
        action="person.reveal_id" if reveal else "person.view",
        target=person,
        summary=person.name,
        request=request,
    )
    return render(
        request,
        "roster/person_detail.html",
        {
            "person": person,
            "employments": person.employments.all(),
            "reveal": reveal,
            "may_reveal": can_see_full_id(user=request.user, person=person),
            "may_edit": can_edit_person(user=request.user, person=person),
            "status_form": StatusForm(initial={"status": EmploymentStatus.ON_POST}),
        },
    )


def _enterprise_for_write(request) -> Enterprise:
    administered = administered_enterprises(user=request.user)
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    if uscc:
        enterprise = administered.filter(uscc=uscc).first()
    else:
        enterprise = administered.first() if administered.count() == 1 else None
    if enterprise is None:
        raise PermissionDenied(_("Choose an enterprise you administer."))
    return enterprise


def _form_refusal(form, error: RosterError) -> None:
    """A refusal of the service, shown on the form at the field it concerns."""
    if error.code == "not_admin":
        raise PermissionDenied(error.message)
    form.add_error(error.field if error.field in form.fields else None, error.message)


@staff_scope_required
def person_create(request):
    enterprise = _enterprise_for_write(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = person_create_or_update(
                data=PersonData(
                    id_number=data["id_number"],
                    name=data["name"],
                    enterprise=enterprise,
                    category=data["category"],
                    phone=data["phone"],
                    department_name=data["department"],
                    post=data["post"],
                    employment_form=data["employment_form"],
                    hire_date=data["hire_date"],
                ),
                actor=request.user,
                request=request,
            )
        except RosterError as exc:
            _form_refusal(form, exc)
        else:
            if result.transfer is not None:
                # Employed elsewhere: all the asking enterprise learns is that much.
                messages.info(request, transfer_requested_message(created=result.changed))
                return redirect("roster:transfers")
            messages.success(
                request, _("%(name)s is on the roster.") % {"name": result.person.name}
            )
            return redirect("roster:person_detail", pk=result.person.pk)
    return render(
        request, "roster/person_form.html", {"form": form, "enterprise": enterprise, "person": None}
    )


@staff_scope_required
def person_edit(request, pk: int):
    person = _person_or_404(request, pk)
    if not can_edit_person(user=request.user, person=person):
        raise PermissionDenied(_("Only the admin of this person's enterprise can change it."))
    employment = (
        person.employments.filter(ended_on__isnull=True)
        .select_related("enterprise", "department")
        .first()
    )
    if employment is None:
        raise Http404(_("This person is on no enterprise's roster now; add them again instead."))
    initial = {
        "name": person.name,
        "phone": person.phone,
        "department": employment.department.name if employment.department else "",
        "post": employment.post,
        "category": employment.category,
        "employment_form": employment.employment_form,
        "hire_date": employment.hire_date,
    }
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_create_or_update(
                data=PersonData(
                    id_number=person.id_number,
                    name=data["name"],
                    enterprise=employment.enterprise,
                    category=data["category"],
                    phone=data["phone"],
                    department_name=data["department"],
                    post=data["post"],
                    employment_form=data["employment_form"],
                    hire_date=data["hire_date"],
                ),
                actor=request.user,
                request=request,
            )
        except RosterError as exc:
            _form_refusal(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("roster:person_detail", pk=person.pk)
    # The form shows the full phone number: a view of personal data, so it is audited.
    audit_record(
        actor=request.user,
        action="person.edit_view",
        target=person,
        summary=person.name,
        request=request,
    )
    return render(
        request,
        "roster/person_form.html",
        {"form": form, "enterprise": employment.enterprise, "person": person},
    )


@staff_scope_required
@require_POST
def person_status(request, pk: int):
    person = _person_or_404(request, pk)
    if not can_edit_person(user=request.user, person=person):
        raise PermissionDenied(_("Only the admin of this person's enterprise can change it."))
    employment = get_object_or_404(person.employments, ended_on__isnull=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        employment_change_status(
            employment=employment,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Status changed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("roster:person_detail", pk=person.pk)
