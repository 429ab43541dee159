"""The Wagtail admin speaks Chinese and calls no outside address.

Walks the admin's screens the way a user does (from the dashboard, through the menu and the
links on each page, one page per kind of address) as the system admin and as a trainer, and
fails on English words that used to show there, and on any http(s) address of another host
in the HTML (update checks, Gravatar, online guides)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from roster.groups import TRAINERS_GROUP
from tests.courses.test_pages import content  # noqa: F401  (the fixture)
from tests.question_banks.conftest import bank, now, rule, session  # noqa: F401

# Words and phrases seen in the admin before it was translated; each is matched as a whole word.
ENGLISH = [
    "Pages", "Welcome", "Category", "Categories", "True", "False", "Created at", "Updated at",
    "Rule", "Score policy", "Show result", "Show answers", "New:", "Root",
    "Moderators", "Editors", "Date updated", "Edited by", "Page type", "Has child pages",
    "Port", "Site name", "Root page", "Bank", "Parent", "Position", "Region", "Industry",
    "Enterprise", "Certificate type", "Sort order", "Issued at", "Source", "Locking",
    "Referenced", "Anyone can edit", "JavaScript is required", "Wagtail upgrade",
    "editor guide", "Images", "Documents", "Oldest", "Grid layout", "Checks", "Words",
    "Readability", "Reading time", "Autosave", "Can view", "Toggle all", "Any",
    "Exploring", "There are no", "Why not", "add one",
]  # fmt: skip
ENGLISH_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(map(re.escape, ENGLISH)) + r")(?![A-Za-z])")
OUTSIDE = re.compile(
    r"https?://(?!(?:testserver|localhost|127\.0\.0\.1|www\.w3\.org)\b)[^\s\"'<>]+"
)
SKIP = re.compile(
    r"delete|logout|unpublish|revert|copy/|move/|lock/|unlock|export|\.xlsx|\.csv|\.pdf|"
    r"download|preview|compare|/serve/|/usage/|/account/|/bulk/|workflow/action|ordering="
)


class _Text(HTMLParser):
    """What a reader sees: text, titles, placeholders and button labels (no scripts)."""

    HIDDEN = {"script", "style", "template", "svg"}

    def __init__(self):
        super().__init__()
        self.depth, self.text, self.links = 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.depth += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.text.append(data.strip())


def walk_admin(user, limit: int = 120) -> tuple[dict[str, set[str]], dict[str, set[str]], int]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    queue, seen, kinds = ["/admin/"], set(), set()
    english: dict[str, set[str]] = {}
    outside: dict[str, set[str]] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        kind = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or kind in kinds:
            continue
        seen.add(url)
        kinds.add(kind)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for address in OUTSIDE.findall(html):
            outside.setdefault(address, set()).add(url)
        parser = _Text()
        parser.feed(html)
        for chunk in parser.text:
            for word in ENGLISH_RE.findall(chunk):
                english.setdefault(word, set()).add(f"{url}: {chunk[:60]}")
        menu = re.findall(r'"url": ?"(/admin/[^"]*)"', html.replace("\\/", "/"))
        for link in parser.links + menu:
            link = link.split("#")[0]
            if link.startswith("/admin/") and not SKIP.search(link) and link not in seen:
                queue.append(link)
    return english, outside, len(seen)


@pytest.fixture
def admin_content(world, content, session):  # noqa: F811
    """Pages, a bank, a paper rule and an exam session, so the lists have rows."""
    return content


def test_admin_screens_show_no_english_to_the_system_admin(world, admin_content):
    english, outside, pages = walk_admin(world.system_admin)
    assert pages > 40
    assert not english, english
    assert not outside, outside


def test_admin_screens_show_no_english_to_a_trainer(world, admin_content):
    from django.contrib.auth.models import Group

    world.trainer.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    english, outside, pages = walk_admin(world.trainer)
    assert pages > 5
    assert not english, english
    assert not outside, outside


def test_dashboard_is_titled_with_the_products_name(world, client):
    client.force_login(world.system_admin)
    html = client.get("/admin/").content.decode()
    assert "安全生产培训考试与持证管理系统" in html
    assert "localhost" not in html
    assert " - Wagtail</title>" not in html


def test_admin_makes_no_update_check_and_no_gravatar(settings):
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None


def _shown(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.text)


def test_page_explorer_and_an_empty_list_speak_chinese(world, admin_content):
    """The page explorer's title read "Exploring: 学习园地", and a list with no rows yet
    "There are no … to display. Why not add one?" (Wagtail's zh_Hans lacks both)."""
    from wagtail.models import Page

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    parent = Page.objects.filter(depth=2).first()
    explorer = _shown(client, f"/admin/pages/{parent.pk}/")
    assert "Exploring" not in explorer and "浏览" in explorer
    # Its column header counted the pages "1-2 of 2 页面".
    assert not re.search(r"\d of \d", explorer), explorer
    assert re.search(r"共 \d+ 个", explorer)
    searched = _shown(client, f"/admin/pages/{parent.pk}/?q=zzz-nothing")
    assert not re.search(r"No results|Search in", searched)
    empty = _shown(client, "/admin/snippets/certificates/conductrecord/")
    assert not ENGLISH_RE.findall(empty), ENGLISH_RE.findall(empty)
    assert "还没有" in empty


def test_account_settings_speak_chinese(world):
    """Everyone with the admin opens 账户设置; its theme panel was English. Time-zone and
    language names are left as they are (a list of places and languages, not the UI)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    shown = _shown(client, "/admin/account/")
    for word in (
        "Theme preferences", "Admin theme", "Contrast", "More contrast", "Density", "Snug",
        "Use server language", "keyboard shortcuts",
    ):  # fmt: skip
        assert word not in shown, word
    assert "界面外观" in shown and "使用系统语言" in shown


def test_aging_pages_show_a_dash_for_a_page_published_by_no_one(world, admin_content):
    """The aging pages report printed "None" for a page published by no one (a script, the
    demo): a dash now."""
    from wagtail.models import Page

    # The fixture's pages were published by a script: no one is their last publisher.
    page = Page.objects.filter(depth__gt=2, live=True).order_by("pk").first()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    shown = _shown(client, "/admin/reports/aging-pages/")
    assert page.title in shown
    assert not re.search(r"(?<![A-Za-z])None(?![A-Za-z])", shown), shown
    assert "—" in shown


def test_page_types_are_named_in_chinese(world, admin_content):
    """Every page model has a Chinese name, and Wagtail's page types list shows it."""
    from django.utils import translation
    from wagtail.models import get_page_models

    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    shown = _shown(client, "/admin/reports/page-types-usage/")
    with translation.override("zh-hans"):
        names = {
            str(m._meta.verbose_name)
            for m in get_page_models()
            if m._meta.app_label != "wagtailcore"
        }
    for name in names:
        assert re.search(r"[\u4e00-\u9fff]", name), name
        assert name in shown, name
    assert not re.search(r"[A-Za-z]{4,} ?[Pp]age\b", shown), shown


def test_audit_log_details_read_as_chinese_labels(world):
    """An audit row's details were shown as raw JSON ({"region": "990102", ...})."""
    from roster.models import AuditLog
    from roster.services.audit import audit_record

    entry = audit_record(
        actor=world.system_admin,
        action="roster.export",
        summary="导出",
        region="990102",
        only_valid=True,
        count=3,
        industries=["B06", "C26"],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.system_admin)
    shown = _shown(client, f"/admin/audit_log/inspect/{entry.pk}/")
    assert "{" not in shown and '"region"' not in shown, shown
    assert "地区：990102" in shown
    assert "仅导入有效行：是" in shown
    assert "数量：3" in shown
    assert "行业：B06、C26" in shown
    assert AuditLog.objects.filter(pk=entry.pk, data__region="990102").exists()  # kept as data


def test_every_audit_detail_recorded_has_a_chinese_label():
    """Each keyword the sources pass to audit_record as a detail is labelled."""
    import ast
    from pathlib import Path

    from roster.audit_actions import AUDIT_DETAILS

    root = Path(__file__).resolve().parents[2]
    keys = set()
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {".venv", "tests", "bench"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(func, "id", getattr(func, "attr", "")) == (
                "audit_record"
            ):
                keys |= {
                    k.arg
                    for k in node.keywords
                    if k.arg not in {None, "actor", "action", "target", "summary", "request"}
                }
    assert keys and keys - set(AUDIT_DETAILS) == set()
