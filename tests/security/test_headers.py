"""Session cookies and security headers (config/settings/base.py, config/middleware.py)."""

import pytest
from django.conf import settings
from wagtail.models import Page

pytestmark = pytest.mark.django_db

PASSWORD = "pw-123456"


def test_the_session_cookie_is_httponly_lax_and_lasts_a_working_day(client, world):
    response = client.post(
        "/accounts/login/", {"username": "regulator_county", "password": PASSWORD}
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 3600
    # The exam page reads the CSRF cookie to send answers with fetch(): not HttpOnly.
    assert response.cookies["csrftoken"]["samesite"] == "Lax"


def test_every_page_carries_the_security_headers(client):
    response = client.get("/accounts/login/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        part.partition(" ")[::2] for part in response["Content-Security-Policy"].split("; ")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"  # agrees with X-Frame-Options: DENY
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_json_and_files_get_no_page_policy(client, world):
    client.force_login(world.regulator_county)
    assert "Content-Security-Policy" not in client.get("/api/me")
    assert "Content-Security-Policy" not in client.get("/.well-known/certificate-keys.json")


def test_the_wagtail_admin_keeps_its_inline_scripts_and_its_preview_frame(client, world):
    client.force_login(world.system_admin)
    page = Page.objects.filter(depth=2).first()

    admin = client.get("/admin/")
    preview = client.get(f"/admin/pages/{page.pk}/edit/preview/")

    assert admin.status_code == 200
    assert "Content-Security-Policy" not in admin
    # Wagtail's preview panel is an iframe of the admin itself: its views say SAMEORIGIN.
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_a_page_framed_by_the_same_site_gets_a_matching_frame_ancestors(rf):
    from django.http import HttpResponse
    from django.views.decorators.clickjacking import xframe_options_sameorigin

    from config.middleware import ContentSecurityPolicyMiddleware

    view = xframe_options_sameorigin(lambda request: HttpResponse("<p>hi</p>"))
    response = ContentSecurityPolicyMiddleware(view)(rf.get("/learn/"))

    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_the_policy_is_the_setting_directive_by_directive(client):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    written = {part.partition(" ")[0]: part.partition(" ")[2] for part in header.split("; ")}
    for name, sources in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items():
        assert written[name] == " ".join(sources)
    assert written["frame-ancestors"] == "'none'"
