"""Many certificates' PDFs in one zip, rendered in the background with visible progress.

``pdf_batch_create`` records the request (and audits it: the PDFs carry names and
certificate numbers, which may be ID numbers) and enqueues the task once the transaction
commits. ``pdf_batch_run`` does the work; it is safe to run twice: a finished batch is left
alone, and a batch left "running" by a worker that died is rendered again from the start.

Progress (``done``) is written at most every PROGRESS_EVERY PDFs or PROGRESS_SECONDS, and
always at the end (``_finish``): one UPDATE per PDF made a 1,000-card batch 1,000 writes
for a page that polls every few seconds. A resumed batch starts again from 0, so a
progress figure behind the real one skips nothing.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterable
from time import monotonic
from typing import TYPE_CHECKING

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, PdfBatch
from certificates.pdf import VARIANTS, certificate_pdf
from certificates.selectors import certificates_for_pdf
from certificates.trust.qr import QRTooLarge
from config.celery import send_on_commit
from documents.fonts import FontNotFound
from roster.services.audit import audit_record

from .issuing import CertificateError

if TYPE_CHECKING:
    from roster.models import User

RENDER_TASK = "certificates.tasks.render_pdf_batch_task"
MAX_BATCH = 5000  # a bigger request is better split by enterprise; it would run for hours
TITLE_MAX = 200  # PdfBatch.title
PROGRESS_EVERY = 25  # PDFs between two writes of the progress…
PROGRESS_SECONDS = 0.5  # …or this long, whichever comes first (a slow PDF still moves it)
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')  # Windows' forbidden characters


def pdf_batch_create(
    *,
    user: User,
    certificates: Iterable[Certificate],
    title: str,
    variant: str = "a4",
) -> PdfBatch:
    """Queue a zip of these certificates' PDFs. The caller has scoped ``certificates`` to
    what ``user`` may see."""
    title = (title or "").strip()
    if not title:
        raise CertificateError(_("Give the batch a title."), "no_title")
    if len(title) > TITLE_MAX:
        raise CertificateError(
            _("The title is too long (at most %(max)d characters).") % {"max": TITLE_MAX},
            "title_too_long",
        )
    if variant not in VARIANTS:
        raise CertificateError(
            _("Unknown PDF variant %(variant)s; use one of: %(choices)s.")
            % {"variant": variant, "choices": ", ".join(VARIANTS)},
            "bad_variant",
        )
    ids = list(dict.fromkeys(c.pk for c in certificates))  # keep the order, drop repeats
    if not ids:
        raise CertificateError(_("Choose at least one certificate."), "empty")
    if len(ids) > MAX_BATCH:
        raise CertificateError(
            _("At most %(max)d certificates per batch; %(count)d were chosen.")
            % {"max": MAX_BATCH, "count": len(ids)},
            "too_many",
        )
    with transaction.atomic():
        batch = PdfBatch(
            requested_by=user, title=title, certificate_ids=ids, variant=variant, total=len(ids)
        )
        batch.full_clean()
        batch.save()
        audit_record(
            actor=user,
            action="certificate.pdf_batch",
            target=batch,
            summary=title,
            count=len(ids),
            variant=variant,
        )
        # Broker gone: the batch is rendered in this request rather than left queued; an
        # error even there is logged, never raised at the request whose batch committed.
        # Named, not imported: tasks.py imports the services, not the other way round.
        send_on_commit(
            RENDER_TASK, batch.pk, sweep="none: the batch stays queued; its owner asks again"
        )
    return batch


def pdf_batch_entry_name(certificate: Certificate) -> str:
    """``<number>-<holder name>.pdf``, safe as a file name on every system."""
    stem = _UNSAFE_IN_NAMES.sub("_", f"{certificate.number}-{certificate.person.name}")
    return f"{stem.strip(' .') or certificate.pk}.pdf"


def _claim(batch_id: int) -> PdfBatch | None:
    """Mark the batch running and return it, or None when it is finished (or gone)."""
    with transaction.atomic():
        batch = PdfBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status in (PdfBatch.Status.DONE, PdfBatch.Status.FAILED):
            return None
        batch.status = PdfBatch.Status.RUNNING
        batch.done = 0
        batch.error = ""
        batch.save(update_fields=["status", "done", "error"])
    return batch


def _finish(batch: PdfBatch, status: str, error: str = "") -> None:
    batch.status = status
    batch.error = error[:300]
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error", "finished_at", "done", "file"])


def pdf_batch_run(batch_id: int) -> PdfBatch | None:
    """Render the batch into a zip on ``batch.file``; ``done`` counts up as it goes, in
    auto-committed writes (every PROGRESS_EVERY PDFs or PROGRESS_SECONDS) so a page polling
    the batch sees it move."""
    batch = _claim(batch_id)
    if batch is None:
        return None
    finished = False
    try:
        certificates = certificates_for_pdf().in_bulk(batch.certificate_ids)
        missing = 0
        names: set[str] = set()
        written, written_at = 0, monotonic()
        # Spooled: small batches stay in memory, big ones go to a temporary file.
        with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as spool:
            # Stored, not deflated: the PDFs' streams are compressed already.
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
                for position, pk in enumerate(batch.certificate_ids, start=1):
                    certificate = certificates.get(pk)
                    if certificate is None:
                        missing += 1
                    else:
                        archive.writestr(
                            _unique(pdf_batch_entry_name(certificate), names),
                            certificate_pdf(certificate, batch.variant),
                        )
                    batch.done = position
                    now = monotonic()
                    if position - written >= PROGRESS_EVERY or now - written_at >= PROGRESS_SECONDS:
                        PdfBatch.objects.filter(pk=batch.pk).update(done=position)
                        written, written_at = position, now
            spool.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            batch.file.save(f"certificates-{batch.pk}-{stamp}.zip", File(spool), save=False)
        note = ""
        if missing:
            note = _("%(count)d of the chosen certificates no longer exist and are left out.") % {
                "count": missing
            }
        _finish(batch, PdfBatch.Status.DONE, note)
        finished = True
    except (FontNotFound, QRTooLarge, OSError) as exc:
        _finish(
            batch,
            PdfBatch.Status.FAILED,
            _("The PDFs could not be made: %(error)s") % {"error": exc},
        )
        finished = True
    finally:
        if not finished:
            # An unexpected error propagates (and is logged by Celery), but the batch must not
            # stay "running" for ever on the page that polls it.
            _finish(batch, PdfBatch.Status.FAILED, _("The PDFs could not be made."))
    return batch


def _unique(name: str, taken: set[str]) -> str:
    """A replaced card and its replacement may share a number (and a holder)."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name[:-4]}-{n}.pdf"
    taken.add(candidate)
    return candidate
