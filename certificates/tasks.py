"""Celery tasks of the certificates app: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

from config.celery import DATABASE_OUTAGE, OUTAGE_RETRY

from .services.issuing import CertificateError, certificate_issue_for_attempt

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=DATABASE_OUTAGE, **OUTAGE_RETRY)
def issue_certificate_for_attempt_task(attempt_id: int) -> str | None:
    """Issue what a passed attempt earns. Keyed on the attempt: a retry issues nothing twice."""
    try:
        certificate = certificate_issue_for_attempt(attempt_id=attempt_id)
    except CertificateError as exc:
        # Not earned (yet): hours missing, another attempt counts. Nothing to retry.
        log.info("attempt %s earns no certificate: %s", attempt_id, exc.code)
        return None
    return certificate.number if certificate else None


@shared_task(acks_late=True)
def send_reminders_task() -> int:
    """Daily: expiry and review reminders. Safe to run twice: each reminder is sent once."""
    from .services.reminders import reminders_send

    return reminders_send()


@shared_task(acks_late=True)
def render_pdf_batch_task(batch_id: int) -> str | None:
    """Render a batch of certificate PDFs into a zip. A finished batch is not rendered again;
    one left running by a dead worker (redelivered, acks_late) is rendered from the start."""
    # Imported here so loading the tasks module (every worker, every web process) does not
    # pull in reportlab and the PDF layout.
    from .services.batches import pdf_batch_run

    batch = pdf_batch_run(batch_id)
    return batch.status if batch else None


@shared_task(acks_late=True)
def send_window_notices_task() -> int:
    """Daily: a notice for each missed window ("what, by when"). Safe to run twice: each
    window is notified once."""
    from .services.window_notices import window_notices_send

    return window_notices_send()
