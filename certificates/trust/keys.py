"""ES256 (ECDSA P-256 / SHA-256) signing keys as plain data, and the key ring.

A key is identified by a short ``kid`` that travels in the protected header of every token
it signs. By default the kid is derived from the key itself: the first 8 characters of the
base32 SHA-256 of its RFC 7638 JWK thumbprint input, e.g. ``"K7QZ2MFA"`` (40 bits; a
collision needs about a million keys, and a collision only makes verification try the wrong
key and fail, never accept a forgery). A date-based kid such as ``"2026a"`` works as well.

Storage: :func:`private_key_to_pem` gives PKCS#8 PEM, encrypted when a passphrase is given
(by default ``settings.CERTIFICATE_KEY_PASSPHRASE`` when Django is configured and it is set).

Publication: :meth:`KeyRing.to_jwks` is the document served at
``/.well-known/certificate-keys.json``: one JWK per key of the ring (``kid, kty EC, crv
P-256, x, y, use sig, alg ES256``) plus its period: ``not_before`` (when it began signing),
``retired_at`` (when it stopped; absent while it signs), ``not_after`` (the latest expiry of
the certificates it signed) and ``retired``. Which keys are in the published ring is the
issuer's decision (certificates.services.keys): a key that signed a certificate stays there
for as long as that certificate exists, also long after it lapsed, so its QR still proves
whose card it is and says that it has lapsed instead of looking forged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cwt import COSEKey

ALG = "ES256"
COSE_ALG_ES256 = -7
_COSE_KTY_EC2 = 2
_COSE_CRV_P256 = 1

_UNSET: Any = object()


class KeyMaterialError(ValueError):
    """A key document or PEM that cannot be used (wrong curve, bad passphrase, bad fields)."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _coords(public_key: ec.EllipticCurvePublicKey) -> tuple[bytes, bytes]:
    numbers = public_key.public_numbers()
    return numbers.x.to_bytes(32, "big"), numbers.y.to_bytes(32, "big")


def _check_curve(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> None:
    if not isinstance(key.curve, ec.SECP256R1):
        raise KeyMaterialError(f"certificate keys must be P-256 (ES256), not {key.curve.name}")


def compute_kid(public_key: ec.EllipticCurvePublicKey, length: int = 8) -> str:
    """The default key id: base32 (upper case, no padding) of the RFC 7638 thumbprint."""
    x, y = _coords(public_key)
    # RFC 7638: the required members in lexicographic order, no whitespace.
    canonical = json.dumps(
        {"crv": "P-256", "kty": "EC", "x": _b64url(x), "y": _b64url(y)},
        separators=(",", ":"),
        sort_keys=True,
    )
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.b32encode(digest).decode("ascii")[:length]


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise KeyMaterialError("key validity times must be timezone-aware")
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _parse_iso(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


@dataclass(frozen=True)
class PublicKey:
    """A published verification key.

    ``not_before``: when it started signing. ``retired_at``: when it stopped (``None``
    while it signs). ``not_after``: the latest expiry of anything it signed; a token of it
    past that moment has lapsed, which is not the same as forged, so the key stays
    published after it. ``retired``: it signs nothing new.
    """

    kid: str
    key: ec.EllipticCurvePublicKey
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    retired: bool = False
    retired_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        _check_curve(self.key)
        if not self.kid or not self.kid.isascii():
            raise KeyMaterialError("a key id must be a non-empty ASCII string")

    def to_jwk(self) -> dict[str, Any]:
        x, y = _coords(self.key)
        jwk: dict[str, Any] = {
            "kid": self.kid,
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url(x),
            "y": _b64url(y),
            "use": "sig",
            "alg": ALG,
            "retired": self.retired,
        }
        if self.not_before is not None:
            jwk["not_before"] = _iso(self.not_before)
        if self.retired_at is not None:
            jwk["retired_at"] = _iso(self.retired_at)
        if self.not_after is not None:
            jwk["not_after"] = _iso(self.not_after)
        return jwk

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        try:
            if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
                raise KeyMaterialError("only EC P-256 keys are accepted")
            if jwk.get("alg", ALG) != ALG:
                raise KeyMaterialError(f"unexpected alg {jwk.get('alg')!r}")
            x = int.from_bytes(_b64url_decode(jwk["x"]), "big")
            y = int.from_bytes(_b64url_decode(jwk["y"]), "big")
            key = ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
            return cls(
                kid=str(jwk["kid"]),
                key=key,
                not_before=_parse_iso(jwk.get("not_before")),
                not_after=_parse_iso(jwk.get("not_after")),
                retired=bool(jwk.get("retired", False)),
                retired_at=_parse_iso(jwk.get("retired_at")),
            )
        except KeyMaterialError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyMaterialError(f"unusable JWK: {exc}") from exc

    def public_pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A private signing key with its id and validity window (see :class:`PublicKey`)."""

    kid: str
    key: ec.EllipticCurvePrivateKey = field(repr=False)
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None

    def __post_init__(self) -> None:
        _check_curve(self.key)
        if not self.kid or not self.kid.isascii():
            raise KeyMaterialError("a key id must be a non-empty ASCII string")

    @cached_property
    def cose_key(self):
        """The ``cwt`` COSE key used to sign (built once per object)."""
        x, y = _coords(self.key.public_key())
        d = self.key.private_numbers().private_value.to_bytes(32, "big")
        return COSEKey.new(
            {
                1: _COSE_KTY_EC2,
                2: self.kid.encode("ascii"),
                3: COSE_ALG_ES256,
                -1: _COSE_CRV_P256,
                -2: x,
                -3: y,
                -4: d,
            }
        )

    @property
    def public(self) -> PublicKey:
        return PublicKey(
            kid=self.kid,
            key=self.key.public_key(),
            not_before=self.not_before,
            not_after=self.not_after,
        )

    def to_pem(self, passphrase: str | bytes | None = _UNSET) -> str:
        return private_key_to_pem(self.key, passphrase)

    @classmethod
    def from_pem(
        cls,
        pem: str | bytes,
        *,
        kid: str | None = None,
        passphrase: str | bytes | None = _UNSET,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> SigningKey:
        key = private_key_from_pem(pem, passphrase)
        return cls(
            kid=kid or compute_kid(key.public_key()),
            key=key,
            not_before=not_before,
            not_after=not_after,
        )


def generate_signing_key(
    kid: str | None = None,
    *,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> SigningKey:
    """A fresh P-256 key; ``kid`` defaults to :func:`compute_kid` of its public key."""
    key = ec.generate_private_key(ec.SECP256R1())
    return SigningKey(
        kid=kid or compute_kid(key.public_key()),
        key=key,
        not_before=not_before or dt.datetime.now(dt.UTC).replace(microsecond=0),
        not_after=not_after,
    )


def default_passphrase() -> bytes | None:
    """``settings.CERTIFICATE_KEY_PASSPHRASE`` when Django is configured and it is set."""
    try:
        from django.conf import settings

        value = settings.CERTIFICATE_KEY_PASSPHRASE if settings.configured else None
    except ImportError:  # pragma: no cover - used outside Django
        value = None
    if not value:
        return None
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def _passphrase(value: str | bytes | None) -> bytes | None:
    if value is _UNSET:
        return default_passphrase()
    if not value:
        return None
    return value.encode("utf-8") if isinstance(value, str) else value


def private_key_to_pem(
    key: ec.EllipticCurvePrivateKey, passphrase: str | bytes | None = _UNSET
) -> str:
    """PKCS#8 PEM; encrypted (best available: AES-256-CBC, scrypt/PBKDF2) with a passphrase.

    ``passphrase`` defaults to :func:`default_passphrase`; pass ``None`` for plain PEM.
    """
    secret = _passphrase(passphrase)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")


def private_key_from_pem(
    pem: str | bytes, passphrase: str | bytes | None = _UNSET
) -> ec.EllipticCurvePrivateKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    secret = _passphrase(passphrase)
    if secret and b"ENCRYPTED" not in data:
        secret = None  # a plain PEM stays readable after a passphrase is configured
    try:
        key = serialization.load_pem_private_key(data, password=secret)
    except (TypeError, ValueError) as exc:
        raise KeyMaterialError(
            f"cannot load the certificate signing key (wrong passphrase?): {exc}"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyMaterialError("the certificate signing key must be an EC P-256 key")
    _check_curve(key)
    return key


class KeyRing:
    """The active signing key plus every public key verifiers should still trust.

    Immutable in use: :meth:`rotate` returns a new ring. ``resolve(kid)`` accepts the kid as
    ``str`` or as the ``bytes`` found in a COSE header.
    """

    def __init__(
        self, active: SigningKey | None = None, public_keys: Iterable[PublicKey] = ()
    ) -> None:
        self._active = active
        keys: dict[str, PublicKey] = {}
        for public in public_keys:
            if public.kid in keys:
                raise KeyMaterialError(f"duplicate key id {public.kid!r}")
            keys[public.kid] = public
        if active is not None:
            if active.kid in keys and keys[active.kid].key.public_numbers() != (
                active.key.public_key().public_numbers()
            ):
                raise KeyMaterialError(f"key id {active.kid!r} names two different keys")
            keys[active.kid] = active.public
        self._keys = keys

    @property
    def active(self) -> SigningKey:
        if self._active is None:
            raise KeyMaterialError("this key ring holds no signing key (verification only)")
        return self._active

    @property
    def can_sign(self) -> bool:
        return self._active is not None

    def resolve(self, kid: str | bytes | None) -> PublicKey | None:
        if kid is None:
            return None
        if isinstance(kid, bytes | bytearray):
            try:
                kid = bytes(kid).decode("ascii")
            except UnicodeDecodeError:
                return None
        return self._keys.get(kid)

    def public_keys(self) -> list[PublicKey]:
        return list(self._keys.values())

    def __contains__(self, kid: object) -> bool:
        return isinstance(kid, str | bytes) and self.resolve(kid) is not None

    def __len__(self) -> int:
        return len(self._keys)

    def rotate(self, new_key: SigningKey, *, retired_not_after: dt.datetime | None) -> KeyRing:
        """A ring where ``new_key`` signs and the old active key is retired but published.

        ``retired_not_after``: the latest ``exp`` the old key ever signed (the longest
        validity), published as its ``not_after``; ``retired_at`` is the new key's start.
        """
        keys = [k for k in self._keys.values() if self._active is None or k.kid != self._active.kid]
        if self._active is not None:
            keys.append(
                replace(
                    self._active.public,
                    retired=True,
                    retired_at=new_key.not_before,
                    not_after=retired_not_after,
                )
            )
        return KeyRing(new_key, keys)

    def to_jwks(self) -> dict[str, Any]:
        """The document for ``/.well-known/certificate-keys.json``: every key of the ring
        (the ring holds what the issuer publishes; a lapsed ``not_after`` drops nothing)."""
        return {"keys": [k.to_jwk() for k in self._keys.values()]}

    @classmethod
    def from_jwks(cls, document: Mapping[str, Any] | str | bytes) -> KeyRing:
        """A verification-only ring from a published JWKS (for offline verifiers)."""
        if isinstance(document, str | bytes):
            document = json.loads(document)
        return cls(None, [PublicKey.from_jwk(jwk) for jwk in document.get("keys", [])])
