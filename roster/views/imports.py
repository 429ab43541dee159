"""Roster upload (upload -> preview -> confirm) and the .xlsx export.

Between the check and the import the upload waits in the import framework's pending store
(documents.imports.pending: out of the web root, named by a token only this session knows),
and the file is parsed and checked again before anything is written.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from documents.imports import pending
from documents.sheets import check_size
from roster.imports import FileProblem, read_roster
from roster.models import Enterprise
from roster.selectors import administered_enterprises, employment_list, enterprise_list
from roster.services.imports import roster_export as roster_export_service
from roster.services.imports import roster_import as roster_import_service

from .common import staff_scope_required
from .people import roster_list_filters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_KIND = "roster"  # the pending-upload slot of this import


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file in the roster template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"),
        queryset=Enterprise.objects.none(),
        to_field_name="uscc",
        required=False,
        empty_label=gettext_lazy("As the file's 统一社会信用代码 column says"),
    )
    only_valid = forms.BooleanField(
        label=gettext_lazy("Import only the valid rows"),
        help_text=gettext_lazy("Otherwise nothing is imported while any row is bad."),
        required=False,
    )

    def __init__(self, *args, enterprises: QuerySet[Enterprise], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises.order_by("name")
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.get().uscc


def _administered_or_403(request) -> QuerySet[Enterprise]:
    administered = administered_enterprises(user=request.user)
    if not administered.exists():
        raise PermissionDenied(_("Only enterprise admins and system admins may import."))
    return administered


@staff_scope_required
def roster_import(request):
    administered = _administered_or_403(request)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, administered)
    form = UploadForm(request.POST or None, request.FILES or None, enterprises=administered)
    if request.method == "POST" and form.is_valid():
        return _preview(request, form, administered)
    return render(request, "roster/import.html", {"form": form})


def _preview(request, form: UploadForm, administered: QuerySet[Enterprise]):
    upload = form.cleaned_data["file"]
    enterprise = form.cleaned_data["enterprise"]
    only_valid = form.cleaned_data["only_valid"]
    try:
        check_size(upload.size)
        data = upload.read()
        rows = read_roster(data, upload.name, enterprises=administered, enterprise=enterprise)
    except FileProblem as exc:
        form.add_error("file", str(exc))
        return render(request, "roster/import.html", {"form": form})
    result = roster_import_service(rows=rows, actor=request.user, only_valid=True, dry_run=True)
    token = ""
    if rows.rows:
        token = pending.stash(
            request,
            _KIND,
            data,
            upload.name,
            enterprise=enterprise.uscc if enterprise else "",
            only_valid=only_valid,
        )
    return render(
        request,
        "roster/import.html",
        {
            "form": form,
            "preview": {
                "filename": upload.name,
                "enterprise": enterprise,
                "total": rows.total_rows,
                "valid": len(rows.rows),
                "bad": result.bad_rows,
                "result": result,
                "token": token,
                "only_valid": only_valid,
            },
        },
    )


def _confirm(request, administered: QuerySet[Enterprise]):
    waiting = pending.take(request, _KIND, request.POST.get("token", ""))
    if waiting is None:
        messages.error(request, _("This upload has expired or was already imported; upload again."))
        return redirect("roster:import")
    enterprise = None
    if waiting.choices["enterprise"]:
        enterprise = administered.filter(uscc=waiting.choices["enterprise"]).first()
        if enterprise is None:
            raise PermissionDenied(_("You no longer administer this enterprise."))
    only_valid = waiting.choices["only_valid"] or request.POST.get("only_valid") == "1"
    try:
        rows = read_roster(
            waiting.data, waiting.filename, enterprises=administered, enterprise=enterprise
        )
    except FileProblem as exc:
        messages.error(request, str(exc))
        return redirect("roster:import")
    result = roster_import_service(
        rows=rows, actor=request.user, only_valid=only_valid, dry_run=False, request=request
    )
    if result.refused:
        messages.error(
            request,
            _("%(bad)s rows are bad; nothing was imported.") % {"bad": result.bad_rows},
        )
        return redirect("roster:import")
    messages.success(
        request,
        _(
            "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
            "%(bad)s bad rows skipped."
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "bad": result.bad_rows,
        },
    )
    if result.transfers:
        messages.info(
            request,
            ngettext(
                "%(n)s person is employed at another enterprise: a transfer request went to "
                "that enterprise (see Transfer requests).",
                "%(n)s people are employed at other enterprises: transfer requests went to "
                "their enterprises (see Transfer requests).",
                len(result.transfers),
            )
            % {"n": len(result.transfers)},
        )
    target = redirect("roster:list")
    if enterprise is not None:
        target["Location"] += f"?enterprise={enterprise.uscc}"
    return target


@staff_scope_required
def roster_export(request):
    """The roster list's rows (same filters) as .xlsx; full IDs only where the user administers."""
    enterprise = None
    if request.GET.get("enterprise"):
        enterprise = enterprise_list(user=request.user).filter(uscc=request.GET["enterprise"])
        enterprise = enterprise.first()
        if enterprise is None:
            raise Http404(_("That enterprise is not in your scope."))
    filters = roster_list_filters(request)
    employments = employment_list(user=request.user, enterprise=enterprise, **filters)
    if request.user.is_superuser:
        unmasked = None
    else:
        unmasked = set(administered_enterprises(user=request.user).values_list("pk", flat=True))
    content, _count = roster_export_service(
        employments=employments,
        actor=request.user,
        unmasked_enterprises=unmasked,
        request=request,
        enterprise=enterprise.uscc if enterprise else "",
        filters={k: v for k, v in filters.items() if v},
    )
    name = f"roster-{enterprise.uscc + '-' if enterprise else ''}{timezone.localdate():%Y%m%d}"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response
