"""A lapsed certificate is lapsed, not forged: the key that signed it stays published after
it was rotated out and after everything it signed lapsed, and the live verification, the
well-known document and `verify_qr --offline` agree on "genuine, expired"."""

import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from certificates.models import CertificateType, SigningKeyRecord
from certificates.services.issuing import certificate_create, certificate_issue
from certificates.services.keys import forget_ring, published_jwks
from certificates.services.signing import certificate_verify_url
from certificates.services.status import status_list_token
from certificates.trust.keys import KeyRing
from certificates.trust.qr import make_qr, qr_png
from certificates.trust.status_list import DEFAULT_LIFETIME, verify_status_list
from certificates.trust.tokens import Reason, verify_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    forget_ring()
    yield
    cache.clear()
    forget_ring()


def _lapsed(person):
    """A certificate whose validity ended in 2021, signed by the key in service today."""
    return certificate_create(
        person=person,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        source="import",
        valid_from=dt.date(2015, 1, 10),
        valid_until=dt.date(2021, 1, 9),
        next_review_on=None,
    )


@pytest.fixture
def lapsed_and_rotated(world):
    """Every certificate the first key signed has lapsed, and the key has been rotated out."""
    lapsed = _lapsed(world.person_a)
    old = SigningKeyRecord.objects.get(kid=lapsed.key_id)
    assert old.not_after < dt.datetime.now(dt.UTC)  # all it signed has lapsed
    call_command("rotate_certificate_key", stdout=io.StringIO())
    certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    cache.clear()
    forget_ring()
    return lapsed


def test_the_api_calls_a_lapsed_certificate_of_a_rotated_key_genuine_and_expired(
    client, lapsed_and_rotated
):
    data = client.get(f"/api/verify/{lapsed_and_rotated.token}").json()
    assert data["signature"] == "ok"
    assert (data["valid"], data["status"], data["status_label"]) == (False, "expired", "已过期")
    assert data["key_id"] == lapsed_and_rotated.key_id
    assert data["expires"] == "2021-01-09"


def test_the_verify_page_says_expired_not_forged(client, lapsed_and_rotated):
    page = client.get(f"/verify/{lapsed_and_rotated.token}").content.decode()
    assert 'data-status="expired"' in page and "已过期" in page
    assert "无效或伪造" not in page


def test_the_well_known_document_still_lists_the_key_with_its_period(client, lapsed_and_rotated):
    document = client.get("/.well-known/certificate-keys.json").json()
    by_kid = {jwk["kid"]: jwk for jwk in document["keys"]}
    jwk = by_kid[lapsed_and_rotated.key_id]
    assert jwk["retired"] is True
    assert jwk["not_after"].startswith("2021-01-09T16:00:00")  # end of 2021-01-09 in China
    assert {"not_before", "retired_at"} <= set(jwk)
    assert jwk["not_before"] <= jwk["retired_at"]
    offline = KeyRing.from_jwks(document)
    assert verify_token(lapsed_and_rotated.token, offline).reason == Reason.EXPIRED


def test_verify_qr_offline_agrees_with_the_api(client, lapsed_and_rotated, tmp_path):
    path = tmp_path / "card.png"
    path.write_bytes(qr_png(make_qr(certificate_verify_url(lapsed_and_rotated))))
    keys = tmp_path / "keys.json"
    keys.write_bytes(client.get("/.well-known/certificate-keys.json").content)
    api = client.get(f"/api/verify/{lapsed_and_rotated.token}").json()
    for args in (["--offline"], ["--offline", "--keys", str(keys)], []):
        out = io.StringIO()
        call_command("verify_qr", str(path), *args, stdout=out)
        data = json.loads(out.getvalue())
        assert (data["signature"], data["valid"], data["status"]) == ("ok", False, "expired")
        assert (data["number"], data["holder_name"]) == (api["number"], api["holder_name"])


def test_live_verification_trusts_exactly_the_published_keys(lapsed_and_rotated):
    from certificates.services.keys import public_ring

    published = {jwk["kid"] for jwk in published_jwks()["keys"]}
    assert {key.kid for key in public_ring(fresh=True).public_keys()} == published
    assert len(published) == 2


def test_a_retired_key_that_signed_only_status_lists_stays_while_its_lists_can_be_valid(
    client, world, settings
):
    settings.CERTIFICATE_VERIFY_BASE_URL = "http://testserver"
    served = status_list_token()  # the first key is made for the status list alone
    (first,) = SigningKeyRecord.objects.all()
    call_command("rotate_certificate_key", stdout=io.StringIO())
    cache.clear()
    keys = KeyRing.from_jwks(client.get("/.well-known/certificate-keys.json").content)
    assert first.kid in keys
    assert verify_status_list(served, keys).valid

    # Once every list it can have signed has expired, it is no longer published.
    SigningKeyRecord.objects.filter(pk=first.pk).update(
        retired_at=first.created_at - DEFAULT_LIFETIME - dt.timedelta(days=1)
    )
    cache.clear()
    keys = KeyRing.from_jwks(client.get("/.well-known/certificate-keys.json").content)
    assert first.kid not in keys
