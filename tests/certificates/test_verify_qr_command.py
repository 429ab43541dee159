"""verify_qr: QR codes read from PNG, JPEG and PDF files with real decoders (zxing-cpp,
pypdfium2), checked online and offline (published keys, signed status list), and clear
refusals for files that hold no certificate QR."""

import dataclasses
import io
import json
import sys

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from certificates.models import Verification
from certificates.services.keys import key_ring
from certificates.services.lifecycle import certificate_change_status
from certificates.services.signing import certificate_claims, certificate_verify_url
from certificates.trust.keys import generate_signing_key
from certificates.trust.qr import make_qr, qr_png
from certificates.trust.sample import sample_pdf
from certificates.trust.tokens import decode_token, encode_token, sign_certificate_token, verify_url

pytestmark = pytest.mark.django_db

REQUIRED = ("valid", "status", "number", "holder_name", "holder_id_masked", "type", "expires")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def run(*args) -> dict:
    out = io.StringIO()
    call_command("verify_qr", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def png(tmp_path, text, name="qr.png"):
    path = tmp_path / name
    path.write_bytes(qr_png(make_qr(text)))
    return path


def test_png_of_a_valid_certificate(tmp_path, cert, world):
    data = run(png(tmp_path, certificate_verify_url(cert)))
    assert set(REQUIRED) <= set(data)
    assert data["valid"] is True
    assert data["status"] == "valid"
    assert data["number"] == "T" + world.person_a.id_number_masked
    assert data["holder_name"] == world.person_a.name
    assert data["holder_id_masked"] == world.person_a.id_number_masked
    assert data["type"] == "TZ-DG"
    assert data["expires"] == cert.valid_until.isoformat()
    assert data["signature"] == "ok" and data["status_source"] == "live"
    (logged,) = Verification.objects.all()
    assert (logged.certificate, logged.channel, logged.result) == (cert, "command", "valid")


def test_jpeg_photo_shrunk_and_on_a_grey_background(tmp_path, cert):
    qr = Image.open(io.BytesIO(qr_png(make_qr(certificate_verify_url(cert)), box_size=6)))
    photo = Image.new("RGB", (qr.width + 300, qr.height + 200), (200, 200, 190))
    photo.paste(qr.convert("RGB"), (120, 80))
    path = tmp_path / "photo.jpg"
    photo.save(path, format="JPEG", quality=80)
    assert run(path)["valid"] is True


def test_pdf_certificate_is_rasterised_and_read(tmp_path, cert):
    path = tmp_path / "cert.pdf"
    path.write_bytes(sample_pdf(certificate_claims(cert), certificate_verify_url(cert)))
    data = run(path)
    assert (data["valid"], data["status"]) == (True, "valid")


def test_wallet_card_pdf_is_read_from_its_back_page(tmp_path, cert, world):
    # The card's front has the photo and names; its QR is printed on page 2.
    from certificates.pdf import certificate_pdf

    path = tmp_path / "card.pdf"
    path.write_bytes(certificate_pdf(cert, "card"))
    data = run(path)
    assert (data["valid"], data["status"]) == (True, "valid")
    assert data["number"] == "T" + world.person_a.id_number_masked  # "T" + ID number, masked


def test_same_json_as_the_api(tmp_path, cert, client):
    from_command = run(png(tmp_path, certificate_verify_url(cert)))
    from_api = client.get(f"/api/verify/{cert.token}").json()
    assert set(from_command) == set(from_api)
    for key in (*REQUIRED, "signature", "next_review", "issuer", "operation_item"):
        assert from_command[key] == from_api[key]


def test_live_status_is_reported_unless_offline(tmp_path, cert, world):
    certificate_change_status(
        certificate=cert, kind="revoked", actor=world.system_admin, reason="fraud"
    )
    path = png(tmp_path, certificate_verify_url(cert))
    live = run(path)
    assert (live["valid"], live["status"]) == (False, "revoked")
    offline = run(path, "--offline")
    # Offline, without a status list, only the signature and the signed dates speak.
    assert (offline["valid"], offline["status"], offline["status_source"]) == (
        True,
        "valid",
        "token",
    )


def test_true_offline_verifier_with_published_keys_and_status_list(
    tmp_path, cert, world, client, django_assert_num_queries
):
    certificate_change_status(
        certificate=cert, kind="suspended", actor=world.system_admin, reason="inquiry"
    )
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get("/.well-known/certificate-keys.json").content)
    status_list = tmp_path / "status.cwt"
    status_list.write_bytes(client.get("/.well-known/certificate-status-list").content)
    path = png(tmp_path, certificate_verify_url(cert))
    with django_assert_num_queries(0):
        data = run(path, "--offline", "--keys", keys, "--status-list", status_list)
    assert (data["valid"], data["status"], data["status_source"]) == (
        False,
        "suspended",
        "status_list",
    )
    assert data["status_as_of"] and data["status_list_stale"] is False
    assert data["holder_name"] == world.person_a.name
    # The compact QR names its issuer and item by code; the keys file's directory names them.
    assert cert.token.isdigit()
    assert data["issuer"] == cert.issuer_name and data["issuer_code"] == cert.issuer_code
    assert data["operation_item"] == (cert.certificate_type.operation_item or None)
    assert data["operation_category"] == (cert.certificate_type.operation_category or None)


def test_offline_with_keys_that_do_not_include_the_signer_says_unknown_key(tmp_path, cert):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [generate_signing_key().public.to_jwk()]}))
    data = run(png(tmp_path, certificate_verify_url(cert)), "--offline", "--keys", keys)
    assert (data["valid"], data["status"], data["signature"]) == (False, "invalid", "unknown_key")


def test_forged_qr_prints_an_invalid_verdict(tmp_path, cert):
    raw = bytearray(decode_token(cert.token))
    raw[len(raw) // 2] ^= 0x01
    url = verify_url("http://testserver", encode_token(bytes(raw)))
    data = run(png(tmp_path, url))
    assert (data["valid"], data["status"], data["signature"]) == (False, "invalid", "bad_signature")
    assert data["holder_name"] is None


def test_genuine_token_without_a_row_has_unknown_status(tmp_path, cert):
    claims = dataclasses.replace(certificate_claims(cert), status_index=cert.status_index + 1)
    token = sign_certificate_token(claims, key_ring().active)
    data = run(png(tmp_path, verify_url("http://testserver", token)))
    assert (data["valid"], data["status"], data["signature"]) == (False, "unknown", "ok")


def test_a_status_list_that_is_not_trusted_is_refused(tmp_path, cert, client):
    status_list = tmp_path / "status.cwt"
    status_list.write_bytes(b"\x00garbage")
    with pytest.raises(CommandError, match="状态列表"):
        run(png(tmp_path, certificate_verify_url(cert)), "--offline", "--status-list", status_list)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        run(tmp_path / "nope.png")


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not an image")
    with pytest.raises(CommandError, match="不是可读取的图片或 PDF"):
        run(path)


def test_broken_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(CommandError, match="不是可读取的 PDF"):
        run(path)


def test_image_without_a_qr_is_refused(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (300, 300), 255).save(path)
    with pytest.raises(CommandError, match="没有找到二维码"):
        run(path)


def test_someone_elses_qr_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="不是证书核验码"):
        run(png(tmp_path, "https://example.com/hello?x=1"))


def test_bad_keys_file_is_refused(tmp_path, cert):
    keys = tmp_path / "keys.json"
    keys.write_text("{not json")
    with pytest.raises(CommandError, match="JWKS"):
        run(png(tmp_path, certificate_verify_url(cert)), "--keys", keys)


@pytest.mark.parametrize("missing", ["zxingcpp", "pypdfium2"])
def test_without_the_verify_extra_the_command_says_how_to_install_it(
    tmp_path, cert, monkeypatch, missing
):
    # A None entry in sys.modules makes `import` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, missing, None)
    path = tmp_path / "cert.pdf"
    path.write_bytes(sample_pdf(certificate_claims(cert), certificate_verify_url(cert)))
    with pytest.raises(CommandError, match=r"zxing-cpp.*pypdfium2.*pip install -e '\.\[verify\]'"):
        run(path)


def test_an_offline_verifier_with_an_old_keys_file_shows_the_codes(tmp_path, cert, world):
    """A keys file without the directory (downloaded before it was published) still
    verifies the compact QR; it shows the issuer code, and no issuer name."""
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"keys": [key_ring().active.public.to_jwk()]}))
    data = run(png(tmp_path, certificate_verify_url(cert)), "--offline", "--keys", keys)
    assert (data["valid"], data["signature"]) == (True, "ok")
    assert data["holder_name"] == world.person_a.name
    assert (data["issuer"], data["issuer_code"]) == (None, cert.issuer_code)


def test_a_full_form_qr_still_verifies_online_and_offline(tmp_path, cert, world):
    from certificates.services.signing import certificate_claims
    from certificates.trust.tokens import TokenForm, sign_certificate

    old = encode_token(
        sign_certificate(certificate_claims(cert), key_ring().active, form=TokenForm.FULL)
    )
    path = png(tmp_path, verify_url("http://testserver", old))
    for args in ([], ["--offline"]):
        data = run(path, *args)
        assert (data["valid"], data["holder_name"]) == (True, world.person_a.name)
        assert data["issuer"] == cert.issuer_name
