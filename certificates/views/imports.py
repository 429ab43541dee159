"""Existing certificates uploaded on the web (upload -> check page -> import), the same file
and the same checks as `import_certificates` (CONTRACT.md), on the shared import framework
(documents.imports): the upload waits out of the web root between the check and the import,
and is read and checked again before anything is written.

Who: the system admin and enterprise admins (certificate administration). A row may only
give a certificate to someone the uploader manages: the file is read against their people
(certificates.selectors.certificate_import_people), and the service checks each holder again.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.imports import read_certificates
from certificates.selectors import can_manage_certificates, certificate_import_people
from certificates.services.imports import certificate_import
from documents.errors import FileProblem
from documents.imports import pending
from documents.sheets import check_size
from roster.views.common import staff_scope_required

_KIND = "certificates"  # the pending-upload slot of this import


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Certificate file"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file in the certificate template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _require_manager(request) -> None:
    if not can_manage_certificates(user=request.user):
        raise PermissionDenied(_("Only enterprise admins and system admins may import."))


@staff_scope_required
def certificate_import_page(request):
    _require_manager(request)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _check(request, form)
    return render(request, "certificates/import.html", {"form": form})


def _check(request, form: UploadForm):
    upload = form.cleaned_data["file"]
    try:
        check_size(upload.size)
        data = upload.read()
        rows = read_certificates(
            data, upload.name, people=certificate_import_people(user=request.user)
        )
    except FileProblem as exc:
        form.add_error("file", str(exc))
        return render(request, "certificates/import.html", {"form": form})
    # The import done and rolled back: the check page shows what the database would refuse.
    result = certificate_import(rows=rows, actor=request.user, only_valid=True, dry_run=True)
    # A row adding an operation item to a holder's card counts as updated, and is as good.
    valid = result.created + result.updated
    token = pending.stash(request, _KIND, data, upload.name) if valid else ""
    return render(
        request,
        "certificates/import.html",
        {
            "form": UploadForm(),
            "check": {
                "filename": upload.name,
                "total": rows.total_rows,
                "valid": valid,
                "report": result,
                "token": token,
            },
        },
    )


def _confirm(request):
    waiting = pending.take(request, _KIND, request.POST.get("token", ""))
    if waiting is None:
        messages.error(request, _("This upload has expired or was already imported; upload again."))
        return redirect("certificates_manage:import")
    try:
        rows = read_certificates(
            waiting.data, waiting.filename, people=certificate_import_people(user=request.user)
        )
    except FileProblem as exc:
        messages.error(request, str(exc))
        return redirect("certificates_manage:import")
    result = certificate_import(
        rows=rows, actor=request.user, only_valid=True, dry_run=False, request=request
    )
    messages.success(
        request,
        _("Imported %(created)s certificates; %(bad)s bad rows skipped.")
        % {"created": result.created, "bad": result.bad_rows},
    )
    if result.updated:
        messages.success(
            request,
            _("Operation items added to existing special-operation certificates: %(n)s.")
            % {"n": result.updated},
        )
    return redirect("certificates_manage:index")
