"""Real-browser tests: Playwright's Python API driving Debian's Chromium against the live server.

Never downloads a browser: Chromium comes from Debian (`apt-get install chromium`, see
.ci/run). Without /usr/bin/chromium these tests skip with the reason, unless REQUIRE_E2E=1
is set (CI sets it), in which case they fail, so a broken CI image cannot hide them.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"REQUIRE_E2E=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    # Playwright's sync API keeps an asyncio loop running in this thread from now on. Django
    # then (1) refuses ORM calls from the test itself unless async-unsafe calls are allowed
    # (they really are synchronous here), and (2) hands out different connection objects
    # inside a running loop, so the serialized copy of the migrated database that
    # `serialized_rollback` restores after each flush must be carried over to them.
    from django.db import connections

    outside = {alias: connections[alias] for alias in connections}
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            for alias, conn in outside.items():
                contents = getattr(conn, "_test_serialized_contents", None)
                inside = connections[alias]
                if contents is not None and not hasattr(inside, "_test_serialized_contents"):
                    inside._test_serialized_contents = contents
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
            # Close what was opened inside the loop, or PostgreSQL would refuse to drop the
            # test database at the end ("being accessed by other users").
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def wait_for(page, expression: str, timeout: float = 15_000) -> None:
    """Like page.wait_for_function, without evaluating a string inside the page: the site's
    Content-Security-Policy (script-src 'self') refuses that eval, as it should. page.evaluate
    goes through the DevTools protocol, which the page's CSP does not govern."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(100)


@dataclass
class Session:
    """One browser context with what the page asked the network for."""

    page: object
    base_url: str
    shots: Path
    requests: list[str] = field(default_factory=list)
    # What the browser refused under the site's CSP: a script or style the page needs.
    csp_violations: list[str] = field(default_factory=list)

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def login(self, username: str, password: str) -> None:
        self.go("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        assert "/accounts/login/" not in self.page.url, "sign-in failed"

    def shot(self, name: str) -> Path:
        path = self.shots / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_horizontal_overflow(self) -> None:
        scroll, inner = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        # A mobile browser zooms out to fit a too-wide page, which widens innerWidth too:
        # compare with the viewport we asked for as well.
        limit = min(inner, self.page.viewport_size["width"])
        assert scroll <= limit, f"{self.page.url}: page is {scroll}px wide in a {limit}px window"

    def off_site_requests(self) -> list[str]:
        origin = urlsplit(self.base_url)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
        ]


def _session(browser, live_server, tmp_path, viewport, *, mobile: bool):
    context = browser.new_context(
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    shots = tmp_path / "screenshots"
    shots.mkdir(exist_ok=True)
    session = Session(page=page, base_url=live_server.url, shots=shots)
    page.on("request", lambda request: session.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and session.csp_violations.append(message.text)
        ),
    )
    return context, session


@pytest.fixture
def phone(browser, live_server, tmp_path):
    """A phone-sized page (390x844, touch) in Simplified Chinese."""
    context, session = _session(browser, live_server, tmp_path, PHONE, mobile=True)
    yield session
    context.close()
    assert not session.csp_violations, session.csp_violations


@pytest.fixture
def desktop(browser, live_server, tmp_path):
    context, session = _session(browser, live_server, tmp_path, DESKTOP, mobile=False)
    yield session
    context.close()
    assert not session.csp_violations, session.csp_violations
