"""The signed QR payload: sign, verify, tamper, unknown key, expiry, key rotation, JWKS."""

import base64
import binascii
import datetime as dt
import json

import cbor2
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from certificates.trust.keys import (
    KeyMaterialError,
    KeyRing,
    PublicKey,
    SigningKey,
    generate_signing_key,
)
from certificates.trust.qr import make_qr, segments
from certificates.trust.sample import sample_claims
from certificates.trust.tokens import (
    CERT_CLAIM,
    Reason,
    TokenError,
    TokenForm,
    decode_token,
    encode_token,
    sign_certificate,
    sign_certificate_token,
    token_from_text,
    verify_cose,
    verify_token,
    verify_url,
)

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def key():
    return generate_signing_key(not_before=NOW)


@pytest.fixture(scope="module")
def ring(key):
    return KeyRing(key)


@pytest.fixture(scope="module")
def token_bytes(key):
    # The full form (every text spelled out, base32): cards printed with it stay in wallets
    # and keep verifying. The compact form cards get now: test_compact_tokens.py.
    return sign_certificate(sample_claims(), key, issued_at=NOW, form=TokenForm.FULL)


def test_sign_then_verify_gives_the_claims_back(ring, token_bytes):
    result = verify_token(encode_token(token_bytes), ring, now=NOW)
    assert result.valid and result.reason == Reason.OK
    claims = result.claims
    assert claims == sample_claims()  # every field round-trips (issued/expires not compared)
    assert claims.name == "张三丰" and claims.next_review == dt.date(2029, 1, 14)
    assert claims.issued_at == NOW
    # exp is the end of the next review date, China time.
    assert claims.expires_at == dt.datetime(2029, 1, 14, 16, 0, tzinfo=dt.UTC)
    assert result.to_dict()["claims"]["valid_to"] == "2032-01-14"


def test_structure_is_cose_sign1_with_kid_in_protected_header(key, token_bytes):
    msg = cbor2.loads(token_bytes)
    assert msg.tag == 18
    protected, unprotected, payload, signature = msg.value
    assert cbor2.loads(protected) == {1: -7, 4: key.kid.encode()}
    assert unprotected == {}
    assert len(signature) == 64
    claims = cbor2.loads(payload)
    # cti is the certificate's random public id; the number is there as the page shows it.
    assert claims[1] == "ZJAJ" and claims[7] == bytes.fromhex("5f2c0a9e41d7b3c8")
    assert claims[CERT_CLAIM][12] == 73519  # status list index
    assert claims[CERT_CLAIM][14] == "T330102********1234"


def test_token_is_base32_and_qr_alphanumeric(token_bytes):
    token = encode_token(token_bytes)
    assert token == token.upper() and "=" not in token
    assert token.isascii() and all(ch.isalnum() for ch in token)
    url = verify_url("https://aqpx.example.gov.cn", token)
    assert segments(url) == [("alphanumeric", len(url))]
    lower = verify_url("https://aqpx.example.gov.cn", token, upper_case=False)
    assert segments(lower)[-1] == ("alphanumeric", len(token) + 1)  # "/" + token
    assert make_qr(url, error="Q").version < 20
    assert make_qr(url, error="M").version < make_qr(url, error="Q").version + 1


def test_decoding_is_tolerant_but_canonical(ring, token_bytes):
    token = encode_token(token_bytes)
    assert decode_token(token.lower()) == token_bytes
    padded = token + "=" * (-len(token) % 8)
    assert decode_token(padded) == token_bytes
    assert token_from_text(f"HTTPS://X.CN/VERIFY/{token}") == token
    assert token_from_text(f"https://x.cn/verify/{token.lower()}?utm=1") == token.lower()
    assert verify_token(f"https://x.cn/verify/{token.lower()}", ring, now=NOW).valid


@given(st.binary(max_size=600))
def test_any_bytes_come_back_from_their_token(raw):
    token = encode_token(raw)
    # Digits only is the compact form's decimal text; a COSE message's base32 has letters.
    assume(not token.isdigit())
    if raw:
        assert decode_token(token) == raw
    else:
        with pytest.raises(ValueError):
            decode_token(token)  # an empty token is no token


def _reference_decode(text: str) -> bytes:
    """The standard library's decoding with the canonical-form check, as the rule."""
    text = text.upper().rstrip("=")
    raw = base64.b32decode(text + "=" * (-len(text) % 8))
    if base64.b32encode(raw).decode().rstrip("=") != text:
        raise ValueError("non-canonical")
    return raw


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=1, max_size=80))
def test_any_base32_text_decodes_as_the_standard_library_does(text):
    assume(not text.rstrip("=").isdigit())  # digits only: the decimal form
    try:
        expected = _reference_decode(text)
    except (binascii.Error, ValueError):
        with pytest.raises(ValueError):
            decode_token(text)
    else:
        assert decode_token(text) == expected


def test_every_single_byte_tamper_is_rejected(ring, token_bytes):
    reasons = set()
    for i in range(len(token_bytes)):
        for flip in (0x01, 0x80, 0xFF):
            tampered = bytearray(token_bytes)
            tampered[i] ^= flip
            result = verify_cose(bytes(tampered), ring, now=NOW)
            assert not result.valid, (i, flip)
            assert result.claims is None or result.reason == Reason.MALFORMED
            reasons.add(result.reason)
    # A change in the kid bytes makes the key unknown; everything else fails the
    # signature or the structure. Never "ok".
    assert reasons <= {Reason.BAD_SIGNATURE, Reason.MALFORMED, Reason.UNKNOWN_KEY}
    assert Reason.BAD_SIGNATURE in reasons


def test_the_signature_check_agrees_with_cwt_on_every_tamper(key, ring, token_bytes):
    """The look-up checks ES256 itself (tokens.sign1_payload); cwt, which signs, is a second
    implementation of RFC 9052 that must reach the same verdict on the same bytes."""
    from cwt import COSE, COSEKey

    cose, public = COSE.new(), COSEKey.from_jwk(key.public.to_jwk())
    seen = set()
    for i in range(len(token_bytes)):
        tampered = bytearray(token_bytes)
        tampered[i] ^= 0x01
        result = verify_cose(bytes(tampered), ring, now=NOW)
        if result.reason in (Reason.MALFORMED, Reason.UNKNOWN_KEY) and result.claims is None:
            continue  # refused before any signature was checked
        try:
            cose.decode(bytes(tampered), public)
        except Exception:  # cwt raises several types
            cwt_accepts = False
        else:
            cwt_accepts = True
        seen.add(result.reason)
        assert cwt_accepts == (result.reason != Reason.BAD_SIGNATURE), i
    assert Reason.BAD_SIGNATURE in seen
    assert cose.decode(token_bytes, public) == cbor2.loads(token_bytes).value[2]
    assert verify_cose(token_bytes, ring, now=NOW).valid


@pytest.mark.parametrize("r, s", [(0, 1), (1, 0), (2**256 - 1, 1), (1, 2**256 - 1)])
def test_a_signature_out_of_the_curve_range_is_bad(ring, token_bytes, r, s):
    msg = cbor2.loads(token_bytes)
    protected, unprotected, payload, _signature = msg.value
    forged = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    data = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, forged]))
    assert verify_cose(data, ring, now=NOW).reason == Reason.BAD_SIGNATURE


def test_every_single_character_tamper_of_the_base32_string_is_rejected(ring, token_bytes):
    token = encode_token(token_bytes)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for i, ch in enumerate(token):
        other = alphabet[(alphabet.index(ch) + 1) % 32]
        result = verify_token(token[:i] + other + token[i + 1 :], ring, now=NOW)
        assert not result.valid and result.reason != Reason.OK, i


@pytest.mark.parametrize(
    "garbage",
    ["", "   ", "not base32!", "AAAA", "MFRGG", "0189", "A" * 5000, "https://x.cn/verify/"],
)
def test_garbage_is_malformed(ring, garbage):
    result = verify_token(garbage, ring, now=NOW)
    assert not result.valid and result.reason == Reason.MALFORMED


def test_truncated_or_extended_tokens_are_malformed(ring, token_bytes):
    for cut in (1, 10, len(token_bytes) // 2):
        assert verify_cose(token_bytes[:-cut], ring, now=NOW).reason == Reason.MALFORMED
    assert verify_cose(token_bytes + b"\x00", ring, now=NOW).reason == Reason.MALFORMED


def test_unknown_kid(token_bytes):
    stranger = KeyRing(generate_signing_key())
    result = verify_cose(token_bytes, stranger, now=NOW)
    assert result.reason == Reason.UNKNOWN_KEY and result.claims is None


def test_same_kid_different_key_is_bad_signature(key, token_bytes):
    impostor = KeyRing(generate_signing_key(kid=key.kid))
    assert verify_cose(token_bytes, impostor, now=NOW).reason == Reason.BAD_SIGNATURE


def test_expired_token_reports_expired_with_claims(ring, token_bytes):
    later = dt.datetime(2029, 1, 15, tzinfo=dt.UTC)
    result = verify_cose(token_bytes, ring, now=later)
    assert result.reason == Reason.EXPIRED and not result.valid
    assert result.claims.number == "T330102********1234"


def test_token_from_the_future_is_not_yet_valid(ring, token_bytes):
    result = verify_cose(token_bytes, ring, now=NOW - dt.timedelta(hours=1))
    assert result.reason == Reason.NOT_YET_VALID


def test_exp_may_not_pass_the_next_review_date(key):
    with pytest.raises(TokenError):
        sign_certificate(sample_claims(), key, issued_at=NOW, expires=dt.date(2029, 1, 15))
    early = sign_certificate(sample_claims(), key, issued_at=NOW, expires=dt.date(2027, 1, 1))
    claims = verify_cose(early, KeyRing(key), now=NOW).claims
    assert claims.expires_at == dt.datetime(2027, 1, 1, 16, tzinfo=dt.UTC)  # end of day, UTC+8


def test_a_foreign_algorithm_or_an_unprotected_kid_is_refused(key, ring, token_bytes):
    msg = cbor2.loads(token_bytes)
    _protected, _u, payload, sig = msg.value
    moved = cbor2.dumps(
        cbor2.CBORTag(18, [cbor2.dumps({1: -7}), {4: key.kid.encode()}, payload, sig])
    )
    assert verify_cose(moved, ring, now=NOW).reason == Reason.MALFORMED
    hs256 = cbor2.dumps(
        cbor2.CBORTag(18, [cbor2.dumps({1: 5, 4: key.kid.encode()}), {}, payload, sig])
    )
    assert verify_cose(hs256, ring, now=NOW).reason == Reason.MALFORMED
    mac0 = cbor2.dumps(cbor2.CBORTag(17, msg.value))
    assert verify_cose(mac0, ring, now=NOW).reason == Reason.MALFORMED


def test_rotation_keeps_tokens_of_the_retired_key_valid_and_published(key, token_bytes):
    ring = KeyRing(key)
    new_key = generate_signing_key(not_before=NOW)
    until = dt.datetime(2032, 1, 15, tzinfo=dt.UTC)
    rotated = ring.rotate(new_key, retired_not_after=until)
    assert rotated.active.kid == new_key.kid
    assert verify_cose(token_bytes, rotated, now=NOW).valid  # old token, retired key

    # What an offline verifier downloads from /.well-known/certificate-keys.json:
    jwks = json.loads(json.dumps(rotated.to_jwks()))
    by_kid = {k["kid"]: k for k in jwks["keys"]}
    assert (
        by_kid[key.kid]["retired"] is True
        and by_kid[key.kid]["not_after"] == "2032-01-15T00:00:00Z"
        and by_kid[key.kid]["retired_at"] == "2026-03-01T08:00:00Z"
    )
    assert by_kid[new_key.kid]["retired"] is False
    for jwk in jwks["keys"]:
        assert {"kid", "kty", "crv", "x", "y", "use", "alg"} <= set(jwk)
        assert (jwk["kty"], jwk["crv"], jwk["use"], jwk["alg"]) == ("EC", "P-256", "sig", "ES256")
        assert "d" not in jwk
    offline = KeyRing.from_jwks(jwks)
    assert not offline.can_sign
    assert verify_cose(token_bytes, offline, now=NOW).valid
    new_token = sign_certificate_token(sample_claims(), rotated.active, issued_at=NOW)
    assert verify_token(new_token, offline, now=NOW).valid

    # After not_after, the old key's tokens have lapsed: still published, still genuine.
    later = until + dt.timedelta(days=1)
    assert key.kid in KeyRing.from_jwks(rotated.to_jwks())
    assert verify_cose(token_bytes, offline, now=later).reason == Reason.EXPIRED


def test_private_key_pem_round_trip_with_and_without_passphrase(key, token_bytes):
    plain = key.to_pem(passphrase=None)
    assert "BEGIN PRIVATE KEY" in plain
    encrypted = key.to_pem(passphrase="correct horse")
    assert "BEGIN ENCRYPTED PRIVATE KEY" in encrypted
    loaded = SigningKey.from_pem(encrypted, passphrase="correct horse", kid=key.kid)
    again = sign_certificate(sample_claims(), loaded, issued_at=NOW)
    assert verify_cose(again, KeyRing(key), now=NOW).valid
    with pytest.raises(KeyMaterialError):
        SigningKey.from_pem(encrypted, passphrase="wrong")
    assert SigningKey.from_pem(plain, passphrase=None).kid == key.kid  # kid from the key


def test_passphrase_defaults_to_the_setting(settings, key):
    settings.CERTIFICATE_KEY_PASSPHRASE = "from-settings"
    pem = key.to_pem()
    assert "ENCRYPTED" in pem
    assert SigningKey.from_pem(pem).kid == key.kid


def test_jwk_round_trip_and_curve_check(key):
    public = PublicKey.from_jwk(key.public.to_jwk())
    assert public.key.public_numbers() == key.key.public_key().public_numbers()
    bad = dict(key.public.to_jwk(), crv="P-384")
    with pytest.raises(KeyMaterialError):
        PublicKey.from_jwk(bad)
    with pytest.raises(KeyMaterialError):
        KeyRing(key, [PublicKey(kid=key.kid, key=generate_signing_key().key.public_key())])
