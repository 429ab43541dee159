"""A certificate's signed QR token and verify URL (ARCHITECTURE.md rule 5).

The token names the certificate by its random public id and carries the number only as the
verify page shows it (certificates/trust/tokens.py): decoding a QR tells no more than the
page does."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateEvent, CertificateItem
from certificates.trust.tokens import (
    CHINA_TZ,
    CURRENT_FORM,
    CertificateClaims,
    latest_expiry,
    sign_certificate_token,
    stored_token_shape,
    verify_url,
)

from .directory import directory_note
from .keys import key_note_signature, key_ring
from .status import status_list_uri
from .verification import display_number

if TYPE_CHECKING:
    from roster.models import User

_SEX_CODES = {"M": 1, "F": 2}  # GB/T 2261.1


def _items(certificate: Certificate) -> list[CertificateItem]:
    if "items" in getattr(certificate, "_prefetched_objects_cache", {}):
        # Fetched with the certificate (certificates.selectors.certificates_for_pdf), in
        # this order already: a batch of PDFs makes no query per certificate.
        return list(certificate.items.all())
    return list(
        certificate.items.select_related("certificate_type").order_by("first_issued_on", "pk")
    )


def certificate_items_text(certificate: Certificate) -> str:
    """The operation items a 特种作业操作证 lists ("、"-joined), else the type's own item."""
    items = [item.certificate_type.operation_item for item in _items(certificate)]
    return "、".join(i for i in items if i) or certificate.certificate_type.operation_item


def _item_codes(certificate: Certificate) -> tuple[str, ...] | None:
    """The type codes of the card's items, in the card's order: the
    compact token names them by code (the published directory says each one's item); None
    when the type's own item says it all."""
    codes = tuple(
        item.certificate_type.code
        for item in _items(certificate)
        if item.certificate_type.operation_item
    )
    return codes if codes and codes != (certificate.certificate_type.code,) else None


def _qr_item(certificate: Certificate) -> str:
    """The item as the QR carries it: the first item, and how many there are when more.
    Every name in full would grow the code by about 30 bytes an item and push a card of two
    or three items past the QR version the print allows; the verify page lists them all."""
    names = certificate_items_text(certificate).split("、")
    if len(names) == 1:
        return names[0]
    # Signed data, the same whoever's request signs it: in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext("%(first)s and others, %(count)d items") % {
            "first": names[0],
            "count": len(names),
        }


def certificate_claims(certificate: Certificate) -> CertificateClaims:
    ctype = certificate.certificate_type
    person = certificate.person
    return CertificateClaims(
        number=display_number(certificate.number),
        public_id=certificate.public_id,
        issuer=certificate.issuer_code,
        name=person.name,
        id_masked=person.id_number_masked,
        type_code=ctype.code,
        sex=_SEX_CODES.get(person.sex, 0),
        category=ctype.operation_category or None,
        item=_qr_item(certificate) or None,
        first_issued=certificate.first_issued_on,
        valid_from=certificate.valid_from,
        valid_to=certificate.valid_until,
        next_review=certificate.next_review_on,
        issuer_name=certificate.issuer_name,
        status_index=certificate.status_index,
        status_uri=status_list_uri(),
        item_codes=_item_codes(certificate),
    )


def certificate_sign(
    certificate: Certificate, *, actor: User | None = None, event: bool = False
) -> str:
    """Sign (again) and store the token. Signing again is needed when the dates in it change
    (a review moves the next review date, and a QR must not outlive it)."""
    claims = certificate_claims(certificate)
    ring = key_ring()
    expires = latest_expiry(claims)
    issued_at = timezone.now()
    if expires <= issued_at:
        # An imported or long-lapsed certificate: its QR must still prove whose it is and say
        # it has lapsed, so it is signed as of its first valid day (iat must precede exp).
        first_day = claims.valid_from or claims.valid_to
        issued_at = dt.datetime.combine(first_day, dt.time(), tzinfo=CHINA_TZ)
    token = sign_certificate_token(
        claims,
        ring.active,
        issued_at=issued_at,
        status_claim=settings.CERTIFICATE_QR_STATUS_CLAIM,
    )
    directory_note(claims.issuer, claims.item_codes or (claims.type_code,))
    key_note_signature(ring.active.kid, expires)
    certificate.token = token
    certificate.key_id = ring.active.kid
    certificate.save(update_fields=["token", "key_id"])
    if event:
        CertificateEvent.objects.create(
            certificate=certificate,
            kind=CertificateEvent.Kind.RESIGNED,
            by=actor,
            details={"kid": ring.active.kid},
            at=timezone.now(),
        )
    return token


def _status_claim_wanted(certificate: Certificate) -> bool:
    """Whether certificate_sign would put the draft's status claim in this card's token now
    (sign_certificate_token adds it only with an index and a list address)."""
    return bool(
        settings.CERTIFICATE_QR_STATUS_CLAIM
        and certificate.status_index is not None
        and status_list_uri()
    )


def certificate_verify_url(certificate: Certificate) -> str:
    """The URL printed in the QR: upper case, so the prefix is one alphanumeric segment and
    the compact token's digits one numeric segment.

    A certificate whose stored token is of an older form is signed again first: the legacy
    form (the full number in it, which for "T" + ID number cards is the holder's ID number)
    and the full form (every text spelled out: a version-18 QR where the compact form needs
    13). Every QR shown or printed from now on is the compact form; cards printed before
    keep verifying. So is a compact token signed with the draft's status claim while
    CERTIFICATE_QR_STATUS_CLAIM said otherwise (the site changed the setting since)."""
    shape = stored_token_shape(certificate.token)
    if (
        shape.form != CURRENT_FORM
        or shape.public_id != certificate.public_id
        or shape.status_claim != _status_claim_wanted(certificate)
    ):
        certificate_sign(certificate, event=True)
    return verify_url(settings.CERTIFICATE_VERIFY_BASE_URL, certificate.token)
