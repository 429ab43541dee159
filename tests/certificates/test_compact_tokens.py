"""The compact token form cards get now: what it carries, how it verifies, how small its QR is,
and that the verifier names what it gives by code from the directory published with the keys."""

import base64
import dataclasses
import datetime as dt

import cbor2
import pytest
from cwt import COSE, COSEKey

from certificates.trust.directory import Directory
from certificates.trust.keys import KeyRing, generate_signing_key
from certificates.trust.qr import make_qr, segments
from certificates.trust.sample import sample_claims
from certificates.trust.tokens import (
    CERT_CLAIM,
    COMPACT_CLAIM,
    K_DATES,
    K_ITEM_CODES,
    K_MORE_ITEMS,
    STATUS_CLAIM,
    Reason,
    TokenError,
    TokenForm,
    decode_token,
    encode_decimal,
    encode_token,
    sign_certificate,
    sign_certificate_token,
    token_form,
    token_public_id,
    verify_cose,
    verify_token,
    verify_url,
)

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
HOST = "https://aqpx.example.gov.cn"
DIRECTORY = Directory(
    issuers={"ZJAJ": "浙江省应急管理厅"},
    types={
        "TZ": {"name": "特种作业操作证", "category": "电工作业", "item": "低压电工作业"},
        "TZ-GY": {"name": "高压电工", "category": "电工作业", "item": "高压电工作业"},
        "TZ-HJ": {"name": "焊工", "category": "焊接与热切割作业", "item": "熔化焊接与热切割作业"},
    },
)


def claims(**changes):
    """The sample as a card's claims: what the full form spelled out, the status URL too."""
    base = dataclasses.replace(sample_claims(), status_uri=f"{HOST}/sl")
    return dataclasses.replace(base, **changes)


def longest_claims():
    """The longest realistic card: a long transliterated name, three items, a long issuer
    code, a long status index, a number of the default pattern."""
    return claims(
        name="买买提·艾力·阿布都热合曼",
        number="2026AJ990000-HZ-XH000123",
        issuer="AJ990000-HZ-XH-0001",
        type_code="TZ-DG",
        item_codes=("TZ-DG", "TZ-GY", "TZ-HJ"),
        status_index=4_000_000_000,
    )


@pytest.fixture(scope="module")
def key():
    return generate_signing_key(not_before=NOW)


@pytest.fixture(scope="module")
def ring(key):
    return KeyRing(key)


@pytest.fixture(scope="module")
def token(key):
    return sign_certificate_token(claims(), key, issued_at=NOW)


def test_the_compact_form_is_decimal_and_round_trips(ring, token):
    assert token.isdigit() and token_form(token) == TokenForm.COMPACT
    result = verify_token(token, ring, now=NOW)
    assert result.valid and result.reason == Reason.OK
    got = result.claims
    assert got.form == TokenForm.COMPACT
    # What it keeps, exactly; what it names by code (category, item, issuer's name, the
    # list's URL) is left to the directory.
    expected = claims(category=None, item=None, issuer_name=None, status_uri=None)
    assert got == expected
    assert got.expires_at == dt.datetime(2029, 1, 14, 16, 0, tzinfo=dt.UTC)
    assert token_public_id(token) == "5f2c0a9e41d7b3c8"


def test_the_directory_names_what_the_token_gives_by_code(ring, token):
    described = DIRECTORY.describe(verify_token(token, ring, now=NOW).claims)
    assert described.category == "电工作业" and described.item == "低压电工作业"
    assert described.issuer_name == "浙江省应急管理厅"
    # An unknown code is shown as the code; an empty directory changes nothing else.
    bare = Directory().describe(verify_token(token, ring, now=NOW).claims)
    assert (bare.item, bare.issuer_name, bare.name) == (None, None, "张三丰")


def test_several_items_are_carried_by_code_and_all_named(key, ring):
    many = claims(type_code="TZ", item_codes=("TZ", "TZ-GY", "TZ-HJ"))
    token = sign_certificate_token(many, key, issued_at=NOW)
    got = verify_token(token, ring, now=NOW).claims
    assert got.item_codes == ("TZ", "TZ-GY", "TZ-HJ")
    assert DIRECTORY.describe(got).item == "低压电工作业、高压电工作业、熔化焊接与热切割作业"
    # The type's own item is not repeated: the type code names it, and it comes first.
    message = cbor2.loads(sign_certificate(many, key, issued_at=NOW))
    assert cbor2.loads(message.value[2])[COMPACT_CLAIM][K_MORE_ITEMS] == ["TZ-GY", "TZ-HJ"]
    message = cbor2.loads(sign_certificate(claims(item_codes=("TZ",)), key, issued_at=NOW))
    cert = cbor2.loads(message.value[2])[COMPACT_CLAIM]
    assert K_ITEM_CODES not in cert and K_MORE_ITEMS not in cert
    # Items that do not include the type's own are carried as they are, in order.
    other = claims(type_code="TZ", item_codes=("TZ-HJ", "TZ-GY"))
    got = verify_token(sign_certificate_token(other, key, issued_at=NOW), ring, now=NOW).claims
    assert got.item_codes == ("TZ-HJ", "TZ-GY")
    assert DIRECTORY.describe(got).item == "熔化焊接与热切割作业、高压电工作业"


def test_wire_shape(key, token):
    message = cbor2.loads(decode_token(token))
    assert message.tag == 18
    protected, unprotected, payload, signature = message.value
    # The default kid travels as its 5 raw bytes, not 8 ASCII characters.
    assert cbor2.loads(protected) == {1: -7, 4: base64.b32decode(key.kid)}
    assert unprotected == {} and len(signature) == 64
    body = cbor2.loads(payload)
    assert set(body) == {1, 4, 6, 7, COMPACT_CLAIM}  # no status claim, no full-form claim
    assert CERT_CLAIM not in body and STATUS_CLAIM not in body
    cert = body[COMPACT_CLAIM]
    assert cert[K_DATES] == [20468, 20468, 22658, 21563]  # days since 1970
    assert 11 not in cert and 5 not in cert and 6 not in cert  # no issuer name, category, item
    assert len(decode_token(token)) <= 200


def test_cwt_verifies_the_compact_form_with_the_raw_kid(key, token):
    """A standard COSE library verifies it: the JWKS names the key by the base32 of the
    header's kid bytes."""
    jwk = key.public.to_jwk()
    public = COSEKey.from_jwk({**jwk, "kid": base64.b32decode(jwk["kid"])})
    raw = decode_token(token)
    assert COSE.new().decode(raw, public) == cbor2.loads(raw).value[2]


def test_every_single_byte_tamper_is_rejected(ring, token):
    raw = decode_token(token)
    reasons = set()
    for i in range(len(raw)):
        tampered = bytearray(raw)
        tampered[i] ^= 0x01
        result = verify_cose(bytes(tampered), ring, now=NOW)
        assert not result.valid, i
        reasons.add(result.reason)
    assert reasons <= {Reason.BAD_SIGNATURE, Reason.MALFORMED, Reason.UNKNOWN_KEY}
    assert Reason.BAD_SIGNATURE in reasons


def test_every_single_digit_tamper_is_rejected(ring, token):
    for i in range(0, len(token), 7):
        other = "1" if token[i] != "1" else "2"
        tampered = token[:i] + other + token[i + 1 :]
        assert not verify_token(tampered, ring, now=NOW).valid, i


def test_the_decimal_text_is_canonical_and_tolerant(ring, token):
    raw = decode_token(token)
    assert encode_decimal(raw) == token
    assert verify_token(f"{HOST.upper()}/VERIFY/{token}", ring, now=NOW).valid
    assert verify_token(f" {token[:40]}\n{token[40:]} ", ring, now=NOW).valid
    assert verify_token("0" + token, ring, now=NOW).reason == Reason.MALFORMED
    with pytest.raises(TokenError):
        encode_decimal(b"\x00" + raw)


def test_a_key_id_that_is_not_base32_travels_as_ascii(ring):
    dated = generate_signing_key(kid="2026a", not_before=NOW)
    token = sign_certificate_token(claims(), dated, issued_at=NOW)
    protected = cbor2.loads(cbor2.loads(decode_token(token)).value[0])
    assert protected[4] == b"2026a"
    result = verify_token(token, KeyRing(dated), now=NOW)
    assert result.valid and result.kid == "2026a"


def test_raw_kid_bytes_that_read_as_ascii_still_find_their_key():
    # b"ABCDE" is printable: the raw form of kid "IFBEGRCF" looks like an ASCII kid.
    ambiguous = generate_signing_key(kid=base64.b32encode(b"ABCDE").decode(), not_before=NOW)
    token = sign_certificate_token(claims(), ambiguous, issued_at=NOW)
    result = verify_token(token, KeyRing(ambiguous), now=NOW)
    assert result.valid and result.kid == "IFBEGRCF"


def test_older_forms_still_verify_beside_it(key, ring):
    full = sign_certificate_token(claims(), key, issued_at=NOW, form=TokenForm.FULL)
    assert not full.isdigit() and token_form(full) == TokenForm.FULL
    result = verify_token(full, ring, now=NOW)
    assert result.valid and result.claims.form == TokenForm.FULL
    assert result.claims.issuer_name == "330100" and result.claims.item == "低压电工作业"
    with pytest.raises(TokenError):
        sign_certificate(claims(), key, issued_at=NOW, form=TokenForm.LEGACY)


def test_no_whole_id_number_in_any_claim(key):
    id_number = "110101199003070011"
    for bad in (
        claims(number="T" + id_number),
        claims(name=id_number),
        claims(item_codes=("TZ", id_number)),
        claims(issuer=id_number),
    ):
        with pytest.raises(TokenError):
            sign_certificate(bad, key, issued_at=NOW)


def qr_version(token: str, error: str = "Q") -> int:
    return make_qr(verify_url(HOST, token), error=error, max_version=40).version


def test_the_qr_is_two_segments_and_smaller_than_the_full_forms(key, token):
    url = verify_url(HOST, token)
    prefix = len(f"{HOST}/VERIFY/")
    assert segments(url) == [("alphanumeric", prefix), ("numeric", len(token))]
    full = sign_certificate_token(claims(), key, issued_at=NOW, form=TokenForm.FULL)
    assert qr_version(token) <= 13 < qr_version(full)
    assert qr_version(token, "M") <= 11


def test_the_longest_realistic_card_stays_within_version_15_at_q(key):
    token = sign_certificate_token(longest_claims(), key, issued_at=NOW)
    assert qr_version(token) <= 15
    # Base32 of the same bytes would need a bigger code: why the compact form is decimal.
    base32 = encode_token(decode_token(token))
    assert qr_version(base32) > qr_version(token)


def test_with_the_drafts_status_claim_the_qr_stays_two_versions_below_the_full_forms(key):
    """What the product prints (CERTIFICATE_QR_STATUS_CLAIM, on by default: issue 26's rule)."""
    typical = sign_certificate_token(claims(), key, issued_at=NOW, status_claim=True)
    full = sign_certificate_token(claims(), key, issued_at=NOW, form=TokenForm.FULL)
    assert qr_version(typical) <= 15 < qr_version(full)
    longest = sign_certificate_token(longest_claims(), key, issued_at=NOW, status_claim=True)
    assert qr_version(longest) <= 17
