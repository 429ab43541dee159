"""The Content-Security-Policy in a real browser (Debian's Chromium, as tests/e2e): the pages
keep working without inline scripts, and the browser refuses nothing they need (the
fixtures in conftest.py fail a test on any CSP violation in the console). The walk in
tests/security/test_url_walk.py checks every page's HTML for inline scripts and handlers."""

import pytest

from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_language_menu_switches_without_an_inline_handler(phone):
    page = phone.page
    response = phone.go("/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert page.inner_text("button[type=submit]") == "登录"

    with page.expect_navigation():
        page.select_option("#lang-select", "en")

    assert page.inner_text("button[type=submit]") == "Sign in"
    assert page.get_attribute("html", "lang") == "en"


def test_a_throttled_sign_in_shows_the_reason_in_the_browser(desktop, settings):
    settings.LOGIN_THROTTLE = {"ACCOUNT_FAILURES": 2}
    world = build_world()
    page = desktop.page
    for _ in range(2):
        desktop.go("/accounts/login/")
        page.fill("input[name=username]", world.regulator_county.username)
        page.fill("input[name=password]", "wrong")
        with page.expect_navigation():
            page.click("button[type=submit]")

    assert "登录失败次数过多" in page.inner_text("main")
