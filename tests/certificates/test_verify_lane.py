"""Look-ups from phones without a session: answered before the session middleware
(the session-free lane, config/lane.py), the page from a frame rendered once per language
(config/page_shell.py). Each must be what the whole stack answers a visitor with a session
cookie: byte for byte for every verdict, in every language, and when rate limited."""

import dataclasses
import datetime as dt
import re

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy

from certificates.models import Certificate, CertificateType
from certificates.services.issuing import certificate_issue
from certificates.services.keys import key_ring
from certificates.services.lifecycle import certificate_change_status, certificate_replace
from certificates.services.signing import certificate_claims
from certificates.services.verification import display_number
from certificates.trust.tokens import sign_certificate_token
from certificates.views.verify import PAGE
from config.page_shell import PageShell
from roster.models import Person

pytestmark = pytest.mark.django_db

LANGUAGES = {"en": "en", "zh": "zh-CN,zh;q=0.9"}
# An anonymous visitor whose session cookie names no session: the page is rendered in full.
FULL = {"HTTP_COOKIE": "sessionid=none"}


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    PAGE.forget()
    yield
    cache.clear()


def _valid(cert, world):
    return cert.token


def _tampered(cert, world):
    return cert.token[:-6] + ("AAAAAA" if not cert.token.endswith("AAAAAA") else "BBBBBB")


def _expired(cert, world):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Certificate.objects.filter(pk=cert.pk).update(
        valid_until=yesterday, next_review_on=None, valid_from=yesterday - dt.timedelta(days=900)
    )
    return cert.token


def _review_due(cert, world):
    Certificate.objects.filter(pk=cert.pk).update(
        next_review_on=timezone.localdate() - dt.timedelta(days=1)
    )
    return cert.token


def _suspended(cert, world):
    certificate_change_status(
        certificate=cert, kind="suspended", actor=world.system_admin, reason="x"
    )
    return cert.token


def _replaced(cert, world):
    certificate_replace(certificate=cert, actor=world.system_admin, reason="lost")
    return cert.token


def _unknown(cert, world):
    claims = dataclasses.replace(certificate_claims(cert), status_index=cert.status_index + 1)
    return sign_certificate_token(claims, key_ring().active)


def _hostile_register(cert, world):
    Person.objects.filter(pk=world.person_a.pk).update(name='<b onclick="x()">王</b>')
    Certificate.objects.filter(pk=cert.pk).update(issuer_name="A & B <局>")
    return cert.token


def _same_minute(html: str) -> str:
    # "Checked 2026-12-03 15:16." is written per request: two requests may straddle a minute.
    return re.sub(r"(\d{4}-\d\d-\d\d) \d\d:\d\d\.", r"\1 --:--.", html)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "scenario",
    [_valid, _tampered, _expired, _review_due, _suspended, _replaced, _unknown, _hostile_register],
    ids=lambda f: f.__name__.strip("_"),
)
def test_the_frame_filled_in_is_the_template_rendered_in_full(
    client, cert, world, language, scenario
):
    token = scenario(cert, world)
    accept = {"HTTP_ACCEPT_LANGUAGE": LANGUAGES[language]}
    # A first look-up builds the frame, the second fills it in; the third is rendered in full.
    client.get(f"/verify/{token}", **accept)
    framed = client.get(f"/verify/{token}", **accept)
    assert len(PAGE._frames) == 1
    full = client.get(f"/verify/{token}", **accept, **FULL)

    assert framed.status_code == full.status_code == 200
    assert _same_minute(framed.content.decode()) == _same_minute(full.content.decode())
    assert framed["Content-Type"] == full["Content-Type"]
    for header in ("Cache-Control", "Referrer-Policy", "X-Robots-Tag", "Content-Language"):
        assert framed[header] == full[header]
    assert _vary(framed) == _vary(full)
    assert "Cookie" in _vary(framed)
    assert not framed.cookies


def test_one_frame_serves_different_holders_each_with_their_own_details(client, cert, world):
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    first = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(f"/verify/{other.token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert world.person_a.name in first and world.person_a.name not in second
    assert world.person_b.name in second and world.person_b.name not in first
    assert display_number(other.number) in second
    assert display_number(cert.number) not in second


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_rate_limited_answer_is_the_template_rendered_in_full(client, cert, settings, language):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 1
    accept = {"HTTP_ACCEPT_LANGUAGE": LANGUAGES[language]}
    client.get(f"/verify/{cert.token}", **accept)
    framed = client.get(f"/verify/{cert.token}", **accept)
    full = client.get(f"/verify/{cert.token}", **accept, **FULL)
    assert framed.status_code == full.status_code == 429
    assert framed.content == full.content
    assert framed["Retry-After"] == full["Retry-After"] == "60"


def test_a_signed_in_visitor_gets_the_page_with_the_navigation(client, cert, world):
    client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en")  # a frame exists
    client.force_login(world.regulator_county)
    html = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign out" in html
    assert 'data-status="valid"' in html


def test_waiting_messages_are_shown_not_framed_away(client, cert):
    # A messages cookie means the page must be rendered in full, where they are shown.
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    storage = CookieStorage(RequestFactory().get("/"))
    encoded = storage._encode([_message("Certificate saved.")])
    client.cookies["messages"] = encoded
    html = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Certificate saved." in html


def _message(text):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    return Message(constants.SUCCESS, text)


def test_in_debug_the_template_is_read_every_time(client, cert, settings):
    settings.DEBUG = True
    client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en")
    assert PAGE._frames == {}


def test_values_that_would_be_baked_into_the_frame_are_refused(rf):
    shell = PageShell("certificates/verify.html")
    request = rf.get("/verify/x")
    with pytest.raises(TypeError, match="word"):
        shell.render(request, {"limited": False, "word": gettext_lazy("Valid")})
    with pytest.raises(TypeError, match="checked"):
        shell.render(request, {"limited": False, "checked": dt.date(2026, 1, 1)})


def _headers(response) -> dict:
    names = ("Content-Type", "Content-Language", "Cache-Control", "Retry-After", "Referrer-Policy")
    names += (
        "X-Robots-Tag",
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
    )
    return {name: response.get(name) for name in names} | {"Vary": _vary(response)}


def _vary(response) -> set[str]:
    # Less Accept-Encoding: the whole stack's GZipMiddleware names it on every answer; a
    # look-up is a few KB, one round trip either way, and is not compressed.
    return {part.strip() for part in response.get("Vary", "").split(",")} - {"Accept-Encoding"}


def _without_time(answer: dict) -> dict:
    # When it was checked, and when the status was read: a moment apart on each request.
    return {k: v for k, v in answer.items() if k not in ("checked_at", "status_as_of")}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "scenario", [_valid, _tampered, _suspended, _unknown], ids=lambda f: f.__name__
)
def test_the_api_answers_as_the_whole_stack_does(client, cert, world, language, scenario):
    token = scenario(cert, world)
    accept = {"HTTP_ACCEPT_LANGUAGE": LANGUAGES[language]}
    lane = client.get(f"/api/verify/{token}", **accept)
    full = client.get(f"/api/verify/{token}", **accept, **FULL)
    assert lane.status_code == full.status_code == 200
    assert _without_time(lane.json()) == _without_time(full.json())
    assert _headers(lane) == _headers(full)
    assert int(lane["Content-Length"]) == len(lane.content)


def test_the_api_refuses_as_the_whole_stack_does(client, cert, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 1
    client.get(f"/api/verify/{cert.token}")
    lane = client.get(f"/api/verify/{cert.token}")
    full = client.get(f"/api/verify/{cert.token}", **FULL)
    assert lane.status_code == full.status_code == 429
    assert lane.content == full.content
    assert lane.json()["code"] == "rate_limited"
    assert _headers(lane) == _headers(full)


def test_security_headers_are_the_same_on_the_page(client, cert):
    lane = client.get(f"/verify/{cert.token}")
    full = client.get(f"/verify/{cert.token}", **FULL)
    assert _headers(lane) == _headers(full)
    assert lane["Content-Security-Policy"] and lane["X-Frame-Options"] == "DENY"


def test_phones_without_a_session_are_answered_before_the_session_is_looked_at(
    client, cert, monkeypatch
):
    def no_session(self, request):
        raise AssertionError("the session middleware ran")

    monkeypatch.setattr(SessionMiddleware, "process_request", no_session)
    assert client.get(f"/verify/{cert.token}").status_code == 200
    assert client.get(f"/VERIFY/{cert.token.upper()}").status_code == 200
    assert client.get(f"/api/verify/{cert.token}").status_code == 200
    with pytest.raises(AssertionError, match="session middleware"):
        client.get(f"/verify/{cert.token}", **FULL)


def test_the_language_cookie_chooses_the_language_as_everywhere(client, cert):
    client.cookies["django_language"] = "en"
    response = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "en"
    assert '<p class="word">Valid</p>' in response.content.decode()


def test_an_unknown_host_is_refused(client, cert):
    assert client.get(f"/verify/{cert.token}", HTTP_HOST="evil.example").status_code == 400
    assert client.get(f"/api/verify/{cert.token}", HTTP_HOST="evil.example").status_code == 400


def test_other_methods_and_paths_go_down_the_stack(client, cert):
    assert client.head(f"/api/verify/{cert.token}").status_code == (
        client.head(f"/api/verify/{cert.token}", **FULL).status_code
    )
    assert client.post(f"/verify/{cert.token}").status_code == 405
    assert client.get(f"/verify/{cert.token}/extra").status_code == 404
