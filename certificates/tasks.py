"""Celery tasks of the certificates app: thin, take ids, safe to run twice."""

import logging

from celery import shared_task

from .services.issuing import CertificateError, certificate_issue_for_attempt

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def issue_certificate_for_attempt_task(attempt_id: int) -> str | None:
    """Issue what a passed attempt earns. Keyed on the attempt: a retry issues nothing twice."""
    try:
        certificate = certificate_issue_for_attempt(attempt_id=attempt_id)
    except CertificateError as exc:
        # Not earned (yet): hours missing, another attempt counts. Nothing to retry.
        log.info("attempt %s earns no certificate: %s", attempt_id, exc.code)
        return None
    return certificate.number if certificate else None
