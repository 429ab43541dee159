"""A published notice changed and then withdrawn, on the web only: the county regulator
changes the text and asks for acknowledgement again (laptop); the trainee sees it unread with
its change time on a phone and acknowledges again; the regulator withdraws it, and the
trainee no longer sees it while the regulator keeps its receipts and the figures say so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notices.models import Notice
from notices.services import NoticeData, notice_acknowledge, notice_publish
from roster.models import Industry
from tests.e2e import shots
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/notice-changes")
PASSWORD = "pw-123456"
TITLE = "关于开展冬季消防安全检查的通知"


def test_the_publisher_changes_then_withdraws_a_notice(desktop, phone):
    world = build_world()
    SHOTS.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    notice = notice_publish(
        actor=world.regulator_county,
        data=NoticeData(
            kind=Notice.Kind.REGIONAL,
            title=TITLE,
            body="各企业：请于本月底前完成消防自查。",
            publish_from=now - dt.timedelta(hours=1),
            must_acknowledge=True,
            ack_deadline=now + dt.timedelta(days=5),
            region=world.county,
            industries=[Industry.objects.get(code="07")],
            include_staff=True,
        ),
    )
    notice_acknowledge(actor=world.trainee, receipt=notice.receipts.get(person=world.person_a))

    # The regulator changes the text and asks everyone to acknowledge again.
    desktop.login("regulator_county", PASSWORD)
    page = desktop.page
    desktop.go(f"/notices/{notice.pk}/receipts/")
    with page.expect_navigation():
        page.click("main .actions >> text=修改")
    assert "要求所有接收人重新签收" in page.locator("main").inner_text()
    page.fill("textarea[name=body]", "")
    with page.expect_navigation():
        page.click("form.notice-form button[type=submit]")
    assert page.locator("main .error").count() > 0  # the body is required: nothing saved
    assert page.input_value("input[name=title]") == TITLE  # what was typed is kept
    page.fill("textarea[name=body]", "各企业：请于本月底前完成消防自查，并上报整改清单。")
    page.check("input[name=ask_again]")
    shots.both_sizes(desktop, SHOTS, "01-change-form")
    with page.expect_navigation():
        page.click("form.notice-form button[type=submit]")
    assert "/receipts/" in page.url
    assert "通知已修改" in page.locator("main").inner_text()
    notice.refresh_from_db()
    assert notice.edited_at is not None
    assert not notice.receipts.filter(acknowledged_at__isnull=False).exists()

    # The trainee sees it unread again, with its change time, and acknowledges again.
    phone.login(world.trainee.username, PASSWORD)
    mobile = phone.page
    phone.go("/")
    assert mobile.locator("nav.nav .nav-notices-unread").inner_text() == "1"
    with mobile.expect_navigation():
        mobile.locator(".portal-notices a", has_text=TITLE).click()
    text = mobile.locator("main").inner_text()
    assert "改动时间" in text and "上报整改清单" in text
    phone.assert_no_horizontal_overflow()
    shots.both_sizes(phone, SHOTS, "02-trainee-changed")
    with mobile.expect_navigation():
        mobile.click("form.ack-form button[type=submit]")
    assert "您已于" in mobile.locator("main").inner_text()

    # The regulator withdraws it.
    desktop.go(f"/notices/{notice.pk}/receipts/")
    page.click("details.withdraw summary")
    page.fill("details.withdraw input[name=reason]", "检查时间调整，另行通知")
    with page.expect_navigation():
        page.click("form.withdraw-form button[type=submit]")
    text = page.locator("main").inner_text()
    assert "已撤回" in text or "撤回" in text
    assert "检查时间调整，另行通知" in text
    assert "城关机械厂" in page.locator("table.by-enterprise").inner_text()  # receipts kept
    shots.both_sizes(desktop, SHOTS, "03-withdrawn")
    desktop.go("/notices/published/")
    assert "已撤回" in page.locator("main").inner_text()

    # The trainee no longer sees it.
    phone.go("/notices/")
    assert TITLE not in mobile.locator("main").inner_text()
    response = mobile.goto(phone.base_url + f"/notices/{notice.pk}/")
    assert response.status == 404
    shots.both_sizes(phone, SHOTS, "04-trainee-inbox")

    # The county's figures count it as withdrawn.
    desktop.go("/reports/notices/")
    assert "已撤回" in page.locator("main").inner_text()
    shots.both_sizes(desktop, SHOTS, "05-figures")
