"""Notices in a real browser, on the web only: the county regulator publishes a notice that
must be acknowledged to one industry (laptop); the enterprise's safety admin and a trainee
see it counted in the navigation and on the portal and acknowledge it on a phone; the
regulator's receipt list then shows, per enterprise and per person, who has not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notices.models import Notice, NoticeReceipt
from tests.e2e import shots
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/notices")
PASSWORD = "pw-123456"
TITLE = "关于开展冬季安全生产大检查的通知"


def both_sizes(session, name: str) -> None:
    shots.both_sizes(session, SHOTS, name)


def no_english(page) -> None:
    text = page.locator("body").inner_text()
    for word in ("Notices", "Acknowledge", "Publish", "Readers", "Library", "Not yet"):
        assert word not in text, f"English on {page.url}: {word}"


def acknowledge_on_phone(phone, username: str, shot: str) -> None:
    page = phone.page
    phone.login(username, PASSWORD)
    phone.go("/")
    badge = page.locator("nav.nav .nav-notices-unread")
    assert badge.inner_text() == "1"
    assert TITLE in page.locator(".portal-notices").inner_text()
    phone.assert_no_horizontal_overflow()
    phone.shot(f"{shot}-portal")
    with page.expect_navigation():
        page.locator(".portal-notices a", has_text=TITLE).click()
    assert "请于" in page.locator("main").inner_text()
    phone.assert_no_horizontal_overflow()
    no_english(page)
    both_sizes(phone, f"{shot}-notice")
    with page.expect_navigation():
        page.click("form.ack-form button[type=submit]")
    text = page.locator("main").inner_text()
    assert "已签收" in text and "您已于" in text
    assert page.locator("nav.nav .nav-notices-unread").count() == 0
    phone.shot(f"{shot}-acknowledged")
    page.context.clear_cookies()


def test_a_county_notice_is_acknowledged_on_phones_and_the_regulator_sees_who_has_not(
    desktop, phone
):
    world = build_world()
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The county regulator publishes to 工贸 enterprises, their admins and employees.
    desktop.login("regulator_county", PASSWORD)
    page = desktop.page
    desktop.go("/")
    with page.expect_navigation():
        page.click("nav.nav >> text=通知公告")
    with page.expect_navigation():
        page.click("text=发布通知")
    both_sizes(desktop, "01-publish-form")
    no_english(page)
    page.fill("input[name=title]", TITLE)
    body = "各企业：\n请于本月底前完成冬季安全生产自查自改，并签收本通知。"
    page.fill("textarea[name=body]", body)
    page.select_option("select[name=region]", str(world.county.pk))
    page.locator("label", has_text="工贸").locator("input").check()
    page.check("input[name=include_staff]")
    page.check("input[name=must_acknowledge]")
    deadline = timezone.localtime() + dt.timedelta(days=5)
    page.fill("input[name=ack_deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    with page.expect_navigation():
        page.click("form.notice-form button[type=submit]")
    assert "/receipts/" in page.url, page.locator("main").inner_text()
    notice = Notice.objects.get()
    assert set(notice.receipts.values_list("enterprise__name", flat=True)) == {
        "城关机械厂",
        "河口纺织厂",
    }
    both_sizes(desktop, "02-receipts-published")

    # The enterprise admin, then the trainee, acknowledge on a phone.
    acknowledge_on_phone(phone, "admin_a", "03-admin")
    acknowledge_on_phone(phone, world.trainee.username, "04-trainee")
    assert NoticeReceipt.objects.filter(acknowledged_at__isnull=False).count() == 2

    # The regulator's receipt list: who has not acknowledged yet.
    desktop.go(f"/notices/{notice.pk}/receipts/")
    by_enterprise = page.locator("table.by-enterprise").inner_text()
    assert "河口纺织厂" in by_enterprise
    page.select_option("select[name=pending]", "ack")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    people = page.locator("table.by-person").inner_text()
    assert world.person_b.name in people
    assert world.person_a.name not in people
    no_english(page)
    both_sizes(desktop, "05-receipts-not-yet")

    # And the acknowledgement figure for the county.
    desktop.go("/reports/notices/")
    kpis = page.locator(".kpis").inner_text()
    assert "66.7%" in kpis  # 2 of 3 readers acknowledged
    both_sizes(desktop, "06-figures")
