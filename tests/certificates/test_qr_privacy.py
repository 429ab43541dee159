"""A decoded QR tells no more than the verify page shows: no ID number (a special-operation
certificate's number is "T" + the holder's ID number), in the token or in the URL. Cards
printed before, whose QR carries the full number, keep verifying."""

import datetime as dt
import io
import json
import re

import cbor2
import pytest
from cwt import COSE
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from certificates.models import CertificateEvent, CertificateType
from certificates.pdf import certificate_pdf
from certificates.qr_reader import read_qr_texts
from certificates.services.issuing import certificate_issue
from certificates.services.keys import forget_ring, key_ring
from certificates.services.lifecycle import certificate_replace
from certificates.services.signing import certificate_claims, certificate_verify_url
from certificates.trust.sample import sample_claims
from certificates.trust.tokens import (
    CERT_CLAIM,
    COMPACT_CLAIM,
    CTI,
    STATUS_CLAIM,
    TokenError,
    TokenForm,
    decode_token,
    encode_token,
    sign_certificate,
    token_form,
    token_from_text,
    token_public_id,
    verify_token,
    verify_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    forget_ring()
    yield
    cache.clear()
    forget_ring()


@pytest.fixture
def card(world):
    """A special-operation certificate: its number is "T" + person_a's ID number."""
    certificate = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert certificate.number == "T" + world.person_a.id_number
    return certificate


def _texts(value) -> list[str]:
    """Every text and byte string inside a decoded CBOR item (keys included)."""
    if isinstance(value, cbor2.CBORTag):
        return _texts(value.value)
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_texts(k), *_texts(v))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, bytes):
        return [value.decode("latin-1"), value.hex()]
    if isinstance(value, str):
        return [value]
    return []


def assert_tells_no_id_number(text: str, id_number: str) -> None:
    """Neither the ID number nor any six characters of it in a row, except its first six
    (the region code, GB/T 2260) where they head the masked ID the verify page shows."""
    masked = id_number[:6] + "*" * 8 + id_number[-4:]
    assert id_number not in text
    unmasked = text.replace(masked, "")
    for start in range(len(id_number) - 5):
        window = id_number[start : start + 6]
        assert window not in unmasked, (window, text)
    # The last six characters were the first password (a habit of rosters): never there.
    assert id_number[-6:] not in text


def test_a_qr_read_from_the_printed_pdf_carries_no_id_number(card, world, tmp_path):
    id_number = world.person_a.id_number
    path = tmp_path / "card.pdf"
    path.write_bytes(certificate_pdf(card))
    (url,) = read_qr_texts(path)

    message = cbor2.loads(decode_token(token_from_text(url)))
    protected, _unprotected, payload_bytes, _signature = message.value
    payload = cbor2.loads(payload_bytes)
    for text in [url, url.lower(), *_texts(cbor2.loads(protected)), *_texts(payload)]:
        assert_tells_no_id_number(text, id_number)
    assert_tells_no_id_number(payload_bytes.decode("latin-1"), id_number)
    # What it names the certificate by is the random public id.
    assert payload[CTI] == bytes.fromhex(card.public_id)
    assert payload[COMPACT_CLAIM][2] == world.person_a.id_number_masked


def test_the_qr_shows_the_number_as_the_verify_page_does(card, world):
    claims = verify_token(card.token, key_ring(create=False)).claims
    api = Client().get(f"/api/verify/{card.token}").json()
    assert claims.number == api["number"] == "T" + world.person_a.id_number_masked
    assert claims.id_masked == api["holder_id_masked"]


def test_the_verify_page_and_api_still_find_the_certificate(card, world):
    client = Client()
    answer = client.get(f"/api/verify/{card.token}").json()
    assert (answer["valid"], answer["status"], answer["status_source"]) == (True, "valid", "live")
    assert answer["holder_name"] == world.person_a.name
    path = "/" + certificate_verify_url(card).split("/", 3)[3]  # /VERIFY/<token>
    assert client.get(path).status_code == 200


def test_verify_qr_online_and_offline_read_the_opaque_qr(card, world, tmp_path):
    path = tmp_path / "card.pdf"
    path.write_bytes(certificate_pdf(card))
    for args in ([], ["--offline"]):
        out = io.StringIO()
        call_command("verify_qr", str(path), *args, stdout=out)
        data = json.loads(out.getvalue())
        assert (data["valid"], data["signature"]) == (True, "ok")
        assert data["number"] == "T" + world.person_a.id_number_masked
        assert world.person_a.id_number not in out.getvalue()


def test_a_replaced_cards_qr_names_the_old_row_not_its_successor(card, world):
    new = certificate_replace(certificate=card, actor=world.system_admin, reason="lost")
    assert new.public_id != card.public_id
    client = Client()
    assert client.get(f"/api/verify/{card.token}").json()["status"] == "replaced"
    assert client.get(f"/api/verify/{new.token}").json()["status"] == "valid"


# --------------------------------------------------------------------------- old cards


def legacy_token(certificate) -> str:
    """The token as certificates were signed before public ids: the full certificate
    number as cti and no key 14 (the form printed on cards already in wallets)."""
    key = key_ring().active
    message = cbor2.loads(
        sign_certificate(certificate_claims(certificate), key, form=TokenForm.FULL)
    )
    payload = cbor2.loads(message.value[2])
    payload[CTI] = certificate.number.encode("utf-8")
    del payload[CERT_CLAIM][14]
    payload.pop(STATUS_CLAIM, None)  # the draft's status claim came later still
    raw = COSE.new().encode_and_sign(
        cbor2.dumps(payload),
        key.cose_key,
        protected={1: -7, 4: key.kid.encode("ascii")},
        unprotected={},
    )
    return encode_token(raw)


def test_a_card_printed_with_the_old_form_still_verifies(card, world, tmp_path):
    old = legacy_token(card)
    assert world.person_a.id_number.encode() in decode_token(old)  # what the old form leaked
    client = Client()
    answer = client.get(f"/api/verify/{old}").json()
    assert (answer["valid"], answer["status"], answer["status_source"]) == (True, "valid", "live")
    assert answer["number"] == "T" + world.person_a.id_number_masked
    assert client.get(f"/verify/{old}").status_code == 200
    claims = verify_token(old, key_ring(create=False)).claims
    assert (claims.public_id, claims.number) == (None, card.number)

    from certificates.trust.qr import make_qr, qr_png
    from certificates.trust.tokens import verify_url

    path = tmp_path / "old.png"
    path.write_bytes(qr_png(make_qr(verify_url("http://testserver", old))))
    for args in ([], ["--offline"]):
        out = io.StringIO()
        call_command("verify_qr", str(path), *args, stdout=out)
        data = json.loads(out.getvalue())
        assert (data["valid"], data["number"]) == (True, "T" + world.person_a.id_number_masked)


def test_an_old_form_token_is_signed_again_when_the_card_is_next_printed(card, world):
    old = legacy_token(card)
    type(card).objects.filter(pk=card.pk).update(token=old)
    card.refresh_from_db()
    assert token_public_id(card.token) is None

    certificate_pdf(card)  # the holder downloads the card again

    card.refresh_from_db()
    assert token_public_id(card.token) == card.public_id
    assert token_form(card.token) == TokenForm.COMPACT
    assert world.person_a.id_number.encode() not in decode_token(card.token)
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).count() == 1
    # Both the card in the wallet and the new print verify.
    client = Client()
    for token in (old, card.token):
        assert client.get(f"/api/verify/{token}").json()["valid"] is True


def full_form_token(certificate) -> str:
    """The token as certificates were signed before the compact form: public id in cti,
    every text spelled out, the draft's status claim, base32."""
    return encode_token(
        sign_certificate(certificate_claims(certificate), key_ring().active, form=TokenForm.FULL)
    )


def test_a_full_form_token_is_signed_again_in_the_compact_form_when_printed(card, world):
    old = full_form_token(card)
    type(card).objects.filter(pk=card.pk).update(token=old)
    card.refresh_from_db()
    assert token_form(card.token) == TokenForm.FULL
    assert token_public_id(card.token) == card.public_id

    certificate_pdf(card)

    card.refresh_from_db()
    assert token_form(card.token) == TokenForm.COMPACT and card.token.isdigit()
    # More characters (digits), yet a smaller code: the QR's numeric mode packs them tighter.
    from certificates.trust.qr import make_qr

    host = "HTTPS://TRAINING.EXAMPLE.ORG"
    assert (
        make_qr(verify_url(host, card.token), error="Q").version
        < make_qr(verify_url(host, old), error="Q").version
    )
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).count() == 1
    client = Client()
    for token in (old, card.token):
        answer = client.get(f"/api/verify/{token}").json()
        assert (answer["valid"], answer["holder_name"]) == (True, world.person_a.name)
        assert client.get(f"/verify/{token}").status_code == 200
    # Shown again: already compact, not signed a third time.
    certificate_verify_url(card)
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).count() == 1


# --------------------------------------------------------------------------- the guard


def test_a_token_carrying_a_whole_id_number_is_refused():
    key = key_ring().active
    id_number = "110101199003070011"
    for claims in (
        sample_claims(number="T" + id_number),
        sample_claims(number=f"T{id_number}-2"),
    ):
        with pytest.raises(TokenError):
            sign_certificate(claims, key, issued_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))


def test_a_token_without_a_public_id_is_refused():
    key = key_ring().active
    with pytest.raises(TokenError):
        sign_certificate(
            sample_claims(public_id=""), key, issued_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        )


def test_a_second_item_stays_on_the_masked_t_plus_id_card(world):
    ctype = CertificateType.objects.get(code="TZ-DG")
    other = CertificateType.objects.get(code="TZ-GY")
    first = certificate_issue(person=world.person_a, ctype=ctype, actor=None)
    second = certificate_issue(person=world.person_a, ctype=other, actor=None)
    assert second.pk == first.pk
    assert second.number == f"T{world.person_a.id_number}"
    shown = f"T{world.person_a.id_number_masked}"
    answer = Client().get(f"/api/verify/{second.token}").json()
    assert answer["number"] == shown
    assert answer["operation_item"] == "低压电工作业、高压电工作业"
    assert not re.search(r"\d{8,}", json.dumps(answer["number"]))


def test_a_card_of_three_items_carries_them_by_code_and_its_qr_stays_small(world, tmp_path):
    codes = ("TZ-DG", "TZ-GY", "TZ-HJ")
    for code in codes:
        card = certificate_issue(
            person=world.person_a, ctype=CertificateType.objects.get(code=code), actor=None
        )
    url = certificate_verify_url(card)
    claims = verify_token(card.token, key_ring(create=False)).claims
    assert claims.form == TokenForm.COMPACT and claims.item_codes == codes
    from certificates.trust.qr import make_qr

    # The status-list claim included (CERTIFICATE_QR_STATUS_CLAIM, on by default): 16 at most,
    # where the full form of the same card needs a bigger code.
    version = make_qr(url, error="Q").version
    assert version <= 16
    full = verify_url(settings.CERTIFICATE_VERIFY_BASE_URL, full_form_token(card))
    assert version < make_qr(full, error="Q", max_version=40).version
    # Offline, from the directory published with the keys: every item named, in order.
    keys = tmp_path / "keys.json"
    keys.write_bytes(Client().get("/.well-known/certificate-keys.json").content)
    path = tmp_path / "card.pdf"
    path.write_bytes(certificate_pdf(card))
    out = io.StringIO()
    call_command("verify_qr", str(path), "--offline", "--keys", str(keys), stdout=out)
    data = json.loads(out.getvalue())
    items = [CertificateType.objects.get(code=code).operation_item for code in codes]
    assert data["operation_item"] == "、".join(items)
    assert data["issuer"] == card.issuer_name
