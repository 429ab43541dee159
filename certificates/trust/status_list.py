"""IETF Token Status List (draft-ietf-oauth-status-list), 2 bits per certificate.

Each certificate gets a random, never reused index (:func:`assign_random_index`) when it is
issued; the index travels inside its signed QR payload. The status of index ``i`` lives in
bits ``2*(i%4)`` and ``2*(i%4)+1`` of byte ``i//4`` (least significant bits first, as the
draft specifies); the byte array is zlib-compressed (DEFLATE, level 9).

Status values: 0 valid, 1 revoked (INVALID in the draft; irreversible), 2 suspended
(reversible), 3 review overdue (the draft leaves 3 to applications).

The list is published as a Status List Token in CWT form (COSE_Sign1, ES256)::

    protected   {1: -7, 4: kid, 16: "application/statuslist+cwt"}
    claims      {1: iss, 2: sub (the list's URI), 6: iat, 4: exp, 65534: ttl,
                 65533: {"bits": 2, "lst": <zlib bytes>}}

An offline verifier keeps the last token it downloaded, shows "status as of <iat>" and
warns when ``iat + ttl`` has passed (:attr:`StatusListToken.stale`).

Lists hold at least 131,072 entries (``MIN_SIZE``), so an index says little about when a
certificate was issued, and a list's size does not reveal how many certificates exist.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import secrets
import zlib
from collections.abc import Container
from dataclasses import dataclass

import cbor2
from cryptography.exceptions import InvalidSignature
from cwt import COSE

from .keys import COSE_ALG_ES256, KeyRing, SigningKey
from .tokens import Reason, _loads_exact, _Malformed, parse_sign1, sign1_payload

BITS = 2
MIN_SIZE = 131_072  # 2**17 entries = 32 KiB uncompressed
MAX_SIZE = 1 << 26  # refuse absurd sizes from untrusted input (16 MiB uncompressed)
TYP = "application/statuslist+cwt"
CLAIM_STATUS_LIST = 65533
CLAIM_TTL = 65534
ISS, SUB, EXP, IAT = 1, 2, 4, 6
HEADER_TYP = 16
DEFAULT_TTL = dt.timedelta(hours=12)
DEFAULT_LIFETIME = dt.timedelta(days=7)

_COSE = COSE.new()


class Status(enum.IntEnum):
    VALID = 0
    REVOKED = 1
    SUSPENDED = 2
    REVIEW_OVERDUE = 3


class StatusList:
    """A mutable 2-bit status array of ``size`` entries (a multiple of 4)."""

    __slots__ = ("_data", "size")

    def __init__(self, size: int = MIN_SIZE, data: bytes | bytearray | None = None) -> None:
        if size < 1 or size % 4:
            raise ValueError("size must be a positive multiple of 4")
        if size > MAX_SIZE:
            raise ValueError(f"size {size} exceeds {MAX_SIZE}")
        nbytes = size // 4
        if data is None:
            self._data = bytearray(nbytes)
        else:
            if len(data) != nbytes:
                raise ValueError(f"{len(data)} bytes do not hold {size} 2-bit entries")
            self._data = bytearray(data)
        self.size = size

    def __len__(self) -> int:
        return self.size

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise IndexError(f"status index {index} outside 0..{self.size - 1}")

    def __getitem__(self, index: int) -> Status:
        self._check(index)
        return Status((self._data[index >> 2] >> ((index & 3) * 2)) & 3)

    def __setitem__(self, index: int, status: Status | int) -> None:
        self._check(index)
        value = Status(status)
        shift = (index & 3) * 2
        byte = self._data[index >> 2]
        self._data[index >> 2] = (byte & ~(3 << shift) & 0xFF) | (value << shift)

    get = __getitem__
    set = __setitem__

    def counts(self) -> dict[Status, int]:
        out = dict.fromkeys(Status, 0)
        for byte in self._data:
            if byte:
                for shift in (0, 2, 4, 6):
                    out[Status((byte >> shift) & 3)] += 1
        out[Status.VALID] = self.size - sum(v for k, v in out.items() if k != Status.VALID)
        return out

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def compress(self) -> bytes:
        """The ``lst`` value: zlib (RFC 1950) DEFLATE at the highest level."""
        return zlib.compress(bytes(self._data), 9)

    @classmethod
    def decompress(cls, lst: bytes, bits: int = BITS) -> StatusList:
        if bits != BITS:
            raise ValueError(f"only {BITS}-bit status lists are supported (got {bits})")
        decomp = zlib.decompressobj()
        try:
            raw = decomp.decompress(lst, MAX_SIZE // 4 + 1)  # bounded: no zip bombs
        except zlib.error as exc:
            raise ValueError(f"status list is not zlib data: {exc}") from exc
        if decomp.unconsumed_tail or len(raw) > MAX_SIZE // 4:
            raise ValueError("status list too large")
        if not decomp.eof:
            raise ValueError("truncated status list")
        return cls(len(raw) * 4, raw)

    def to_json(self) -> dict:
        """The JSON form of the draft: ``{"bits": 2, "lst": base64url(zlib)}``."""
        return {
            "bits": BITS,
            "lst": base64.urlsafe_b64encode(self.compress()).rstrip(b"=").decode("ascii"),
        }

    @classmethod
    def from_json(cls, doc: dict) -> StatusList:
        lst = doc["lst"]
        return cls.decompress(base64.urlsafe_b64decode(lst + "=" * (-len(lst) % 4)), doc["bits"])


def assign_random_index(
    used: Container[int], size: int = MIN_SIZE, *, used_count: int | None = None
) -> int:
    """A uniformly random index in ``range(size)`` that is not in ``used`` (a set, or any
    container such as a DB-backed lookup), drawn with the OS CSPRNG (:mod:`secrets`).

    Rejection sampling while the list is at most 3/4 full; beyond that (when ``used_count``
    says so, or after 64 misses) it enumerates the free indexes. Raises ``ValueError`` when
    the list is full: start a new list. The caller must still store the index under a unique
    constraint, since two processes may draw the same free index at the same moment.
    """
    if used_count is None:
        try:
            used_count = len(used)  # type: ignore[arg-type]
        except TypeError:
            used_count = 0
    if used_count < size * 3 // 4:
        for _ in range(64):
            index = secrets.randbelow(size)
            if index not in used:
                return index
    free = [i for i in range(size) if i not in used]
    if not free:
        raise ValueError(f"status list full ({size} entries): start a new list")
    return secrets.choice(free)


@dataclass(frozen=True)
class StatusListToken:
    """A verified (or rejected) status list token."""

    valid: bool
    reason: Reason
    status_list: StatusList | None = None
    issuer: str | None = None
    uri: str | None = None
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    ttl: dt.timedelta | None = None
    kid: str | None = None
    detail: str = ""

    def stale(self, now: dt.datetime | None = None) -> bool:
        """True when the issuer asks for a fresh copy (``iat + ttl`` passed)."""
        if self.issued_at is None:
            return True
        now = now or dt.datetime.now(dt.UTC)
        return now > self.issued_at + (self.ttl or DEFAULT_TTL)

    def status_of(self, index: int) -> Status | None:
        if self.status_list is None or not 0 <= index < len(self.status_list):
            return None
        return self.status_list[index]


def sign_status_list(
    status_list: StatusList,
    key: SigningKey,
    *,
    issuer: str,
    uri: str,
    issued_at: dt.datetime | None = None,
    ttl: dt.timedelta = DEFAULT_TTL,
    lifetime: dt.timedelta | None = DEFAULT_LIFETIME,
) -> bytes:
    """The Status List Token (CWT in COSE_Sign1) bytes, served as ``application/statuslist+cwt``.

    ``ttl``: how long verifiers may cache it. ``lifetime``: ``exp`` = ``iat + lifetime``
    (``None``: no ``exp``; an offline verifier then relies on ``ttl`` to warn).
    """
    if len(status_list) < MIN_SIZE:
        raise ValueError(f"status lists must hold at least {MIN_SIZE} entries")
    issued_at = issued_at or dt.datetime.now(dt.UTC)
    claims = {
        ISS: issuer,
        SUB: uri,
        IAT: int(issued_at.timestamp()),
        CLAIM_TTL: int(ttl.total_seconds()),
        CLAIM_STATUS_LIST: {"bits": BITS, "lst": status_list.compress()},
    }
    if lifetime is not None:
        claims[EXP] = int((issued_at + lifetime).timestamp())
    return _COSE.encode_and_sign(
        cbor2.dumps(claims),
        key.cose_key,
        protected={1: COSE_ALG_ES256, 4: key.kid.encode("ascii"), HEADER_TYP: TYP},
        unprotected={},
    )


def verify_status_list(
    data: bytes,
    keyring: KeyRing,
    *,
    now: dt.datetime | None = None,
    leeway: dt.timedelta = dt.timedelta(minutes=5),
) -> StatusListToken:
    """Check a Status List Token against ``keyring``. Never raises.

    An expired token comes back with ``valid=False, reason=EXPIRED`` *and* its list, so an
    offline verifier can still say "status as of <date> (out of date)".
    """
    try:
        msg, protected, kid = parse_sign1(data)
    except ValueError as exc:
        return StatusListToken(False, Reason.MALFORMED, detail=str(exc))
    if protected.get(HEADER_TYP) not in (TYP, "statuslist+cwt"):
        return StatusListToken(False, Reason.MALFORMED, kid=kid, detail="not a status list token")
    public = keyring.resolve(kid)
    if public is None:
        return StatusListToken(False, Reason.UNKNOWN_KEY, kid=kid, detail=f"unknown key {kid}")
    try:
        payload = sign1_payload(msg, public)
    except InvalidSignature:
        return StatusListToken(False, Reason.BAD_SIGNATURE, kid=kid, detail="bad signature")
    try:
        claims = _loads_exact(payload)
        if not isinstance(claims, dict):
            raise _Malformed("claims are not a map")
        body = claims.get(CLAIM_STATUS_LIST)
        if not isinstance(body, dict) or not isinstance(body.get("lst"), bytes):
            raise _Malformed("status_list claim missing")
        status_list = StatusList.decompress(body["lst"], body.get("bits", 0))
        iat = claims[IAT]
        exp = claims.get(EXP)
        ttl = claims.get(CLAIM_TTL)
        if not isinstance(iat, int) or (exp is not None and not isinstance(exp, int)):
            raise _Malformed("bad iat/exp")
        if ttl is not None and (not isinstance(ttl, int) or ttl <= 0):
            raise _Malformed("bad ttl")
    except (_Malformed, ValueError, KeyError, zlib.error) as exc:
        return StatusListToken(False, Reason.MALFORMED, kid=kid, detail=str(exc))
    result = dict(
        status_list=status_list,
        issuer=claims.get(ISS),
        uri=claims.get(SUB),
        issued_at=dt.datetime.fromtimestamp(iat, dt.UTC),
        expires_at=dt.datetime.fromtimestamp(exp, dt.UTC) if exp is not None else None,
        ttl=dt.timedelta(seconds=ttl) if ttl else None,
        kid=kid,
    )
    now = now or dt.datetime.now(dt.UTC)
    if result["expires_at"] is not None and result["expires_at"] < now - leeway:
        return StatusListToken(False, Reason.EXPIRED, detail="status list expired", **result)
    if result["issued_at"] > now + leeway:
        return StatusListToken(False, Reason.NOT_YET_VALID, detail="issued in the future", **result)
    return StatusListToken(True, Reason.OK, **result)
