"""A full-form certificate CWT (cards printed before the compact form) carries the status
claim of draft-ietf-oauth-status-list (claim 65535, {"status_list": {"idx", "uri"}}), so a
verifier written to the draft, knowing nothing of the product's private claim, finds the
certificate's entry in the published list. The compact form leaves the claim's 60 bytes out:
its index is in the private claim and the list is at the address published with the keys."""

import cbor2
import pytest
from django.core.cache import cache
from django.test import Client

from certificates.models import CertificateType
from certificates.services.issuing import certificate_issue
from certificates.services.keys import key_ring, public_ring
from certificates.services.lifecycle import certificate_change_status
from certificates.services.signing import certificate_claims
from certificates.services.status import status_list_uri
from certificates.trust.status_list import Status, verify_status_list
from certificates.trust.tokens import (
    CERT_CLAIM,
    COMPACT_CLAIM,
    K_STATUS_INDEX,
    STATUS_CLAIM,
    TokenForm,
    decode_token,
    encode_token,
    parse_sign1,
    sign_certificate,
    status_reference,
    verify_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_status_list():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def card(world):
    certificate = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    # The draft tests read a card printed with the full form (the row keeps the compact one).
    certificate.full_token = encode_token(
        sign_certificate(certificate_claims(certificate), key_ring().active, form=TokenForm.FULL)
    )
    return certificate


def draft_reader(token: str) -> tuple[int, str]:
    """What a draft verifier reads: the CWT claims set's claim 65535, nothing of ours."""
    message, _protected, _kid = parse_sign1(decode_token(token))
    payload = cbor2.loads(message.value[2])
    reference = status_reference(payload)
    assert reference is not None
    return reference


def list_entry(uri: str, index: int) -> Status | None:
    """Fetch the list at `uri` as a verifier would, check its signature, read the entry."""
    path = uri.split("://", 1)[1].split("/", 1)[1]
    response = Client().get("/" + path)
    assert response.status_code == 200
    token = verify_status_list(response.content, public_ring())
    assert token.valid, token.reason
    assert token.uri == uri  # the list says it is the one the claim points at
    return token.status_list[index]


def test_the_claim_has_the_drafts_shape_beside_the_private_claim(card):
    message, _protected, _kid = parse_sign1(decode_token(card.full_token))
    payload = cbor2.loads(message.value[2])
    assert set(payload[STATUS_CLAIM]) == {"status_list"}
    assert set(payload[STATUS_CLAIM]["status_list"]) == {"idx", "uri"}
    assert payload[STATUS_CLAIM]["status_list"]["idx"] == card.status_index
    assert payload[CERT_CLAIM][K_STATUS_INDEX] == card.status_index
    assert payload[STATUS_CLAIM]["status_list"]["uri"].endswith("/sl")


def test_a_draft_verifier_finds_the_certificates_entry(card):
    index, uri = draft_reader(card.full_token)
    assert list_entry(uri, index) == Status.VALID


def test_a_draft_verifier_reads_a_revocation_at_that_entry(card):
    certificate_change_status(certificate=card, kind="revoked", actor=None, reason="提供虚假材料")
    cache.clear()
    index, uri = draft_reader(card.full_token)
    assert list_entry(uri, index) == Status.REVOKED


def test_our_decoder_reads_the_claim_and_the_verify_answer_is_unchanged(card):
    claims = verify_token(card.full_token, public_ring()).claims
    assert claims is not None and claims.status_uri.endswith("/sl")
    answer = Client().get(f"/api/verify/{card.full_token}").json()
    assert (answer["valid"], answer["status"]) == (True, "valid")


def test_a_site_may_leave_the_claim_out_of_the_compact_form(world, settings):
    """CERTIFICATE_QR_STATUS_CLAIM off: the index and the list are still there."""
    settings.CERTIFICATE_QR_STATUS_CLAIM = False
    card = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    message, _protected, _kid = parse_sign1(decode_token(card.token))
    payload = cbor2.loads(message.value[2])
    assert STATUS_CLAIM not in payload and CERT_CLAIM not in payload
    assert payload[COMPACT_CLAIM][K_STATUS_INDEX] == card.status_index
    # Where the list is: the short address every full-form token named.
    assert list_entry(status_list_uri(), card.status_index) == Status.VALID


def test_the_compact_form_carries_the_drafts_claim_by_default(world):
    """CERTIFICATE_QR_STATUS_CLAIM: for verifiers written to the draft alone (issue 26)."""
    card = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert card.token.isdigit()  # still the compact form
    index, uri = draft_reader(card.token)
    assert (index, uri) == (card.status_index, status_list_uri())
    assert list_entry(uri, index) == Status.VALID
    claims = verify_token(card.token, public_ring()).claims
    assert claims is not None and claims.status_uri == uri


def _carries_status_claim(token: str) -> bool:
    message, _protected, _kid = parse_sign1(decode_token(token))
    return STATUS_CLAIM in cbor2.loads(message.value[2])


@pytest.mark.parametrize("before", [True, False])
def test_a_stored_token_is_signed_again_when_the_status_claim_setting_changed(
    world, settings, before
):
    """A card signed under one CERTIFICATE_QR_STATUS_CLAIM and shown or printed under the
    other is signed again, as older token forms are; shown again, it is not."""
    from certificates.models import CertificateEvent
    from certificates.pdf import certificate_pdf
    from certificates.services.signing import certificate_verify_url

    settings.CERTIFICATE_QR_STATUS_CLAIM = before
    card = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert _carries_status_claim(card.token) is before
    old = card.token

    settings.CERTIFICATE_QR_STATUS_CLAIM = not before
    certificate_pdf(card)
    card.refresh_from_db()
    assert card.token != old and _carries_status_claim(card.token) is (not before)
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).count() == 1
    certificate_verify_url(card)
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).count() == 1
    # Cards printed before keep verifying.
    client = Client()
    for token in (old, card.token):
        assert client.get(f"/api/verify/{token}").json()["valid"] is True


def test_an_unchanged_setting_signs_nothing_again(card_compact):
    from certificates.models import CertificateEvent
    from certificates.services.signing import certificate_verify_url

    token = card_compact.token
    certificate_verify_url(card_compact)
    assert card_compact.token == token
    assert not card_compact.events.filter(kind=CertificateEvent.Kind.RESIGNED).exists()


@pytest.fixture
def card_compact(world):
    return certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
