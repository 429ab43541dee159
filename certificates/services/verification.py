"""Public verification of a certificate QR: what the verify page, the JSON API and `verify_qr`
all answer, so the three cannot drift apart.

A verdict is built in two steps. First the signature: the token is checked offline against
the key ring (a forged, altered, truncated or foreign token stops here, and nothing it claims
is shown). Then the live status: the row is found by the claims' status index AND public id
(a legacy token, without a public id: index AND number). Numbers survive a replacement, the
index and the public id do not, so the old card of a replaced pair shows "Replaced" rather
than its successor's status; and Certificate.state() adds what the dates say. An offline
verifier has no row: it takes the status from a signed status list when it has one, and
otherwise from the dates inside the token.

Privacy: a Verification row keeps the certificate, a coarse network (/24, /64) and a coarse
browser name, never the address or the token; numbers that are ID numbers are shown masked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from certificates.models import (
    Certificate,
    CertificateState,
    CertificateStatus,
    certificate_state,
)
from certificates.trust.directory import DIRECTORY_MEMBER, Directory
from certificates.trust.keys import KeyRing
from certificates.trust.status_list import Status, StatusListToken
from certificates.trust.tokens import CertificateClaims, Reason, VerifyResult, verify_token
from config import rate_limit
from roster.identity import mask_id_number
from roster.networks import client_group

from . import lookup_log
from .directory import issuer_directory
from .keys import public_ring, published_jwks

# Status codes beyond CertificateState: the signature failed; or it holds but the live row
# is gone, so nothing says whether the certificate is still in force.
INVALID = "invalid"
UNKNOWN = "unknown"
IN_FORCE = (CertificateState.VALID, CertificateState.EXPIRING, CertificateState.REVIEW_SOON)
# A genuine signature whose token has merely passed its exp still proves whose card it is.
_GENUINE = (Reason.OK, Reason.EXPIRED)

# settings.CERTIFICATE_VERIFY_RATE_LIMIT look-ups a minute per client network (a /24 or a
# /64), page and API together; and CERTIFICATE_VERIFY_SITE_RATE_LIMIT per IPv6 site (the /56
# a line is delegated: roster/networks.py).
RATE_WINDOW_SECONDS = 60

_SEX = {1: "M", 2: "F"}  # GB/T 2261.1 codes in the token
# An ID number inside a certificate number: "T" + the ID, also with a "-2" of a second item.
_ID_NUMBER_IN_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")


# The banner text for every status code (English msgids; the catalogue says 有效 etc.).
_STATUS_LABELS = {
    CertificateState.VALID: gettext_noop("Valid"),
    # Still in force: the banner says valid; the page adds when it runs out.
    CertificateState.EXPIRING: gettext_noop("Valid"),
    CertificateState.REVIEW_SOON: gettext_noop("Valid"),
    CertificateState.REVIEW_DUE: gettext_noop("Review due"),
    CertificateState.EXPIRED: gettext_noop("Expired"),
    CertificateState.SUSPENDED: gettext_noop("Suspended"),
    CertificateState.REVOKED: gettext_noop("Revoked"),
    CertificateState.CANCELLED: gettext_noop("Cancelled"),
    CertificateState.REPLACED: gettext_noop("Replaced"),
    INVALID: gettext_noop("Invalid or forged"),
    UNKNOWN: gettext_noop("Genuine, status unknown"),
}


def display_number(number: str) -> str:
    """A certificate number as the public may see it: an ID number in it ("T" + the ID,
    "T" + the ID + "-2") is masked like the ID itself."""
    return _ID_NUMBER_IN_NUMBER.sub(lambda m: mask_id_number(m.group(0).upper()), number or "")


@dataclass(frozen=True)
class Verdict:
    """The answer to "is this QR genuine, and is the certificate in force today?"."""

    signature: VerifyResult
    status: str
    checked_at: dt.datetime
    certificate: LiveRecord | None = None
    # Where the status came from: "live" (the database), "status_list" (a signed list
    # file, as of `status_as_of`), "token" (the dates signed into the QR) or "" (none).
    source: str = ""
    status_as_of: dt.datetime | None = None
    status_list_stale: bool = False

    @property
    def genuine(self) -> bool:
        return self.signature.reason in _GENUINE and self.signature.claims is not None

    @property
    def valid(self) -> bool:
        return self.genuine and self.status in IN_FORCE

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self.status])

    @property
    def result(self) -> str:
        """What the verification log keeps (at most 30 characters)."""
        if self.genuine:
            return self.status
        return f"{INVALID}:{self.signature.reason}"[:30]

    def fields(self) -> dict[str, Any]:
        """The national lookup's fields (dates as dates), from the live row when there is
        one (a review moves dates after printing), otherwise from the signed claims."""
        cert, claims = self.certificate, self.signature.claims
        if cert is not None:
            return {
                "number": display_number(cert.number),
                "holder_name": cert.holder_name,
                "holder_sex": cert.holder_sex or None,
                "holder_id_masked": mask_id_number(cert.holder_id_number),
                "type": cert.type_code,
                "type_name": cert.type_name,
                "operation_category": cert.operation_category or None,
                "operation_item": cert.operation_item or None,
                "first_issued": cert.first_issued_on,
                "valid_from": cert.valid_from,
                "expires": cert.valid_until,
                "next_review": cert.next_review_on,
                "last_reviewed": cert.last_reviewed_on,
                "issuer": cert.issuer_name,
                "issuer_code": cert.issuer_code,
            }
        if claims is None or not self.genuine:
            return dict.fromkeys(_FIELD_NAMES)
        return {
            "number": display_number(claims.number),
            "holder_name": claims.name,
            "holder_sex": _SEX.get(claims.sex or 0),
            "holder_id_masked": claims.id_masked,
            "type": claims.type_code,
            "type_name": None,
            "operation_category": claims.category,
            "operation_item": claims.item,
            "first_issued": claims.first_issued,
            "valid_from": claims.valid_from,
            "expires": claims.valid_to,
            "next_review": claims.next_review,
            "last_reviewed": None,  # only the live row knows when a review happened
            "issuer": claims.issuer_name,
            "issuer_code": claims.issuer,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON of /api/verify/<token> and of verify_qr (the same keys, always)."""
        out: dict[str, Any] = {
            "valid": self.valid,
            "status": self.status,
            "status_label": str(self.label),
        }
        for name, value in self.fields().items():
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        out.update(
            {
                "signature": "ok" if self.genuine else str(self.signature.reason),
                "key_id": self.signature.kid,
                "status_source": self.source,
                "status_as_of": self.status_as_of.isoformat() if self.status_as_of else None,
                "status_list_stale": self.status_list_stale,
                "checked_at": self.checked_at.isoformat(),
            }
        )
        return out


_FIELD_NAMES = (
    "number",
    "holder_name",
    "holder_sex",
    "holder_id_masked",
    "type",
    "type_name",
    "operation_category",
    "operation_item",
    "first_issued",
    "valid_from",
    "expires",
    "next_review",
    "last_reviewed",
    "issuer",
    "issuer_code",
)


def _state_from_dates(claims: CertificateClaims, on: dt.date) -> str:
    """What the signed dates alone say, by the same rule as a live row (Certificate.state)."""
    return Certificate(
        status=CertificateStatus.VALID,
        valid_from=claims.valid_from or claims.valid_to,
        valid_until=claims.valid_to,
        next_review_on=claims.next_review,
    ).state(on)


_LIST_STATES = {
    # The list folds cancelled and replaced into "revoked": all three are withdrawn.
    Status.REVOKED: CertificateState.REVOKED,
    Status.SUSPENDED: CertificateState.SUSPENDED,
    Status.REVIEW_OVERDUE: CertificateState.REVIEW_DUE,
}


# The look-up is the hot path of a site inspection day: one plain query for what a verdict
# shows, into a plain record (status_index is unique, so no ordering).
_LIVE_SELECT = """
SELECT cert.id, cert.number, cert.status, cert.first_issued_on, cert.valid_from,
       cert.valid_until, cert.next_review_on, cert.last_reviewed_on, cert.issuer_name,
       cert.issuer_code, ctype.code, ctype.name, ctype.operation_category,
       ctype.operation_item, person.name, person.sex, person.id_number
  FROM certificates_certificate AS cert
  JOIN certificates_certificatetype AS ctype ON ctype.id = cert.certificate_type_id
  JOIN roster_person AS person ON person.id = cert.person_id
"""
_LIVE_SQL = _LIVE_SELECT + " WHERE cert.status_index = %s AND cert.public_id = %s LIMIT 1"
# The operation items a 特种作业操作证 lists (one card per person, T + ID number): asked only
# for a special-operation card, by the item table's certificate index.
_ITEMS_SQL = """
SELECT ctype.operation_item
  FROM certificates_certificateitem AS item
  JOIN certificates_certificatetype AS ctype ON ctype.id = item.certificate_type_id
 WHERE item.certificate_id = %s
 ORDER BY item.first_issued_on, item.id
"""
# Tokens signed before public ids (certificates/trust/tokens.py: the legacy form).
# A card renamed by the one-number rule (services/renumbering.py) is found by the number its
# old QR carries too.
_LIVE_SQL_LEGACY = (
    _LIVE_SELECT
    + " WHERE cert.status_index = %s AND (cert.number = %s OR cert.former_number = %s) LIMIT 1"
)


@dataclass(frozen=True)
class LiveRecord:
    """A certificate as the register holds it today: what a verdict shows, and no more."""

    pk: int
    number: str
    status: str
    first_issued_on: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date
    next_review_on: dt.date | None
    last_reviewed_on: dt.date | None
    issuer_name: str
    issuer_code: str
    type_code: str
    type_name: str
    operation_category: str
    operation_item: str
    holder_name: str
    holder_sex: str
    holder_id_number: str

    def state(self, on: dt.date) -> str:
        return certificate_state(self.status, self.valid_until, self.next_review_on, on)


def _live_row(*, claims: CertificateClaims) -> LiveRecord | None:
    if claims.status_index is None:
        return None
    params: list[int | str | None]
    if claims.public_id is not None:
        sql, params = _LIVE_SQL, [claims.status_index, claims.public_id]
    else:
        sql, params = _LIVE_SQL_LEGACY, [claims.status_index, claims.number, claims.number]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        record = LiveRecord(*row)
        if record.operation_item:
            cursor.execute(_ITEMS_SQL, [record.pk])
            items = [item for (item,) in cursor.fetchall() if item]
            if items:
                record = dataclasses.replace(record, operation_item="、".join(items))
    return record


def _named(result: VerifyResult, directory: Directory | None) -> VerifyResult:
    """A compact token names the issuer and the items by code: a verdict that shows the
    claims (no live row to show instead) names them from the directory published with the
    keys. Only then: the live look-up, an inspection day's hot path, needs no directory."""
    assert result.claims is not None
    directory = issuer_directory() if directory is None else directory
    return dataclasses.replace(result, claims=directory.describe(result.claims))


def certificate_verify(
    *,
    token: str,
    ring: KeyRing | None = None,
    live: bool = True,
    status_list: StatusListToken | None = None,
    now: dt.datetime | None = None,
    directory: Directory | None = None,
) -> Verdict:
    """Verify a token (or a whole verify URL). Never raises for bad input.

    ``ring``: the keys to trust (default: the database's published ring). ``live``: look the
    status up in the database; otherwise take it from ``status_list`` (already verified by
    the caller) or from the token's dates. ``directory``: what names the codes of a compact
    token (default: the one published with the keys).
    """
    now = now or timezone.now()
    on = timezone.localdate(now)
    result = verify_token(token, ring if ring is not None else public_ring(), now=now)
    if ring is None and result.reason == Reason.UNKNOWN_KEY:
        # Perhaps a key made in another process since this one last read the ring.
        result = verify_token(token, public_ring(fresh=True), now=now)
    if result.reason not in _GENUINE or result.claims is None:
        return Verdict(signature=result, status=INVALID, checked_at=now)
    claims = result.claims
    if live:
        certificate = _live_row(claims=claims)
        if certificate is None:
            result = _named(result, directory)
            return Verdict(signature=result, status=UNKNOWN, checked_at=now)
        return Verdict(
            signature=result,
            status=str(certificate.state(on)),
            checked_at=now,
            certificate=certificate,
            source="live",
            status_as_of=now,
        )
    result = _named(result, directory)
    by_dates = str(_state_from_dates(claims, on))
    if status_list is not None and status_list.status_list is not None:
        listed = (
            status_list.status_of(claims.status_index) if claims.status_index is not None else None
        )
        if listed is not None:
            return Verdict(
                signature=result,
                status=str(_LIST_STATES.get(listed, by_dates)),
                checked_at=now,
                source="status_list",
                status_as_of=status_list.issued_at,
                status_list_stale=status_list.stale(now) or not status_list.valid,
            )
    return Verdict(signature=result, status=by_dates, checked_at=now, source="token")


# --------------------------------------------------------------------------- the log


def client_network(address: str | None) -> str:
    """The client's network, coarse enough not to identify a person: a /24 or a /64 (an
    IPv4-mapped address as its IPv4 /24). The rate limit counts per this network, so a
    client rotating through its /64's addresses is one client (roster/networks.py)."""
    return client_group(address, ipv4_prefix=24)


_BROWSERS = (
    # Order matters: Edge and WeChat also say "Chrome", Chrome also says "Safari".
    ("MicroMessenger", "WeChat"),
    ("AlipayClient", "Alipay"),
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python", "Python"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("HarmonyOS", "HarmonyOS"),
    ("Linux", "Linux"),
)


def client_agent(user_agent: str | None) -> str:
    """A coarse browser and system such as "Chrome/Android"; never the whole string."""
    text = user_agent or ""
    if not text:
        return ""
    browser = next((name for needle, name in _BROWSERS if needle in text), "Other")
    system = next((name for needle, name in _SYSTEMS if needle in text), "")
    return f"{browser}/{system}" if system else browser


def verification_log(*, verdict: Verdict, channel: str, network: str = "", agent: str = "") -> None:
    """One row per look-up, for the holder's enterprise (who checked how often, roughly):
    the busiest write of an inspection day, so queued and written in batches in production
    (lookup_log)."""
    certificate_id = verdict.certificate.pk if verdict.certificate is not None else None
    lookup_log.record(
        (certificate_id, timezone.now(), channel, verdict.result, network[:50], agent[:60])
    )


def verification_allowed(network: str, site: str = "") -> bool:
    """Count one look-up for the network (and its IPv6 site, client_site); False once
    either has used up this minute's share. A look-up its network is refused is not counted
    for the site, so one busy /64 takes no more of its site's share than its own.

    A fixed window that starts with the first look-up, in the shared cache so every web
    process counts together (config/rate_limit.py: without a round trip per look-up)."""
    limit = settings.CERTIFICATE_VERIFY_RATE_LIMIT
    if not limit:
        return True
    key = f"certificates:verify-rate:{network or 'unknown'}"
    if not rate_limit.allowed(key, RATE_WINDOW_SECONDS, limit):
        return False
    site_limit = settings.CERTIFICATE_VERIFY_SITE_RATE_LIMIT
    if not site or not site_limit:
        return True
    return rate_limit.allowed(f"certificates:verify-site:{site}", RATE_WINDOW_SECONDS, site_limit)


# --------------------------------------------------------------------------- published keys


def published_keys() -> dict[str, Any]:
    """The JWKS offline verifiers trust: every published public key, retired ones marked,
    and the issuer directory that names what a compact token gives by code."""
    return {**published_jwks(), DIRECTORY_MEMBER: issuer_directory().to_document()}


def rate_limit_message() -> str:
    return _("Too many look-ups from your network. Please wait a minute and try again.")
