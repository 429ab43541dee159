"""The signed status list offline verifiers download, built from the certificates table.

Kept in the cache and rebuilt when a status changes (and at least every hour, because a
review falling overdue changes a status without anyone touching the row)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.trust.status_list import MIN_SIZE, Status, StatusList, sign_status_list

from .keys import key_ring

CACHE_KEY = "certificates:status-list-token"
CACHE_SECONDS = 3600
STATUS_LIST_PATH = "/.well-known/certificate-status-list"
# The same list at a short address: every certificate's QR carries the list's URI (the
# draft's status claim), and 33 bytes fewer keep a card within the QR version print allows.
STATUS_LIST_SHORT_PATH = "/sl"

_WITHDRAWN = (CertificateStatus.REVOKED, CertificateStatus.CANCELLED, CertificateStatus.REPLACED)


def status_list_build(on: dt.date | None = None) -> StatusList:
    on = on or timezone.localdate()
    size = MIN_SIZE
    top = Certificate.objects.order_by("-status_index").values_list("status_index", flat=True)
    highest = top.first()
    while highest is not None and highest >= size:
        size *= 2
    lst = StatusList(size)
    rows = Certificate.objects.filter(
        Q(status__in=(*_WITHDRAWN, CertificateStatus.SUSPENDED))
        | Q(status=CertificateStatus.VALID, next_review_on__lt=on)
    ).values_list("status_index", "status")
    for index, status in rows:
        if status in _WITHDRAWN:
            lst[index] = Status.REVOKED
        elif status == CertificateStatus.SUSPENDED:
            lst[index] = Status.SUSPENDED
        else:
            lst[index] = Status.REVIEW_OVERDUE
    return lst


def status_list_uri() -> str:
    """Where the signed status list is published: its `sub`, and the `uri` every
    certificate's status claim points at."""
    return settings.CERTIFICATE_VERIFY_BASE_URL.rstrip("/") + STATUS_LIST_SHORT_PATH


def status_list_token() -> bytes:
    token = cache.get(CACHE_KEY)
    if token is None:
        ring = key_ring()
        base = settings.CERTIFICATE_VERIFY_BASE_URL.rstrip("/")
        token = sign_status_list(
            status_list_build(),
            ring.active,
            issuer=base,
            uri=status_list_uri(),
        )
        cache.set(CACHE_KEY, token, CACHE_SECONDS)
    return token


def status_list_invalidate() -> None:
    cache.delete(CACHE_KEY)
