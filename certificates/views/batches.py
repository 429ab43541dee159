"""PDFs of many certificates as one zip: started from the holders' roster with its filters,
rendered in the background (Celery), with a progress page and the download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.models import PdfBatch
from certificates.services.batches import pdf_batch_create
from certificates.services.issuing import CertificateError
from roster.services import audit_record
from roster.views.common import staff_scope_required

from .holders import holder_filters


@staff_scope_required
@require_POST
def batch_create(request):
    filters = holder_filters(request, request.POST)
    if filters.problems:
        for problem in filters.problems:
            messages.error(request, problem)
        return redirect("certificates:holders")
    today = timezone.localdate()
    rows = filters.certificates(user=request.user, on=today)
    who = filters.enterprise.name if filters.enterprise else _("all enterprises")
    session_code = request.POST.get("session", "")
    if session_code:
        # The certificates an exam session earned (still within the user's scope).
        rows = rows.filter(attempt__session__code=session_code)
        who = session_code
    title = _("Certificates of %(who)s, %(date)s") % {"who": who, "date": today.isoformat()}
    try:
        batch = pdf_batch_create(
            user=request.user,
            certificates=rows,
            title=title,
            variant=request.POST.get("variant", "a4"),
        )
    except CertificateError as exc:
        messages.error(request, exc.message)
        return redirect("certificates:holders")
    return redirect("certificates:batch", pk=batch.pk)


def _own_batch(request, pk: int) -> PdfBatch:
    # A batch holds personal data: only the person who asked for it may see or download it.
    return get_object_or_404(PdfBatch, pk=pk, requested_by=request.user)


@login_required
def batch_detail(request, pk: int):
    batch = _own_batch(request, pk)
    finished = batch.status in (PdfBatch.Status.DONE, PdfBatch.Status.FAILED)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": batch.status, "done": batch.done, "total": batch.total, "error": batch.error}
        )
    return render(request, "certificates/batch.html", {"batch": batch, "finished": finished})


@login_required
def batch_download(request, pk: int):
    batch = _own_batch(request, pk)
    if batch.status != PdfBatch.Status.DONE or not batch.file:
        raise Http404(_("This batch has no file to download (yet)."))
    audit_record(
        actor=request.user,
        action="certificate.pdf_batch_download",
        target=batch,
        summary=batch.title,
        request=request,
        count=batch.total,
    )
    return FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=f"certificates-{batch.created_at:%Y%m%d}-{batch.pk}.zip",
        content_type="application/zip",
    )
