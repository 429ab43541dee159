"""三级安全教育 of staff who predate the product, for the enterprise admin: import earlier
records (upload -> check page with every bad row -> confirm), or mark the education as done
before go-live with a reason, for one person or everyone hired before a date. Thin: the
parser checks, the services check rights and write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.imports import TEMPLATE_HEADERS, read_education
from courses.services.compliance import safety_education_status
from courses.services.records import RecordError
from courses.services.safety_education import (
    education_import,
    education_mark_done_before_go_live,
    education_mark_hired_before,
)
from documents.errors import FileProblem
from documents.imports import pending
from documents.sheets import check_size
from roster.form_fields import DateField
from roster.models import Employment
from roster.views.common import staff_scope_required

from .plans import enterprise_for_write
from .records import _one_person

_KIND = "safety_education"  # the pending-upload slot of this import
_MISSING_LISTED = 300  # people listed as missing 三级 on the page (the count is exact)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of earlier three-level education"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    only_valid = forms.BooleanField(
        label=gettext_lazy("Import only the valid rows"),
        help_text=gettext_lazy("Otherwise nothing is imported while any row is bad."),
        required=False,
    )


@staff_scope_required
def education_import_view(request):
    enterprise = enterprise_for_write(request)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, enterprise)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "enterprise": enterprise, "headers": TEMPLATE_HEADERS.values()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            data = upload.read()
            rows = read_education(data, upload.name, enterprise=enterprise)
            report = education_import(
                rows=rows, enterprise=enterprise, actor=request.user, only_valid=True, dry_run=True
            )
        except FileProblem as exc:
            form.add_error("file", str(exc))
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            token = ""
            if rows.rows:
                token = pending.stash(
                    request,
                    _KIND,
                    data,
                    upload.name,
                    enterprise=enterprise.uscc,
                    only_valid="1" if form.cleaned_data["only_valid"] else "",
                )
            context["check"] = {
                "filename": upload.name,
                "total": rows.total_rows,
                "valid": len(rows.rows),
                "report": report,
                "token": token,
            }
    return render(request, "courses/education_import.html", context)


def _confirm(request, enterprise):
    waiting = pending.take(request, _KIND, request.POST.get("token", ""))
    target = redirect(f"{request.path}?enterprise={enterprise.uscc}")
    if waiting is None or waiting.choices["enterprise"] != enterprise.uscc:
        messages.error(request, _("This upload has expired or was already imported; upload again."))
        return target
    only_valid = bool(waiting.choices["only_valid"]) or request.POST.get("only_valid") == "1"
    try:
        # Checked again: the roster may have changed since the check page.
        rows = read_education(waiting.data, waiting.filename, enterprise=enterprise)
        report = education_import(
            rows=rows,
            enterprise=enterprise,
            actor=request.user,
            only_valid=only_valid,
            dry_run=False,
        )
    except (FileProblem, RecordError) as exc:
        messages.error(request, str(exc))
        return target
    if report.refused:
        messages.error(
            request, _("%(bad)s rows are bad; nothing was imported.") % {"bad": report.bad_rows}
        )
        return target
    messages.success(
        request,
        _("Imported: %(created)s records, %(unchanged)s already there, %(bad)s bad rows skipped.")
        % {"created": report.created, "unchanged": report.unchanged, "bad": report.bad_rows},
    )
    return redirect(f"{_go_live_url()}?enterprise={enterprise.uscc}")


def _go_live_url() -> str:
    return reverse("courses:education_before_go_live")


class PersonMarkForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=18)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


class BulkMarkForm(forms.Form):
    hired_before = DateField(
        label=gettext_lazy("Hired before"), widget=forms.DateInput({"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)


@staff_scope_required
def education_before_go_live_view(request):
    """Who still misses 三级 at the enterprise, and the two ways to mark earlier education."""
    enterprise = enterprise_for_write(request)
    which = request.POST.get("form") if request.method == "POST" else None
    person_form = PersonMarkForm(request.POST if which == "person" else None, prefix="person")
    bulk_form = BulkMarkForm(request.POST if which == "bulk" else None, prefix="bulk")
    here = f"{request.path}?enterprise={enterprise.uscc}"
    if which == "person" and person_form.is_valid():
        data = person_form.cleaned_data
        try:
            person = _one_person(enterprise, data["id_number"])
            education_mark_done_before_go_live(
                person=person,
                enterprise=enterprise,
                reason=data["reason"],
                actor=request.user,
                request=request,
            )
        except RecordError as exc:
            person_form.add_error("id_number", str(exc))
        else:
            messages.success(
                request,
                _("%(name)s: three-level education marked as done before go-live.")
                % {"name": person.name},
            )
            return redirect(here)
    if which == "bulk" and bulk_form.is_valid():
        data = bulk_form.cleaned_data
        try:
            count = education_mark_hired_before(
                enterprise=enterprise,
                hired_before=data["hired_before"],
                reason=data["reason"],
                actor=request.user,
                request=request,
            )
        except RecordError as exc:
            bulk_form.add_error("hired_before", str(exc))
        else:
            messages.success(
                request,
                _("Marked as done before go-live for %(n)s people hired before %(date)s.")
                % {"n": count, "date": data["hired_before"].isoformat()},
            )
            return redirect(here)
    missing = []
    current = (
        Employment.objects.current()
        .filter(enterprise=enterprise)
        .select_related("person")
        .order_by("hire_date", "person__name")
    )
    for employment in current:
        status = safety_education_status(person=employment.person)
        if not status.complete:
            missing.append((employment, status))
    return render(
        request,
        "courses/education_before_go_live.html",
        {
            "enterprise": enterprise,
            "person_form": person_form,
            "bulk_form": bulk_form,
            "missing": missing[:_MISSING_LISTED],
            "missing_count": len(missing),
        },
    )
