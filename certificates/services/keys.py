"""The signing keys as a KeyRing, from the database.

The first signature on a fresh installation makes the first key; `rotate_certificate_key`
retires it and makes the next. Which keys verifiers trust is decided once, in
:func:`_published`: the well-known document, every live verification (page, API,
`verify_qr`) and the signing side's ring all take that set, so a QR the document's keys
verify offline is never called forged online, and the other way round.

A key that signed a certificate stays published for as long as the certificate exists,
which is for good (a certificate row is never deleted: PROTECT on its links, read-only in
the admin). A certificate that lapsed years ago still has its card in someone's wallet,
and its QR must say "genuine, lapsed" rather than "invalid or forged" (until 2026 a key
left the document once everything it signed had lapsed).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import SigningKeyRecord
from certificates.trust.keys import (
    KeyRing,
    PublicKey,
    SigningKey,
    generate_signing_key,
    private_key_from_pem,
    private_key_to_pem,
)
from certificates.trust.status_list import DEFAULT_LIFETIME as STATUS_LIST_LIFETIME
from config.process_memory import register_reset
from roster.services.audit import audit_record, audit_text


def _signing_key(record: SigningKeyRecord) -> SigningKey:
    return SigningKey(
        kid=record.kid,
        key=private_key_from_pem(record.private_pem),
        not_before=record.created_at,
        not_after=record.not_after,
    )


def _public(record: SigningKeyRecord) -> PublicKey:
    return replace(
        _signing_key(record).public,
        retired=record.retired_at is not None,
        retired_at=record.retired_at,
    )


def _published(records: list[SigningKeyRecord], now: dt.datetime) -> list[SigningKeyRecord]:
    """The keys verifiers trust (the one rule; see the module's docstring):

    - the key that signs now (not retired);
    - every key that signed a certificate (``not_after`` is set by its first certificate,
      see :func:`key_note_signature`): for good, since certificates are never deleted;
    - a retired key that signed only status lists, until the last list it can have signed
      has expired (a list is signed by the active key, so no later than its retirement)."""
    lists_last = STATUS_LIST_LIFETIME
    return [
        r
        for r in records
        if r.retired_at is None or r.not_after is not None or r.retired_at + lists_last >= now
    ]


_PUBLISHED_CACHE_KEY = "certificates:published-keys"


def published_jwks() -> dict:
    """The JWKS of every published public key (retired ones marked), cached: building it
    decrypts every private key, which must not happen on each verification."""
    document = cache.get(_PUBLISHED_CACHE_KEY)
    if document is None:
        records = list(SigningKeyRecord.objects.all())
        published = _published(records, timezone.now())
        document = KeyRing(None, [_public(r) for r in published]).to_jwks()
        cache.set(_PUBLISHED_CACHE_KEY, document, 3600)
    return document


# The ring last built from the published document, in this process, and when it was read:
# loading the keys again for each verification would cost more than the signature check,
# and reading the document from the cache each time costs a round trip. It is trusted for
# a minute; a token signed by a key it does not know yet (made by another process within
# that minute) makes the caller look again with fresh=True.
RING_MEMO_SECONDS = 60
_ring_memo: tuple[float, dict, KeyRing] | None = None


def public_ring(*, fresh: bool = False) -> KeyRing:
    """The keys verification trusts, without any private half: exactly the keys of the
    published document (:func:`published_jwks`), read back from it."""
    global _ring_memo
    memo = _ring_memo
    if memo is not None and not fresh and time.monotonic() - memo[0] < RING_MEMO_SECONDS:
        return memo[2]
    document = published_jwks()
    ring = memo[2] if memo is not None and memo[1] == document else KeyRing.from_jwks(document)
    _ring_memo = (time.monotonic(), document, ring)
    return ring


@register_reset
def forget_ring() -> None:
    """Drop this process's ring (a key was made or withdrawn here; tests start afresh)."""
    global _ring_memo
    _ring_memo = None


def key_ring(*, create: bool = True) -> KeyRing:
    """The active key (the newest that is not retired) and every published public key."""
    records = list(SigningKeyRecord.objects.all())
    published = _published(records, timezone.now())
    active = next((r for r in reversed(records) if r.retired_at is None), None)
    if active is None and create:
        return KeyRing(key_create(), [_public(r) for r in published])
    return KeyRing(
        _signing_key(active) if active else None,
        [_public(r) for r in published if active is None or r.pk != active.pk],
    )


def key_create() -> SigningKey:
    """A new active key; the previous active one is retired (and stays published). The audit
    log says when each key began signing (by rotation, or the first certificate ever)."""
    with transaction.atomic():
        now = timezone.now()
        active = SigningKeyRecord.objects.select_for_update().filter(retired_at__isnull=True)
        retired = list(active.values_list("kid", flat=True))
        active.update(retired_at=now)
        key = generate_signing_key(not_before=now.replace(microsecond=0))
        record = SigningKeyRecord.objects.create(
            kid=key.kid,
            private_pem=private_key_to_pem(key.key),
            created_at=key.not_before or now,
        )
        audit_record(
            actor=None,
            action="signing_key.create",
            target=record,
            summary=audit_text(_("Key %(kid)s signs from now on"), kid=key.kid),
            kid=key.kid,
            retired=retired,
        )
        transaction.on_commit(_forget_published)
    _forget_published()
    return key


def _forget_published() -> None:
    cache.delete(_PUBLISHED_CACHE_KEY)
    forget_ring()


def key_note_signature(kid: str, expires: dt.datetime) -> None:
    """Note that the key signed a certificate valid until ``expires``: from now on it stays
    published (:func:`_published`), and its ``not_after`` says the latest expiry it signed."""
    SigningKeyRecord.objects.filter(kid=kid).filter(
        Q(not_after__isnull=True) | Q(not_after__lt=expires)
    ).update(not_after=expires)
