"""The enterprise directory and the region list on the web: upload -> check page -> import
the good rows, and the exports; for the system admin and regulators (within their region).

The steps are the import framework's (documents.imports): the check page is a dry run of the
very service that imports, the upload waits out of the web root under a token only this
session knows, and it is read and checked again before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.errors import FileProblem
from documents.imports import pending
from documents.sheets import check_size
from roster.imports.directory import (
    ENTERPRISE_TEMPLATE,
    REGION_TEMPLATE,
    read_enterprises,
    read_regions,
)
from roster.selectors import directory_scope
from roster.services.directory import (
    directory_require,
    enterprise_directory_export,
    enterprise_directory_import,
    region_directory_export,
    region_directory_import,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DirectoryUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx workbook or a .csv file with the columns below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


@dataclass(frozen=True)
class _Kind:
    key: str  # the pending-upload slot
    url_name: str
    export_url_name: str
    title: str
    columns: str
    read: Callable
    write: Callable


def _kinds() -> dict[str, _Kind]:
    return {
        "enterprises": _Kind(
            "enterprises",
            "roster:directory_enterprises",
            "roster:directory_enterprises_export",
            _("Enterprise directory"),
            "、".join(ENTERPRISE_TEMPLATE.values()),
            read_enterprises,
            enterprise_directory_import,
        ),
        "regions": _Kind(
            "regions",
            "roster:directory_regions",
            "roster:directory_regions_export",
            _("Region list"),
            "、".join(REGION_TEMPLATE.values()),
            read_regions,
            region_directory_import,
        ),
    }


@login_required
def directory_enterprises(request):
    return _directory_page(request, _kinds()["enterprises"])


@login_required
def directory_regions(request):
    return _directory_page(request, _kinds()["regions"])


def _directory_page(request, kind: _Kind):
    directory_require(request.user)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, kind)
    form = DirectoryUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "kind": kind, "kinds": _kinds()}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            data = upload.read()
            rows = kind.read(data, upload.name, scope=directory_scope(request.user))
        except FileProblem as exc:
            form.add_error("file", str(exc))
            return render(request, "roster/directory.html", context)
        report = kind.write(rows=rows, actor=request.user, only_valid=True, dry_run=True)
        token = pending.stash(request, kind.key, data, upload.name) if rows.rows else ""
        context["check"] = {
            "filename": upload.name,
            "report": report,
            "total": rows.total_rows,
            "valid": report.good_rows,
            "token": token,
        }
    return render(request, "roster/directory.html", context)


def _confirm(request, kind: _Kind):
    waiting = pending.take(request, kind.key, request.POST.get("token", ""))
    if waiting is None:
        messages.error(request, _("This upload has expired or was already imported; upload again."))
        return redirect(kind.url_name)
    try:
        rows = kind.read(waiting.data, waiting.filename, scope=directory_scope(request.user))
    except FileProblem as exc:
        messages.error(request, str(exc))
        return redirect(kind.url_name)
    report = kind.write(
        rows=rows,
        actor=request.user,
        only_valid=request.POST.get("only_valid") == "1",
        dry_run=False,
        request=request,
    )
    if report.refused:
        messages.error(
            request, _("%(bad)s rows are bad; nothing was imported.") % {"bad": report.bad_rows}
        )
        return redirect(kind.url_name)
    messages.success(
        request,
        _(
            "Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
            "%(bad)s bad rows skipped."
        )
        % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "bad": report.bad_rows,
        },
    )
    return redirect(kind.url_name)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def directory_enterprises_export(request):
    content, _count = enterprise_directory_export(actor=request.user, request=request)
    return _xlsx(content, "enterprises")


@login_required
def directory_regions_export(request):
    content, _count = region_directory_export(actor=request.user, request=request)
    return _xlsx(content, "regions")
