"""Public verification: the verify page (both URL cases), the JSON API, the published keys and
status list, the rate limit, the verification log and key rotation."""

import dataclasses
import datetime as dt
import logging
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate, CertificateType, SigningKeyRecord, Verification
from certificates.services.issuing import certificate_issue
from certificates.services.keys import key_ring
from certificates.services.lifecycle import certificate_change_status, certificate_replace
from certificates.services.signing import certificate_claims, certificate_verify_url
from certificates.services.verification import client_agent, client_network, display_number
from certificates.trust.keys import KeyRing, generate_signing_key
from certificates.trust.status_list import Status, verify_status_list
from certificates.trust.tokens import decode_token, encode_token, sign_certificate_token
from roster.models import Person

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and the signed status list live in the cache between tests.
    cache.clear()
    yield
    cache.clear()


def page(client, token, **extra):
    return client.get(f"/verify/{token}", **EN, **extra)


def banner(response) -> tuple[str, str]:
    """(data-status, banner word) of a verify page."""
    html = response.content.decode()
    status = re.search(r'data-status="([a-z_]+)"', html).group(1)
    word = re.search(r'<p class="word">([^<]+)</p>', html).group(1)
    return status, word


def tampered(token: str) -> str:
    """The same token with one byte of the signed payload changed."""
    raw = bytearray(decode_token(token))
    raw[len(raw) // 2] ^= 0x01
    return encode_token(bytes(raw))


# --------------------------------------------------------------------------- the page


def test_valid_certificate_shows_valid_with_the_lookup_fields_and_a_masked_number(
    client, cert, world
):
    response = page(client, cert.token)
    assert response.status_code == 200
    assert banner(response) == ("valid", "Valid")
    html = response.content.decode()
    person = world.person_a
    assert cert.number == "T" + person.id_number
    assert "T" + person.id_number_masked in html
    assert person.id_number not in html  # never the full ID number, not even inside the number
    for shown in (
        person.name,
        "Male" if person.sex == "M" else "Female",
        "电工作业",
        "低压电工作业",
        cert.first_issued_on.isoformat(),
        cert.valid_from.isoformat(),
        cert.valid_until.isoformat(),
        cert.next_review_on.isoformat(),
        cert.issuer_name,
    ):
        assert shown in html
    assert "<img" not in html  # photo-less
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_page_sets_no_cookie_and_speaks_the_phones_language(client, cert):
    english = page(client, cert.token)
    chinese = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert banner(english) == ("valid", "Valid")
    assert banner(chinese) == ("valid", "有效")
    for response in (english, chinese):
        assert not response.cookies  # no CSRF token, no session on a stranger's phone
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_upper_case_url_from_the_qr_opens_the_same_page(client, cert, settings):
    url = certificate_verify_url(cert)
    assert "/VERIFY/" in url and url == url.upper()
    path = url[url.index("/VERIFY/") :]
    response = client.get(path, **EN)
    assert response.status_code == 200
    assert banner(response) == ("valid", "Valid")


def test_page_needs_no_login_and_works_for_a_signed_in_user_too(client, cert, world):
    client.force_login(world.regulator_county)
    assert banner(page(client, cert.token))[0] == "valid"


def test_tampered_token_is_invalid_and_shows_nothing_it_claims(client, cert, world):
    response = page(client, tampered(cert.token))
    assert response.status_code == 200
    assert banner(response) == ("invalid", "Invalid or forged")
    html = response.content.decode()
    assert world.person_a.name not in html
    assert "altered" in html


def test_token_signed_by_an_unknown_key_is_invalid(client, cert):
    stranger = generate_signing_key()
    forged = sign_certificate_token(certificate_claims(cert), stranger)
    response = page(client, forged)
    assert banner(response) == ("invalid", "Invalid or forged")
    assert "key we do not publish" in response.content.decode()


@pytest.mark.parametrize(
    "mangle", [lambda t: t[: len(t) // 2], lambda t: "HELLO-WORLD", lambda t: "A"]
)
def test_truncated_or_garbage_token_is_invalid(client, cert, mangle):
    response = page(client, mangle(cert.token))
    assert response.status_code == 200
    assert banner(response) == ("invalid", "Invalid or forged")


def test_revoked_certificate_shows_revoked(client, cert, world):
    certificate_change_status(
        certificate=cert, kind="revoked", actor=world.system_admin, reason="fraud"
    )
    assert banner(page(client, cert.token)) == ("revoked", "Revoked")


def test_suspended_certificate_shows_suspended(client, cert, world):
    certificate_change_status(
        certificate=cert, kind="suspended", actor=world.system_admin, reason="inquiry"
    )
    assert banner(page(client, cert.token)) == ("suspended", "Suspended")


def test_cancelled_certificate_shows_cancelled(client, cert, world):
    certificate_change_status(
        certificate=cert, kind="cancelled", actor=world.system_admin, reason="retired"
    )
    assert banner(page(client, cert.token)) == ("cancelled", "Cancelled")


def test_expired_certificate_shows_expired(client, cert):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=cert.pk).update(
        valid_until=yesterday, next_review_on=None, valid_from=yesterday - dt.timedelta(days=900)
    )
    response = page(client, cert.token)
    assert banner(response) == ("expired", "Expired")
    assert yesterday.isoformat() in response.content.decode()


def test_review_overdue_certificate_shows_review_due(client, cert):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=cert.pk).update(next_review_on=yesterday)
    assert banner(page(client, cert.token)) == ("review_due", "Review due")


def test_certificate_with_its_review_due_soon_is_still_valid(client, cert):
    soon = timezone.localdate() + dt.timedelta(days=30)
    Certificate.objects.filter(pk=cert.pk).update(next_review_on=soon)
    response = page(client, cert.token)
    assert banner(response) == ("review_soon", "Valid")
    assert "review is due within 90 days" in response.content.decode()


def test_expiring_certificate_is_still_valid(client, cert):
    soon = timezone.localdate() + dt.timedelta(days=30)
    Certificate.objects.filter(pk=cert.pk).update(next_review_on=None, valid_until=soon)
    response = page(client, cert.token)
    assert banner(response) == ("expiring", "Valid")
    assert "within 90 days" in response.content.decode()


def test_old_card_of_a_replacement_shows_replaced_not_its_successor(client, cert, world):
    new = certificate_replace(certificate=cert, actor=world.system_admin, reason="lost")
    assert new.number == cert.number  # the number survives; the status index does not
    assert banner(page(client, cert.token)) == ("replaced", "Replaced")
    assert banner(page(client, new.token)) == ("valid", "Valid")


@pytest.mark.parametrize(
    ("kind", "tone", "mark"),
    [
        (None, "ok", "✓"),
        ("suspended", "warn", "!"),
        ("cancelled", "gone", "✕"),
        ("revoked", "", "✕"),
    ],
)
def test_the_banner_colour_and_sign_follow_the_status(client, cert, world, kind, tone, mark):
    if kind:
        certificate_change_status(certificate=cert, kind=kind, actor=world.system_admin, reason="x")
    html = page(client, cert.token).content.decode()
    assert f'<div class="verdict-banner {tone}" role="status"' in html
    assert f'<span class="mark" aria-hidden="true">{mark}</span>' in html


def test_details_from_the_register_are_escaped(client, cert, world):
    Person.objects.filter(pk=world.person_a.pk).update(name='<b onclick="x()">王</b>')
    Certificate.objects.filter(pk=cert.pk).update(issuer_name="A & B <局>")
    html = page(client, cert.token).content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;王&lt;/b&gt;" in html
    assert "A &amp; B &lt;局&gt;" in html
    assert "<b onclick" not in html


def test_genuine_token_without_a_row_says_the_live_status_is_unknown(client, cert, world):
    claims = dataclasses.replace(certificate_claims(cert), status_index=cert.status_index + 1)
    token = sign_certificate_token(claims, key_ring().active)
    response = page(client, token)
    assert banner(response) == ("unknown", "Genuine, status unknown")
    html = response.content.decode()
    assert world.person_a.name in html  # what the signature proves
    assert "current status is unknown" in html


def test_every_look_up_is_logged_coarsely_without_the_token(client, cert):
    page(client, cert.token, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.77")
    page(client, tampered(cert.token), REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    client.get(f"/api/verify/{cert.token}", REMOTE_ADDR="198.51.100.9")
    first, second, third = Verification.objects.order_by("pk")
    assert (first.certificate, first.channel, first.result) == (cert, "web", "valid")
    assert (first.network, first.agent) == ("203.0.113.0/24", "Chrome/Android")
    assert (second.certificate, second.result) == (None, "invalid:bad_signature")
    assert second.network == "2001:db8:1:2::/64"
    assert (third.channel, third.network) == ("api", "198.51.100.0/24")
    for row in (first, second, third):
        values = " ".join(str(v) for v in vars(row).values())
        assert cert.token[:40] not in values and "203.0.113.77" not in values


def test_the_token_is_not_logged(client, cert, caplog):
    with caplog.at_level(logging.DEBUG):
        page(client, cert.token)
        client.get(f"/api/verify/{cert.token}")
    assert cert.token[:40] not in caplog.text


def test_the_api_answer_has_exactly_the_documented_fields(client, cert):
    from certificates.api import VerifyOut

    documented = set(VerifyOut.model_fields)
    for token in (cert.token, tampered(cert.token), "A"):
        response = client.get(f"/api/verify/{token}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Cache-Control"] == "no-store"
        assert set(response.json()) == documented
        VerifyOut.model_validate(response.json())
    answer = client.get(f"/api/verify/{cert.token}").json()
    assert (answer["valid"], answer["status"], answer["status_label"]) == (True, "valid", "有效")


def test_coarse_network_and_agent():
    assert client_network("10.1.2.3") == "10.1.2.0/24"
    assert client_network("::ffff:10.1.2.3") == "10.1.2.0/24"
    assert client_network("not an address") == ""
    assert client_agent(PHONE) == "Chrome/Android"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
    )
    assert client_agent(iphone) == "Safari/iOS"
    wechat = PHONE + " MicroMessenger/8.0.47"
    assert client_agent(wechat) == "WeChat/Android"
    assert client_agent("") == ""


def test_only_id_numbers_in_numbers_are_masked():
    assert display_number("T110101199003070011") == "T110101********0011"
    assert display_number("2026AJ990000000001") == "2026AJ990000000001"


# --------------------------------------------------------------------------- rate limit


def test_page_and_api_share_a_rate_limit_per_network(client, cert, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 2
    assert page(client, cert.token, REMOTE_ADDR="203.0.113.5").status_code == 200
    api = client.get(f"/api/verify/{cert.token}", REMOTE_ADDR="203.0.113.6")
    assert api.status_code == 200
    refused = page(client, cert.token, REMOTE_ADDR="203.0.113.7")  # same /24
    assert refused.status_code == 429
    assert "Too many look-ups" in refused.content.decode()
    assert refused["Retry-After"] == "60"
    refused_api = client.get(f"/api/verify/{cert.token}", REMOTE_ADDR="203.0.113.8")
    assert refused_api.status_code == 429
    assert refused_api.json()["code"] == "rate_limited"
    # Another network is not affected, and refused look-ups are not logged.
    assert page(client, cert.token, REMOTE_ADDR="198.51.100.1").status_code == 200
    assert Verification.objects.count() == 3


def test_behind_a_trusted_proxy_the_limit_is_per_client_network(client, cert, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes through the same proxy
    first = page(client, cert.token, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    other = page(client, cert.token, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    again = page(client, cert.token, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    # A client cannot pick its own network: only the entry the proxy appended counts.
    spoofed = page(client, cert.token, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.10", **proxy)
    assert (first.status_code, other.status_code) == (200, 200)
    assert (again.status_code, spoofed.status_code) == (429, 429)
    assert set(Verification.objects.values_list("network", flat=True)) == {
        "203.0.113.0/24",
        "198.51.100.0/24",
    }


# --------------------------------------------------------------------------- the API


def test_api_answers_the_lookup_fields_without_login(client, cert, world):
    response = client.get(f"/api/verify/{cert.token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["valid"] is True
    assert data["status"] == "valid"
    assert data["signature"] == "ok"
    assert data["number"] == "T" + world.person_a.id_number_masked
    assert data["holder_name"] == world.person_a.name
    assert data["holder_id_masked"] == world.person_a.id_number_masked
    assert data["type"] == "TZ-DG"
    assert data["expires"] == cert.valid_until.isoformat()
    assert data["next_review"] == cert.next_review_on.isoformat()
    assert data["first_issued"] == cert.first_issued_on.isoformat()
    assert data["operation_item"] == "低压电工作业"
    assert data["issuer"] == cert.issuer_name
    assert data["key_id"] == cert.key_id
    assert world.person_a.id_number not in response.content.decode()


def test_api_upper_case_token_in_a_url_path_works_lower_case_too(client, cert):
    assert client.get(f"/api/verify/{cert.token.lower()}").json()["valid"] is True


def test_api_reports_forgeries_and_withdrawn_certificates(client, cert, world):
    forged = client.get(f"/api/verify/{tampered(cert.token)}").json()
    assert (forged["valid"], forged["status"], forged["signature"]) == (
        False,
        "invalid",
        "bad_signature",
    )
    assert forged["holder_name"] is None and forged["number"] is None
    unknown = sign_certificate_token(certificate_claims(cert), generate_signing_key())
    assert client.get(f"/api/verify/{unknown}").json()["signature"] == "unknown_key"
    assert client.get("/api/verify/NOTATOKEN1").json()["signature"] == "malformed"
    certificate_change_status(
        certificate=cert, kind="revoked", actor=world.system_admin, reason="fraud"
    )
    revoked = client.get(f"/api/verify/{cert.token}").json()
    assert (revoked["valid"], revoked["status"], revoked["signature"]) == (False, "revoked", "ok")


def test_api_verify_also_answers_a_signed_in_user(client, cert, world):
    user = world.enterprise_admin
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    client.force_login(user)
    assert client.get(f"/api/verify/{cert.token}").json()["valid"] is True


def test_api_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/").json()
    operation = schema["paths"]["/api/verify/{token}"]["get"]
    assert "security" not in operation or operation["security"] in ([], [{}])


# --------------------------------------------------------------------------- published files


def test_published_keys_are_public_halves_with_kids(client, cert):
    response = client.get("/.well-known/certificate-keys.json")
    assert response.status_code == 200
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    document = response.json()
    (jwk,) = document["keys"]
    assert jwk["kid"] == cert.key_id
    assert {"kty", "crv", "x", "y"} <= set(jwk) and "d" not in jwk
    ring = KeyRing.from_jwks(response.content)
    assert ring.resolve(cert.key_id) is not None


def test_status_list_is_signed_and_says_who_is_withdrawn(client, cert, world):
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    certificate_change_status(
        certificate=other, kind="suspended", actor=world.system_admin, reason="inquiry"
    )
    response = client.get("/.well-known/certificate-status-list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/statuslist+cwt"
    assert "max-age=" in response["Cache-Control"]
    keys = KeyRing.from_jwks(client.get("/.well-known/certificate-keys.json").content)
    checked = verify_status_list(response.content, keys)
    assert checked.valid
    assert checked.status_of(cert.status_index) == Status.VALID
    assert checked.status_of(other.status_index) == Status.SUSPENDED


def test_rotating_the_key_keeps_old_certificates_verifying(client, cert, world):
    old_kid = cert.key_id
    call_command("rotate_certificate_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    new = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert new.key_id != old_kid
    assert SigningKeyRecord.objects.get(kid=old_kid).retired_at is not None
    assert banner(page(client, cert.token)) == ("valid", "Valid")
    assert banner(page(client, new.token)) == ("valid", "Valid")
    jwks = client.get("/.well-known/certificate-keys.json").json()
    published = {k["kid"]: k["retired"] for k in jwks["keys"]}
    assert published == {old_kid: True, new.key_id: False}
    # An offline verifier with only the published keys accepts both.
    from certificates.trust.tokens import verify_token

    ring = KeyRing.from_jwks(jwks)
    assert verify_token(cert.token, ring).valid and verify_token(new.token, ring).valid


def test_a_key_made_by_another_process_is_trusted_at_once(client, cert, world):
    """This process keeps its ring for a minute; a token whose key it has not seen yet makes
    it look again rather than call a genuine certificate forged."""
    from certificates.services import keys

    assert banner(page(client, cert.token)) == ("valid", "Valid")  # the ring is in memory
    memo = keys._ring_memo
    call_command("rotate_certificate_key", stdout=open("/dev/null", "w"))  # noqa: SIM115
    keys._ring_memo = memo  # as if the rotation happened in another process
    new = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    assert new.key_id not in memo[2]
    assert banner(page(client, new.token)) == ("valid", "Valid")
    assert banner(page(client, cert.token)) == ("valid", "Valid")


def test_rotate_command_prints_the_new_and_the_retired_key(cert):
    import io

    out = io.StringIO()
    call_command("rotate_certificate_key", stdout=out)
    new = SigningKeyRecord.objects.get(retired_at__isnull=True)
    assert new.kid in out.getvalue() and cert.key_id in out.getvalue()


def test_tampering_any_single_byte_is_caught(client, cert):
    raw = decode_token(cert.token)
    # The signature, the protected header and the payload: every part is covered.
    for position in (5, len(raw) // 2, len(raw) - 3):
        changed = bytearray(raw)
        changed[position] ^= 0x40
        data = client.get(f"/api/verify/{encode_token(bytes(changed))}").json()
        assert data["valid"] is False and data["status"] == "invalid"


def test_the_rate_limit_counts_an_ipv6_client_per_slash_64(client, cert, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    # One client rotating through the addresses of its /64, page and API alike.
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:a:b:c:d", "2001:db8:1:2:ffff:ffff:ffff:ffff"):
        assert page(client, cert.token, REMOTE_ADDR=address).status_code == 200
    refused = client.get(f"/api/verify/{cert.token}", REMOTE_ADDR="2001:db8:1:2::9")
    assert refused.status_code == 429
    assert page(client, cert.token, REMOTE_ADDR="fe80::1%eth0").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200  # next /64
    assert set(Verification.objects.values_list("network", flat=True)) == {
        "2001:db8:1:2::/64",
        "2001:db8:1:3::/64",
        "fe80::/64",
    }


def test_the_rate_limit_counts_an_ipv4_mapped_client_as_its_ipv4_network(client, cert, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 2
    assert page(client, cert.token, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="::ffff:203.0.113.6").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="::ffff:cb00:7107").status_code == 429  # .7
    assert set(Verification.objects.values_list("network", flat=True)) == {"203.0.113.0/24"}


def test_the_rate_limit_also_counts_an_ipv6_sites_slash_56_at_a_higher_limit(
    client, cert, settings
):
    """A home line is often delegated a /56 (256 /64s): each /64 is one client, and the
    whole /56 together has a higher share (CERTIFICATE_VERIFY_SITE_RATE_LIMIT)."""
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    settings.CERTIFICATE_VERIFY_SITE_RATE_LIMIT = 5
    for _ in range(3):
        assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:2::1").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:2::1").status_code == 429
    # Another /64 of the same /56: its own share, up to what is left of the site's.
    for _ in range(2):
        assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:3::1").status_code == 429
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:ff::1").status_code == 429
    # The next /56, and IPv4, are other sites.
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:100::1").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="203.0.113.5").status_code == 200
    # The log keeps the client's /64.
    assert "2001:db8:1:3::/64" in set(Verification.objects.values_list("network", flat=True))


def test_the_ipv6_client_prefix_is_a_setting(client, cert, settings):
    from roster.networks import client_group, client_site

    settings.CLIENT_IPV6_PREFIX = 56
    settings.CLIENT_IPV6_SITE_PREFIX = 48
    assert client_group("2001:db8:1:2::1") == "2001:db8:1::/56"
    assert client_site("2001:db8:1:2::1") == "2001:db8:1::/48"
    assert client_site("203.0.113.5") == ""  # IPv4: the client is the site
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 2
    settings.CERTIFICATE_VERIFY_SITE_RATE_LIMIT = 100
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:2::1").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200
    assert page(client, cert.token, REMOTE_ADDR="2001:db8:1:4::1").status_code == 429
