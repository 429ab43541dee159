"""The 2-bit Token Status List: bit layout, compression, signing, random indexes."""

import datetime as dt
import random

import pytest

from certificates.trust.keys import KeyRing, generate_signing_key
from certificates.trust.status_list import (
    MIN_SIZE,
    Status,
    StatusList,
    assign_random_index,
    sign_status_list,
    verify_status_list,
)
from certificates.trust.tokens import Reason

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
URI = "https://aqpx.example.gov.cn/.well-known/certificate-status/1"


def test_bit_layout_matches_the_draft_example():
    # draft-ietf-oauth-status-list, 1-bit example re-expressed: index 0 in the low bits.
    lst = StatusList(8)
    lst[0] = Status.REVOKED
    lst[1] = Status.SUSPENDED
    lst[3] = Status.REVIEW_OVERDUE
    lst[4] = Status.REVOKED
    assert lst.to_bytes() == bytes([0b11_00_10_01, 0b00_00_00_01])


def test_round_trip_and_revoked_reads_back_revoked():
    lst = StatusList(MIN_SIZE)
    rng = random.Random(7)
    expected = {}
    for _ in range(2000):
        i = rng.randrange(MIN_SIZE)
        expected[i] = Status(rng.randrange(4))
        lst[i] = expected[i]
    lst[4242] = Status.REVOKED
    expected[4242] = Status.REVOKED
    back = StatusList.decompress(lst.compress())
    assert len(back) == MIN_SIZE and back.to_bytes() == lst.to_bytes()
    assert back[4242] is Status.REVOKED
    assert all(back[i] == s for i, s in expected.items())
    assert StatusList.from_json(lst.to_json()).to_bytes() == lst.to_bytes()
    lst[4242] = Status.VALID  # setting back clears both bits
    assert lst[4242] is Status.VALID


def test_out_of_range_and_bad_values():
    lst = StatusList(MIN_SIZE)
    with pytest.raises(IndexError):
        lst[MIN_SIZE] = Status.REVOKED
    with pytest.raises(ValueError):
        lst[0] = 4
    with pytest.raises(ValueError):
        StatusList.decompress(b"not zlib")


def test_signed_status_list_token():
    key = generate_signing_key()
    ring = KeyRing(key)
    lst = StatusList(MIN_SIZE)
    lst[99] = Status.REVOKED
    lst[100] = Status.SUSPENDED
    token = sign_status_list(lst, key, issuer="ZJAJ", uri=URI, issued_at=NOW)
    result = verify_status_list(token, ring, now=NOW + dt.timedelta(hours=1))
    assert result.valid and result.reason == Reason.OK
    assert result.status_of(99) is Status.REVOKED and result.status_of(100) is Status.SUSPENDED
    assert result.status_of(101) is Status.VALID and result.status_of(MIN_SIZE) is None
    assert result.uri == URI and result.issued_at == NOW
    assert not result.stale(NOW + dt.timedelta(hours=11))
    assert result.stale(NOW + dt.timedelta(hours=13))

    later = verify_status_list(token, ring, now=NOW + dt.timedelta(days=8))
    assert later.reason == Reason.EXPIRED and later.status_of(99) is Status.REVOKED

    tampered = bytearray(token)
    tampered[-70] ^= 1
    assert not verify_status_list(bytes(tampered), ring, now=NOW).valid
    assert verify_status_list(token, KeyRing(generate_signing_key()), now=NOW).reason == (
        Reason.UNKNOWN_KEY
    )


def test_a_certificate_token_is_not_a_status_list():
    from certificates.trust.sample import sample_claims
    from certificates.trust.tokens import sign_certificate

    key = generate_signing_key()
    cert = sign_certificate(sample_claims(), key, issued_at=NOW)
    assert verify_status_list(cert, KeyRing(key), now=NOW).reason == Reason.MALFORMED


def test_lists_are_at_least_131072_entries():
    with pytest.raises(ValueError):
        sign_status_list(StatusList(1024), generate_signing_key(), issuer="X", uri=URI)


def test_random_index_assignment_never_reuses_an_index():
    size = MIN_SIZE
    used: set[int] = set()
    for _ in range(5000):
        i = assign_random_index(used, size)
        assert 0 <= i < size and i not in used
        used.add(i)
    # Spread over the whole range, not sequential.
    assert max(used) > size * 0.9 and min(used) < size * 0.1


def test_random_index_when_nearly_full_and_full():
    size = 1024
    used = set(range(size)) - {17, 900}
    assert assign_random_index(used, size) in {17, 900}
    with pytest.raises(ValueError):
        assign_random_index(set(range(size)), size)
