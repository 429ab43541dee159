"""Every link on the demo county regulator's pages answers: a walk from the portal and the
reports, following each link on each page the regulator reaches (a link that answered 400
once sat on the drill-down to the people list)."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from roster.models import User

pytestmark = pytest.mark.django_db

START = ["/", "/reports/"]
# Links that change state or leave the regulator's pages: not followed by a walk.
SKIP_PREFIXES = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/", "/documents/")
PAGE_LIMIT = 400


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.netloc and parts.netloc != "testserver":
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url.startswith(SKIP_PREFIXES):
            continue
        out.append(url)
    return out


def walk(client, start: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    seen: dict[str, int] = {}
    found_on: dict[str, str] = {}
    queue = deque(start)
    for url in start:
        found_on[url] = "(start)"
    while queue and len(seen) < PAGE_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(url, response.content.decode()):
            if link not in seen and link not in found_on:
                found_on[link] = url
                queue.append(link)
    return seen, found_on


def test_every_link_on_the_county_regulators_pages_answers(demo_county, client):
    client.force_login(User.objects.get(username="county_reg"))
    seen, found_on = walk(client, START)
    broken = {url: (code, found_on[url]) for url, code in seen.items() if code >= 400}
    assert len(seen) > 30  # the walk reached the regulator's pages, not only the start
    assert broken == {}
