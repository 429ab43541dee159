"""The signed QR payload: a CWT (RFC 8392) in a COSE_Sign1 envelope (RFC 9052), ES256.

Cards are signed in the *compact form* (CBOR diagnostic)::

    18([                                   / COSE_Sign1 (tag 18), untagged CWT as in EU DCC /
      << {1: -7, 4: h'57E1A7C309'} >>,     / protected: alg ES256, kid: 5 raw bytes /
      {},                                  / unprotected: empty /
      << {                                 / payload: the CWT claims set /
        1: "AJ990000",                     / iss: issuer code /
        6: 1767225600,                     / iat /
        4: 1861920000,                     / exp: no later than the next review date /
        7: h'5F2C0A9E41D7B3C8',            / cti: the certificate's public id (random) /
        -70002: {                          / private claim, compact form /
          1: "张三丰", 2: "330102********1234", 3: 1, 4: "TZ-DG",
          12: 734519, 14: "T330102********1234",
          16: [20468, 20468, 22658, 21563], / 初领, 有效期起, 有效期止, 应复审: days since 1970 /
          17: ["TZ-GY", "TZ-HJ"]            / a card's further items, by type code (optional) /
        }
      } >>,
      h'...'                               / signature: r || s, 64 bytes /
    ])

and the URL's token is that message as one decimal number (``HTTPS://HOST/VERIFY/<digits>``):
the QR holds an alphanumeric segment (the upper-case prefix) and a numeric one (3 digits in
10 bits, 8.03 bits a byte; base32 in alphanumeric mode costs 8.8, base45 8.25 and is not URL
safe). A typical card is about 200 bytes, a 522-character URL, a version-13 QR at level Q
(version 11 at M); the longest realistic card (a 13-character name, three items, a 19-character
issuer code) about 260 bytes, version 15. The full form below was 340 bytes: version 19 at Q.

What the compact form leaves out, the offline verifier already has:

* the issuing authority's name, a type's 作业类别 and 操作项目: by the issuer code and the type
  codes, from the directory published with the keys (certificates/trust/directory.py);
  ``K_ITEM_CODES`` (15) lists the items when the type's own is not among them, otherwise
  ``K_MORE_ITEMS`` (17) the items after it, the type code naming the first;
* the draft status claim (62 bytes, most of it the list's URL), when asked: the list is
  published at a fixed address next to the keys and the entry's index is key 12, but a
  verifier written to the draft alone reads only the draft's claim, so the product's cards
  carry it (``CERTIFICATE_QR_STATUS_CLAIM``, on by default; off, the QR is two versions
  smaller);
* the kid's ASCII: a default kid (8 base32 characters) travels as its 5 raw bytes, any
  other kid as ASCII; the verifier tries both readings of 5 printable bytes against the ring.

Dates are plain day numbers in one array (13 bytes instead of 4 x 6 with RFC 8943 tags).

The *full form* (2026 until the compact form; cards printed with it stay in wallets) has the
private claim -70001 with every text spelled out and RFC 8943 dates, the draft status claim,
an ASCII kid, and is base32 (RFC 4648, upper case, no padding)::

    {1: "AQJ", 6: ..., 4: ..., 7: h'5F2C0A9E41D7B3C8',
     -70001: {1: "张三丰", 2: "330102********1234", 3: 1, 4: "TZ", 5: "DG", 6: "DG-GD",
              7: 100(20454), 8: 100(20454), 9: 100(22645), 10: 100(21550),
              11: "AJJ-330100", 12: 73519, 14: "T330102********1234"},
     65535: {"status_list": {"idx": 73519, "uri": "https://host/sl"}}}

The draft status claim is draft-ietf-oauth-status-list's "Referenced Token in COSE", read by
a verifier written to the draft. A token is told apart by its text (digits only: decimal;
a base32 COSE message always has letters, tag 18 begins "2K") and by its claims (-70002:
compact; -70001 with key 14: full; -70001 without: legacy). All three verify; the issuer
signs only the compact form (:data:`CURRENT_FORM`), and a certificate whose stored token is
of another form is signed again when its QR is next shown or printed
(certificates.services.signing).

What a QR tells whoever decodes it is what the public verify page shows, and no more:

* ``cti`` is the certificate's *public id*, 8 random bytes drawn when the certificate is
  made (``Certificate.public_id``), the same for every token of that certificate and derived
  from nothing about its holder. With the status-list index (key 12, random as well) it is
  what the live look-up finds the row by. It is not a secret: the signature, not the id,
  is what makes a QR genuine.
* key 14 is the certificate number *as the verify page shows it*: a number that embeds the
  holder's ID number (special-operation certificates are "T" + the ID number) is masked
  like the ID itself; the card prints the number in full, the QR need not repeat it.
* key 2 is the masked ID number (the first six digits, the region code, and the last four),
  as on the page. :func:`sign_certificate` refuses any text claim that holds a whole ID
  number, so a caller cannot put one back by mistake.

Tokens signed before 2026 (the *legacy form*) carried the full certificate number as
``cti`` and had no key 14; cards printed with them stay in wallets for years, so they keep
verifying: a token without key 14 is read as the legacy form (``number`` from ``cti``,
``public_id`` None), and the live look-up then finds the row by index and number.

Chinese text is UTF-8 inside CBOR; the QR never sees it, because the whole COSE message is
encoded as digits (or base32) and the URL is upper-cased (``HTTPS://HOST/VERIFY/<TOKEN>``;
scheme and host are case-insensitive, and the verify route accepts ``VERIFY`` as well as
``verify``).

Verification never raises: :func:`verify_token` returns a :class:`VerifyResult` with a
:class:`Reason`. Claims are only returned once the signature is good (also when the token
has expired, so the page can say *whose* certificate has expired).

Signing goes through the ``cwt`` library. The check on the verifying side stays hand-written
(:func:`parse_sign1`, :func:`sign1_payload`, about forty lines over ``cbor2`` and
``cryptography``) because it is stricter and cheaper than ``cwt``'s decoder: it refuses
anything but ES256 with a protected kid before any cryptography, and it verifies without
parsing the message twice, which every look-up of an inspection day pays for; the tests
check it against ``cwt``'s own output.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import io
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cwt import COSE

from .keys import COSE_ALG_ES256, KeyRing, PublicKey, SigningKey

# CWT claim keys (RFC 8392 section 4).
ISS, SUB, AUD, EXP, NBF, IAT, CTI = 1, 2, 3, 4, 5, 6, 7
# The status claim of draft-ietf-oauth-status-list (Token Status List, "Referenced Token in
# COSE"): {"status_list": {"idx": index, "uri": the status list token's URI}}, text keys.
# Carried beside our private claim's index (key 12), so a verifier written to the draft finds
# the certificate's entry in the list the product publishes.
STATUS_CLAIM = 65535
# Our private claim (private-use range below -65536, as python-cwt recommends).
CERT_CLAIM = -70001
# The compact form's private claim (see the module docstring); its presence marks the form.
COMPACT_CLAIM = -70002

# Keys inside the private claim map. Append new keys; never renumber.
K_NAME = 1  # 姓名
K_ID_MASKED = 2  # 身份证号 (masked)
K_SEX = 3  # 性别: GB/T 2261.1 code, 1 男 2 女 (0 unknown, 9 unstated)
K_TYPE = 4  # certificate type code
K_CATEGORY = 5  # 作业类别 code or short text
K_ITEM = 6  # 操作项目 code or short text
K_FIRST_ISSUED = 7  # 初领日期
K_VALID_FROM = 8  # 有效期起
K_VALID_TO = 9  # 有效期止
K_NEXT_REVIEW = 10  # 应复审日期
K_ISSUER_NAME = 11  # 签发机关 code
K_STATUS_INDEX = 12  # index in the status list
K_STATUS_LIST = 13  # which status list (omitted: the default list)
K_NUMBER = 14  # 证书编号 as the verify page shows it; its presence marks cti as the public id
K_ITEM_CODES = 15  # compact form: the type codes of the card's items, when it has several
K_DATES = 16  # compact form: [初领, 有效期起, 有效期止, 应复审] in days since 1970 (null: none)
K_MORE_ITEMS = 17  # compact form: K_ITEM_CODES less the type's own code, which comes first


class TokenForm(enum.StrEnum):
    """Which wire form a token is in (see the module docstring)."""

    LEGACY = "legacy"  # before 2026: the whole number in cti
    FULL = "full"  # the public id in cti, every text in the token, base32
    COMPACT = "compact"  # the public id in cti, display texts by code, decimal


# What certificate_sign writes today; the other forms are only read.
CURRENT_FORM = TokenForm.COMPACT

# The public id's size in cti: 8 bytes drawn at random (64 bits; the status index is matched
# too, so a collision could not mix two certificates up). Read back: anything from 4 to 32.
PUBLIC_ID_BYTES = 8
_PUBLIC_ID_RANGE = range(4, 33)

_TAG_COSE_SIGN1 = 18
_TAG_CWT = 61
_TAG_DAYS = 100  # RFC 8943: days since 1970-01-01
_EPOCH = dt.date(1970, 1, 1)
# Certificate dates are calendar dates in China; "valid until D" means until the end of D.
CHINA_TZ = ZoneInfo("Asia/Shanghai")

MAX_TOKEN_CHARS = 2048  # a QR below version 20 cannot carry more anyway
DEFAULT_LEEWAY = dt.timedelta(minutes=5)

_B32_RE = re.compile(r"^[A-Z2-7]+=*$")
_DECIMAL_RE = re.compile(r"^[1-9][0-9]*$")
_COSE = COSE.new()  # alg/kid headers are set explicitly: kid goes in the PROTECTED header


class Reason(enum.StrEnum):
    OK = "ok"
    BAD_SIGNATURE = "bad_signature"  # tampered, or signed by someone else with the same kid
    UNKNOWN_KEY = "unknown_key"  # kid not in the key ring (foreign or unpublished key)
    MALFORMED = (
        "malformed"  # not base32 or decimal / not CBOR / not COSE_Sign1 / claims of wrong shape
    )
    EXPIRED = "expired"  # signature good, exp passed
    NOT_YET_VALID = "not_yet_valid"  # signature good, iat in the future (clock skew > leeway)


class TokenError(ValueError):
    """Bad input when *building* a token (verification reports through VerifyResult)."""


@dataclass(frozen=True)
class CertificateClaims:
    """What the QR proves. ``number`` is the certificate number as the verify page shows it
    (masked where it embeds an ID number; the full number in a legacy token); ``public_id``
    the certificate's random public id in hex (cti; ``None`` in a legacy token); ``issuer``
    the short issuer code (iss). Dates are calendar dates; optional fields may be ``None``."""

    number: str
    issuer: str
    name: str
    id_masked: str
    type_code: str
    valid_to: dt.date
    sex: int | None = None
    category: str | None = None
    item: str | None = None
    first_issued: dt.date | None = None
    valid_from: dt.date | None = None
    next_review: dt.date | None = None
    issuer_name: str | None = None
    status_index: int | None = None
    status_list: int | None = None
    public_id: str | None = None
    # Where the status list is published (the draft's status claim); None: no such claim.
    status_uri: str | None = None
    # The type codes of a card's items when it has several (the compact form carries these,
    # the verifier names them from the published directory); None: the type's own item.
    item_codes: tuple[str, ...] | None = None
    # Set from the token when decoding; ignored when signing.
    issued_at: dt.datetime | None = field(default=None, compare=False)
    expires_at: dt.datetime | None = field(default=None, compare=False)
    form: TokenForm | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict (dates as ISO strings) for the verify API and verify_qr."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


@dataclass(frozen=True)
class VerifyResult:
    valid: bool
    reason: Reason
    claims: CertificateClaims | None = None
    kid: str | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "reason": str(self.reason),
            "kid": self.kid,
            "detail": self.detail,
            "claims": self.claims.to_dict() if self.claims else None,
        }


# --------------------------------------------------------------------------- encoding


def encode_token(cose_bytes: bytes) -> str:
    """RFC 4648 base32, upper case, no padding: QR-alphanumeric and URL-path safe (the
    text of the legacy and full forms)."""
    return base64.b32encode(cose_bytes).decode("ascii").rstrip("=")


def encode_decimal(cose_bytes: bytes) -> str:
    """The bytes as one big-endian number in decimal (the compact form's text): a QR's
    numeric mode packs 3 digits in 10 bits, 8.03 bits a byte against base32's 8.8 in
    alphanumeric mode and base45's 8.25 (which is not URL safe: space, %% and /). A COSE
    message starts with a tag byte, never 0, so no leading zero is lost."""
    if not cose_bytes or cose_bytes[0] == 0:
        raise TokenError("a token's first byte cannot be 0")
    return str(int.from_bytes(cose_bytes, "big"))


# RFC 4648's alphabet onto the digits of int(..., 32) ("0"-"9", "A"-"V"): the decoding then
# runs in C, several times faster than base64.b32decode's loop for a verify request.
_B32_AS_DIGITS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHIJKLMNOPQRSTUV"
)


def decode_token(token: str) -> bytes:
    """Inverse of :func:`encode_token` and :func:`encode_decimal`: a token of digits only is
    decimal (a base32 COSE message always has letters: tag 18 begins "2K", tag 61 "3D").
    Tolerant of lower case, padding and whitespace, but strict about the alphabet and about
    canonical form (no leading zero; the unused low bits of base32's last character zero),
    so no two strings decode to the same token.

    Raises ``ValueError``.
    """
    text = "".join(token.split()).upper().rstrip("=")
    if not text or len(text) > MAX_TOKEN_CHARS:
        raise ValueError("not a token")
    if text.isdigit():
        if not _DECIMAL_RE.match(text):
            raise ValueError("non-canonical decimal token")
        value = int(text)
        return value.to_bytes((value.bit_length() + 7) // 8, "big")
    if not _B32_RE.match(text):
        raise ValueError("not a base32 token")
    size, spare = divmod(5 * len(text), 8)
    if spare >= 5:  # a last character holding no bit of any byte: 1, 3 or 6 characters over
        raise ValueError("not a base32 token")
    value = int(text.translate(_B32_AS_DIGITS), 32)
    if value & ((1 << spare) - 1):
        raise ValueError("non-canonical base32 token")
    return (value >> spare).to_bytes(size, "big")


def verify_url(base_url: str, token: str, *, upper_case: bool = True) -> str:
    """The URL the QR carries: ``<base_url>/verify/<token>``.

    ``upper_case=True`` (default) upper-cases scheme, host and path so the whole string is
    in the QR alphanumeric set (one segment; a smaller QR). Only use it when the site
    answers ``/VERIFY/<token>`` (add an upper-case route next to ``/verify/<token>``) and
    ``base_url`` has no case-sensitive path part.
    """
    url = f"{base_url.rstrip('/')}/verify/{token}"
    return url.upper() if upper_case else url


_URL_TOKEN_RE = re.compile(r"/verify/([A-Za-z0-9]+=*)/?(?:[?#].*)?$", re.IGNORECASE)


def token_from_text(text: str) -> str:
    """The token from what a QR decoder returned: a verify URL (any case) or a bare token."""
    text = text.strip()
    match = _URL_TOKEN_RE.search(text)
    return match.group(1) if match else text


def _days(value: dt.date) -> cbor2.CBORTag:
    if isinstance(value, dt.datetime):
        raise TokenError("certificate dates must be dates, not datetimes")
    return cbor2.CBORTag(_TAG_DAYS, (value - _EPOCH).days)


def _end_of_day(value: dt.date) -> dt.datetime:
    """The first instant after calendar day ``value`` in China."""
    return dt.datetime.combine(value + dt.timedelta(days=1), dt.time(), tzinfo=CHINA_TZ)


def _epoch(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise TokenError("token times must be timezone-aware")
    return int(value.timestamp())


def latest_expiry(claims: CertificateClaims) -> dt.datetime:
    """The latest allowed ``exp``: the end of the next review date (or of the validity)."""
    bounds = [d for d in (claims.next_review, claims.valid_to) if d is not None]
    return _end_of_day(min(bounds))


def _public_id_bytes(public_id: str | None) -> bytes:
    try:
        raw = bytes.fromhex(public_id or "")
    except ValueError:
        raw = b""
    if len(raw) not in _PUBLIC_ID_RANGE:
        raise TokenError("a certificate token needs the certificate's public id (hex)")
    return raw


# An 18-character ID number (GB 11643): 17 digits and a check character. Only a run whose
# check character is right counts, so long digit runs of a certificate number are no match.
_ID_RUN = re.compile(r"(?=(\d{17}[\dXx]))")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _holds_id_number(text: str) -> bool:
    for match in _ID_RUN.finditer(text):
        run = match.group(1)
        total = sum(int(d) * w for d, w in zip(run[:17], _ID_WEIGHTS, strict=True))
        check = "10X98765432"[total % 11]
        if run[17].upper() == check:
            return True
    return False


_KID_B32_RE = re.compile(r"^[A-Z2-7]{8}$")


def kid_bytes(kid: str) -> bytes:
    """The kid as the compact form's protected header carries it: a default kid (8 base32
    characters, :func:`~certificates.trust.keys.compute_kid`) as its 5 raw bytes, any
    other kid as ASCII."""
    if _KID_B32_RE.match(kid):
        return base64.b32decode(kid)
    return kid.encode("ascii")


def _kid_texts(raw: bytes) -> list[str]:
    """The kids a protected header's bytes may stand for, most likely first: printable
    ASCII as itself, 5 bytes as base32 (the raw form of a default kid). Both may apply;
    the key ring decides, and only the signature proves anything."""
    texts = []
    if raw.isascii() and all(32 < b < 127 for b in raw):
        texts.append(raw.decode("ascii"))
    if len(raw) == 5:
        texts.append(base64.b32encode(raw).decode("ascii"))
    return texts


def _exp(
    claims: CertificateClaims, issued_at: dt.datetime, expires: dt.date | dt.datetime | None
) -> dt.datetime:
    bound = latest_expiry(claims)
    if expires is None:
        exp = bound
    elif isinstance(expires, dt.datetime):
        exp = expires
    else:
        exp = _end_of_day(expires)
    if exp > bound:
        raise TokenError(f"exp {exp.isoformat()} is after the next review date ({bound.date()})")
    if exp <= issued_at:
        raise TokenError("exp must be after iat")
    return exp


def _refuse_id_numbers(*values: Any) -> None:
    for value in values:
        if isinstance(value, list | tuple):
            _refuse_id_numbers(*value)
        elif isinstance(value, str) and _holds_id_number(value):
            raise TokenError("a QR must not carry an ID number: mask it as the verify page does")


def _full_claim(claims: CertificateClaims) -> dict[int, Any]:
    cert: dict[int, Any] = {K_NAME: claims.name, K_ID_MASKED: claims.id_masked}
    if claims.sex is not None:
        cert[K_SEX] = int(claims.sex)
    cert[K_TYPE] = claims.type_code
    optional: list[tuple[int, Any]] = [
        (K_CATEGORY, claims.category),
        (K_ITEM, claims.item),
        (K_FIRST_ISSUED, claims.first_issued and _days(claims.first_issued)),
        (K_VALID_FROM, claims.valid_from and _days(claims.valid_from)),
        (K_VALID_TO, _days(claims.valid_to)),
        (K_NEXT_REVIEW, claims.next_review and _days(claims.next_review)),
        (K_ISSUER_NAME, claims.issuer_name),
        (K_STATUS_INDEX, claims.status_index),
        (K_STATUS_LIST, claims.status_list),
    ]
    cert.update((k, v) for k, v in optional if v is not None and v != "")
    cert[K_NUMBER] = claims.number
    return cert


def _day_number(value: dt.date | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise TokenError("certificate dates must be dates, not datetimes")
    return (value - _EPOCH).days


def _compact_claim(claims: CertificateClaims) -> dict[int, Any]:
    """The full form's claim less what the verifier can name from a code: the category and
    the item (by the type code, or K_ITEM_CODES), the issuer's name (by iss); the four
    dates in one array of plain day numbers (13 bytes instead of 24)."""
    cert: dict[int, Any] = {K_NAME: claims.name, K_ID_MASKED: claims.id_masked}
    if claims.sex is not None:
        cert[K_SEX] = int(claims.sex)
    cert[K_TYPE] = claims.type_code
    codes = list(claims.item_codes or ())
    if claims.type_code in codes:
        # The type's own item is what the type code names already: not repeated (6 bytes,
        # enough to keep a card of three items a QR version smaller).
        codes.remove(claims.type_code)
        if codes:
            cert[K_MORE_ITEMS] = codes
    elif codes:
        cert[K_ITEM_CODES] = codes
    if claims.status_index is not None:
        cert[K_STATUS_INDEX] = claims.status_index
    if claims.status_list is not None:
        cert[K_STATUS_LIST] = claims.status_list
    cert[K_NUMBER] = claims.number
    cert[K_DATES] = [
        _day_number(claims.first_issued),
        _day_number(claims.valid_from),
        _day_number(claims.valid_to),
        _day_number(claims.next_review),
    ]
    return cert


def sign_certificate(
    claims: CertificateClaims,
    key: SigningKey,
    *,
    issued_at: dt.datetime | None = None,
    expires: dt.date | dt.datetime | None = None,
    form: TokenForm = CURRENT_FORM,
    status_claim: bool | None = None,
) -> bytes:
    """The COSE_Sign1 bytes of a certificate CWT signed by ``key``.

    ``expires``: the token's ``exp``; a date means the end of that day in China. Defaults
    to, and must not be later than, :func:`latest_expiry` (the next review date).
    ``form``: compact (what cards get) or full (kept to test that printed cards verify).
    ``status_claim``: carry the draft's status claim (when ``claims.status_uri`` is set);
    default: in the full form only.
    """
    if not claims.number or not claims.issuer or not claims.name:
        raise TokenError("number, issuer and name are required")
    if form not in (TokenForm.FULL, TokenForm.COMPACT):
        raise TokenError(f"tokens are not signed in the {form} form any more")
    cti = _public_id_bytes(claims.public_id)
    if claims.status_index is not None and claims.status_index < 0:
        raise TokenError("status index must be >= 0")
    issued_at = issued_at or dt.datetime.now(dt.UTC)
    exp = _exp(claims, issued_at, expires)
    compact = form == TokenForm.COMPACT
    cert = _compact_claim(claims) if compact else _full_claim(claims)
    _refuse_id_numbers(claims.issuer, *cert.values())

    payload: dict[int, Any] = {
        ISS: claims.issuer,
        IAT: _epoch(issued_at),
        EXP: _epoch(exp),
        CTI: cti,
        COMPACT_CLAIM if compact else CERT_CLAIM: cert,
    }
    # The draft's status claim names the list by its whole URL (about 60 bytes); the
    # compact form leaves it out unless asked: the list is at a fixed address by the keys.
    if status_claim is None:
        status_claim = not compact
    if status_claim and claims.status_uri and claims.status_index is not None:
        payload[STATUS_CLAIM] = {
            "status_list": {"idx": claims.status_index, "uri": claims.status_uri}
        }
    kid = kid_bytes(key.kid) if compact else key.kid.encode("ascii")
    return _COSE.encode_and_sign(
        cbor2.dumps(payload),
        key.cose_key,
        protected={1: COSE_ALG_ES256, 4: kid},
        unprotected={},
    )


def sign_certificate_token(
    claims: CertificateClaims,
    key: SigningKey,
    *,
    issued_at: dt.datetime | None = None,
    expires: dt.date | dt.datetime | None = None,
    form: TokenForm = CURRENT_FORM,
    status_claim: bool | None = None,
) -> str:
    """:func:`sign_certificate` as the verify URL's text: decimal for the compact form,
    base32 for the full form."""
    cose = sign_certificate(
        claims, key, issued_at=issued_at, expires=expires, form=form, status_claim=status_claim
    )
    return encode_decimal(cose) if form == TokenForm.COMPACT else encode_token(cose)


# --------------------------------------------------------------------------- decoding


class _Malformed(Exception):
    pass


def _loads_exact(data: bytes) -> Any:
    """CBOR decode that rejects trailing bytes (cbor2.loads silently ignores them)."""
    stream = io.BytesIO(data)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except Exception as exc:  # cbor2 raises several types on garbage
        raise _Malformed(f"not CBOR: {exc}") from exc
    if stream.tell() != len(data):
        raise _Malformed("trailing bytes after the CBOR item")
    return value


def _as_date(value: Any, what: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise _Malformed(f"{what} is not a date")
    if isinstance(value, dt.date):  # cbor2 decodes tag 100 (and 1004) to date
        return value
    raise _Malformed(f"{what} is not a date")


def _text(value: Any, what: str, required: bool = False) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Malformed(f"{what} is not text")
    return value


def _int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Malformed(f"{what} is not a non-negative integer")
    return value


def status_reference(payload: Any) -> tuple[int, str] | None:
    """(idx, uri) of the draft's status claim in a CWT claims set, as a verifier written to
    draft-ietf-oauth-status-list reads it; None when there is none."""
    if not isinstance(payload, dict):
        return None
    status = payload.get(STATUS_CLAIM)
    if not isinstance(status, dict):
        return None
    ref = status.get("status_list")
    if not isinstance(ref, dict):
        return None
    idx, uri = ref.get("idx"), ref.get("uri")
    if not isinstance(idx, int) or isinstance(idx, bool) or idx < 0 or not isinstance(uri, str):
        return None
    return idx, uri


def _status_claim_uri(value: Any, index: Any) -> str | None:
    if value is None:
        return None
    ref = status_reference({STATUS_CLAIM: value})
    if ref is None:
        raise _Malformed("status claim is not {status_list: {idx, uri}}")
    if ref[0] != index:
        raise _Malformed("the status claim's idx differs from the certificate's index")
    return ref[1]


def _day(value: Any, what: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Malformed(f"{what} is not a day number")
    try:
        return _EPOCH + dt.timedelta(days=value)
    except OverflowError as exc:
        raise _Malformed(f"{what} is out of range") from exc


def _times(payload: dict) -> tuple[dt.datetime, dt.datetime, bytes]:
    iat, exp, cti = payload.get(IAT), payload.get(EXP), payload.get(CTI)
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise _Malformed("iat missing")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise _Malformed("exp missing")
    if not isinstance(cti, bytes):
        raise _Malformed("cti missing")
    try:
        return dt.datetime.fromtimestamp(iat, dt.UTC), dt.datetime.fromtimestamp(exp, dt.UTC), cti
    except (OverflowError, OSError, ValueError) as exc:
        raise _Malformed("iat or exp out of range") from exc


def _compact_claims(payload: dict, cert: Any) -> CertificateClaims:
    if not isinstance(cert, dict):
        raise _Malformed("certificate claim is not a map")
    issued_at, expires_at, cti = _times(payload)
    if len(cti) not in _PUBLIC_ID_RANGE:
        raise _Malformed("cti is not a public id")
    dates = cert.get(K_DATES)
    if not isinstance(dates, list) or len(dates) != 4:
        raise _Malformed("dates are not [first, from, to, review]")
    first_issued, valid_from, valid_to, next_review = (
        _day(value, what)
        for value, what in zip(dates, ("first", "from", "to", "review"), strict=True)
    )
    if valid_to is None:
        raise _Malformed("valid_to missing")
    codes, more = cert.get(K_ITEM_CODES), cert.get(K_MORE_ITEMS)
    for value in (codes, more):
        if value is not None and (
            not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value)
        ):
            raise _Malformed("item codes are not a list of text")
    if codes is not None and more is not None:
        raise _Malformed("both item code lists")
    type_code = _text(cert.get(K_TYPE), "type", required=True)
    if more is not None:
        codes = [type_code, *more]
    return CertificateClaims(
        number=_text(cert.get(K_NUMBER), "number", required=True),
        issuer=_text(payload.get(ISS), "iss", required=True),
        name=_text(cert.get(K_NAME), "name", required=True),
        id_masked=_text(cert.get(K_ID_MASKED), "id_masked", required=True),
        type_code=type_code,
        valid_to=valid_to,
        sex=_int(cert.get(K_SEX), "sex"),
        first_issued=first_issued,
        valid_from=valid_from,
        next_review=next_review,
        status_index=_int(cert.get(K_STATUS_INDEX), "status_index"),
        status_list=_int(cert.get(K_STATUS_LIST), "status_list"),
        public_id=cti.hex(),
        item_codes=tuple(codes) if codes else None,
        status_uri=_status_claim_uri(payload.get(STATUS_CLAIM), cert.get(K_STATUS_INDEX)),
        issued_at=issued_at,
        expires_at=expires_at,
        form=TokenForm.COMPACT,
    )


def _claims_from_payload(payload: Any) -> CertificateClaims:
    if not isinstance(payload, dict):
        raise _Malformed("claims are not a map")
    if COMPACT_CLAIM in payload:
        if CERT_CLAIM in payload:
            raise _Malformed("two certificate claims")
        return _compact_claims(payload, payload[COMPACT_CLAIM])
    cert = payload.get(CERT_CLAIM)
    if not isinstance(cert, dict):
        raise _Malformed("certificate claim missing")
    issued_at, expires_at, cti = _times(payload)
    public_id: str | None = None
    if K_NUMBER in cert:
        if len(cti) not in _PUBLIC_ID_RANGE:
            raise _Malformed("cti is not a public id")
        public_id = cti.hex()
        number = _text(cert.get(K_NUMBER), "number", required=True)
    else:  # the legacy form: cti is the certificate number itself
        try:
            number = cti.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Malformed("cti is not UTF-8") from exc
    valid_to = _as_date(cert.get(K_VALID_TO), "valid_to")
    if valid_to is None:
        raise _Malformed("valid_to missing")
    status_uri = _status_claim_uri(payload.get(STATUS_CLAIM), cert.get(K_STATUS_INDEX))
    return CertificateClaims(
        number=number,
        issuer=_text(payload.get(ISS), "iss", required=True),
        name=_text(cert.get(K_NAME), "name", required=True),
        id_masked=_text(cert.get(K_ID_MASKED), "id_masked", required=True),
        type_code=_text(cert.get(K_TYPE), "type", required=True),
        valid_to=valid_to,
        sex=_int(cert.get(K_SEX), "sex"),
        category=_text(cert.get(K_CATEGORY), "category"),
        item=_text(cert.get(K_ITEM), "item"),
        first_issued=_as_date(cert.get(K_FIRST_ISSUED), "first_issued"),
        valid_from=_as_date(cert.get(K_VALID_FROM), "valid_from"),
        next_review=_as_date(cert.get(K_NEXT_REVIEW), "next_review"),
        issuer_name=_text(cert.get(K_ISSUER_NAME), "issuer_name"),
        status_index=_int(cert.get(K_STATUS_INDEX), "status_index"),
        status_list=_int(cert.get(K_STATUS_LIST), "status_list"),
        public_id=public_id,
        status_uri=status_uri,
        issued_at=issued_at,
        expires_at=expires_at,
        form=TokenForm.FULL if public_id is not None else TokenForm.LEGACY,
    )


def parse_sign1(data: bytes) -> tuple[cbor2.CBORTag, dict, str]:
    """Structural checks of a COSE_Sign1: returns (message, protected header, kid).

    Raises ``ValueError`` for anything that is not an ES256 COSE_Sign1 with a protected kid.
    """
    try:
        msg = _loads_exact(data)
    except _Malformed as exc:
        raise ValueError(str(exc)) from exc
    if isinstance(msg, cbor2.CBORTag) and msg.tag == _TAG_CWT:
        msg = msg.value
    if not isinstance(msg, cbor2.CBORTag) or msg.tag != _TAG_COSE_SIGN1:
        raise ValueError("not a COSE_Sign1 message")
    parts = msg.value
    if not isinstance(parts, list) or len(parts) != 4:
        raise ValueError("COSE_Sign1 must have 4 parts")
    protected_raw, unprotected, payload, signature = parts
    if not isinstance(protected_raw, bytes) or not isinstance(unprotected, dict):
        raise ValueError("bad COSE headers")
    if not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise ValueError("bad COSE payload or signature")
    if len(signature) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    try:
        protected = _loads_exact(protected_raw)
    except _Malformed as exc:
        raise ValueError(f"protected header: {exc}") from exc
    if not isinstance(protected, dict):
        raise ValueError("protected header is not a map")
    if protected.get(1) != COSE_ALG_ES256:
        raise ValueError("alg must be ES256 (-7) in the protected header")
    kid = protected.get(4)
    if not isinstance(kid, bytes) or not kid:
        raise ValueError("kid missing from the protected header")
    texts = _kid_texts(kid)
    if not texts:
        raise ValueError("kid is neither ASCII nor a 5-byte key id")
    kid_text = texts[0]
    if 1 in unprotected or 4 in unprotected:
        raise ValueError("alg/kid must not appear in the unprotected header")
    return msg, protected, kid_text


_ES256 = ec.ECDSA(hashes.SHA256())


def sign1_payload(msg: cbor2.CBORTag, public: PublicKey) -> bytes:
    """The payload of a COSE_Sign1 that :func:`parse_sign1` accepted, once its ES256
    signature verifies with ``public`` (RFC 9052 4.4: the signature is over the CBOR
    Sig_structure ["Signature1", protected, external_aad, payload]; RFC 9053 2.1: it is
    r || s, 32 bytes each). Raises ``InvalidSignature``.

    Done here with ``cryptography`` rather than through ``cwt``'s decoder, which parses
    the message again and converts the signature in Python: every look-up of an inspection
    day verifies one, and the signing side (``cwt``) checks this side in the tests."""
    protected, _unprotected, payload, signature = msg.value
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    public.key.verify(encode_dss_signature(r, s), to_be_signed, _ES256)
    return payload


def verify_cose(
    data: bytes,
    keyring: KeyRing,
    *,
    now: dt.datetime | None = None,
    leeway: dt.timedelta = DEFAULT_LEEWAY,
) -> VerifyResult:
    """Verify COSE_Sign1 bytes against ``keyring`` (offline: signature, kid, iat, exp)."""
    try:
        msg, protected, kid = parse_sign1(data)
    except ValueError as exc:
        return VerifyResult(False, Reason.MALFORMED, detail=str(exc))
    public = None
    for text in _kid_texts(protected[4]):
        public = keyring.resolve(text)
        if public is not None:
            kid = text
            break
    if public is None:
        return VerifyResult(False, Reason.UNKNOWN_KEY, kid=kid, detail=f"unknown key id {kid}")
    try:
        payload_bytes = sign1_payload(msg, public)
    except InvalidSignature:
        return VerifyResult(False, Reason.BAD_SIGNATURE, kid=kid, detail="bad signature")
    try:
        claims = _claims_from_payload(_loads_exact(payload_bytes))
    except _Malformed as exc:
        # Signed by us but not our shape: refuse, but it is not a forgery.
        return VerifyResult(False, Reason.MALFORMED, kid=kid, detail=str(exc))
    now = now or dt.datetime.now(dt.UTC)
    assert claims.expires_at is not None and claims.issued_at is not None
    if claims.expires_at < now - leeway:
        return VerifyResult(False, Reason.EXPIRED, claims, kid, "the QR code has expired")
    if claims.issued_at > now + leeway:
        return VerifyResult(False, Reason.NOT_YET_VALID, claims, kid, "issued in the future")
    return VerifyResult(True, Reason.OK, claims, kid)


def verify_token(
    token: str,
    keyring: KeyRing,
    *,
    now: dt.datetime | None = None,
    leeway: dt.timedelta = DEFAULT_LEEWAY,
) -> VerifyResult:
    """Verify a base32 token (or a whole verify URL) offline. Never raises."""
    if not isinstance(token, str):
        return VerifyResult(False, Reason.MALFORMED, detail="token must be text")
    try:
        data = decode_token(token_from_text(token))
    except ValueError as exc:
        return VerifyResult(False, Reason.MALFORMED, detail=str(exc))
    return verify_cose(data, keyring, now=now, leeway=leeway)


class StoredToken(NamedTuple):
    """What the issuer reads of its own stored token to decide whether to sign it again."""

    form: TokenForm | None
    public_id: str | None  # hex; None in the legacy form
    status_claim: bool  # carries the draft's status claim (STATUS_CLAIM)


def stored_token_shape(token: str) -> StoredToken:
    """Form, public id and status-claim presence of a token of ours, without checking its
    signature: (None, None, False) for anything unreadable. For the issuer's own stored
    tokens only (is it due to be signed again?), never to trust a token from outside; one
    parse, as every PDF asks."""
    unreadable = StoredToken(None, None, False)
    try:
        msg, _protected, _kid = parse_sign1(decode_token(token))
        payload = _loads_exact(msg.value[2])
    except (ValueError, _Malformed):
        return unreadable
    if not isinstance(payload, dict):
        return unreadable
    cti = payload.get(CTI)
    public_id = cti.hex() if isinstance(cti, bytes) else None
    status = STATUS_CLAIM in payload
    if isinstance(payload.get(COMPACT_CLAIM), dict):
        return StoredToken(TokenForm.COMPACT, public_id, status)
    cert = payload.get(CERT_CLAIM)
    if not isinstance(cert, dict):
        return unreadable
    if K_NUMBER in cert:
        return StoredToken(TokenForm.FULL, public_id, status)
    return StoredToken(TokenForm.LEGACY, None, status)


def stored_token(token: str) -> tuple[TokenForm | None, str | None]:
    """(form, public id in hex) of a token of ours (:func:`stored_token_shape`)."""
    shape = stored_token_shape(token)
    return shape.form, shape.public_id


def token_form(token: str) -> TokenForm | None:
    """Which form a stored token of ours is in (:func:`stored_token`)."""
    return stored_token(token)[0]


def token_public_id(token: str) -> str | None:
    """The public id a stored token of ours carries (hex); None for a legacy-form token or
    anything unreadable (:func:`stored_token`)."""
    return stored_token(token)[1]
