"""Roster upload (upload -> preview -> confirm) and the .xlsx export.

The confirm step trusts nothing the browser sends back but a random token: the uploaded
bytes wait on the server (MEDIA_ROOT/imports/<token>), the token and the choices made at
upload wait in the session, and the file is parsed and checked again before anything is
written. The waiting file is deleted once used, and stale ones after a day.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from documents.sheets import check_size
from roster.importers import FileProblem, read_roster
from roster.models import Enterprise
from roster.selectors import administered_enterprises, employment_list, enterprise_list
from roster.services.imports import roster_export as roster_export_service
from roster.services.imports import roster_import as roster_import_service

from .common import staff_scope_required
from .people import roster_list_filters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PENDING = "roster_import_pending"  # session key
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_STALE_SECONDS = 24 * 3600


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
    token = _stash(request, data, upload.name, enterprise, only_valid) if rows.rows else ""
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
    pending = request.session.get(_PENDING) or {}
    token = request.POST.get("token", "")
    path = _pending_path(pending.get("token", ""))
    if path is None or not constant_time_compare(pending["token"], token) or not path.exists():
        messages.error(request, _("This upload has expired or was already imported; upload again."))
        return redirect("roster:import")
    try:
        data = path.read_bytes()
    finally:
        _discard(request)
    enterprise = None
    if pending["enterprise"]:
        enterprise = administered.filter(uscc=pending["enterprise"]).first()
        if enterprise is None:
            raise PermissionDenied(_("You no longer administer this enterprise."))
    only_valid = pending["only_valid"] or request.POST.get("only_valid") == "1"
    try:
        rows = read_roster(
            data, pending["filename"], enterprises=administered, enterprise=enterprise
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


def _pending_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _pending_path(token: str) -> Path | None:
    """The waiting file of a token; None for anything that is not one of our tokens."""
    if not _TOKEN.match(token or ""):
        return None
    return _pending_dir() / f"{token}.upload"


def _stash(request, data: bytes, filename: str, enterprise, only_valid: bool) -> str:
    """Keep the upload for the confirm step; one waiting upload per session."""
    _discard(request)
    _remove_stale()
    token = secrets.token_urlsafe(24)  # 32 URL-safe characters
    directory = _pending_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _pending_path(token).write_bytes(data)
    request.session[_PENDING] = {
        "token": token,
        "filename": Path(filename).name[:200],
        "enterprise": enterprise.uscc if enterprise else "",
        "only_valid": only_valid,
    }
    return token


def _discard(request) -> None:
    pending = request.session.pop(_PENDING, None) or {}
    path = _pending_path(pending.get("token", ""))
    if path is not None:
        path.unlink(missing_ok=True)


def _remove_stale() -> None:
    """Uploads previewed and never confirmed are removed a day later."""
    directory = _pending_dir()
    if not directory.is_dir():
        return
    cutoff = time.time() - _STALE_SECONDS
    for path in directory.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


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
