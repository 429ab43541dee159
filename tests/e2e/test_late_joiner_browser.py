"""A late joiner in a real browser, on the web only: after the enterprise's safety admin has
published a notice that must be acknowledged, they add a new employee to the roster and
issue an activation code (laptop); the new employee signs in on a phone, finds the notice
counted and on the portal, and acknowledges it; the admin's receipt list shows them.
Screenshots at phone and desktop size go to /tmp/shots/late-joiner."""

from __future__ import annotations

from pathlib import Path

import pytest

from notices.models import NoticeReceipt
from notices.services import notice_publish
from tests.e2e import shots
from tests.factories import build_world, make_id_number
from tests.notices.conftest import enterprise_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/late-joiner")
PASSWORD = "pw-123456"
NEW_PASSWORD = "Qinghe-Safe-2025!"
TITLE = "车间停电检修通知"
NAME = "刘新来"


def both_sizes(session, name: str) -> None:
    shots.both_sizes(session, SHOTS, name, english=("Notice", "Acknowledge", "Readers"))


def sign_in(session, login: str, secret: str) -> None:
    session.go("/accounts/login/")
    session.page.fill("input[name=username]", login)
    session.page.fill("input[name=password]", secret)
    with session.page.expect_navigation():
        session.page.click("button[type=submit]")


def test_a_person_added_after_a_notice_sees_and_acknowledges_it_and_is_listed(desktop, phone):
    world = build_world()
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world, title=TITLE))
    assert notice.receipts.count() == 1  # person_a only

    # The admin adds a new employee to the roster...
    desktop.login("admin_a", PASSWORD)
    page = desktop.page
    id_number = make_id_number(seq=731)
    desktop.go("/roster/people/new/")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=id_number]", id_number)
    page.select_option("select[name=category]", "general")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/roster/people/" in page.url, page.locator("main").inner_text()
    # ...who is among the notice's readers at once.
    receipt = NoticeReceipt.objects.get(notice=notice, person__id_number=id_number)
    assert receipt.left_at is None

    # ...and issues the newcomer's activation code.
    desktop.go(f"/roster/?q={id_number}")
    page.check(f"input[name=people][value='{receipt.person_id}']")
    with page.expect_navigation():
        page.click("button[name=chosen]")
    with page.expect_navigation():
        page.click("button[name=output][value=sheet]")
    code = page.locator(f".slip[data-person='{receipt.person_id}'] .code").inner_text().strip()

    # The newcomer signs in on a phone and chooses a password...
    sign_in(phone, id_number, code)
    assert phone.page.url.endswith("/accounts/password/")
    phone.page.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.page.fill("input[name=new_password2]", NEW_PASSWORD)
    with phone.page.expect_navigation():
        phone.page.click("main form button[type=submit]")
    # ...sees the notice counted and on the portal, and acknowledges it.
    phone.go("/")
    mobile = phone.page
    assert mobile.locator("nav.nav .nav-notices-unread").inner_text() == "1"
    assert TITLE in mobile.locator(".portal-notices").inner_text()
    phone.assert_no_horizontal_overflow()
    phone.shot("01-newcomer-portal")
    with mobile.expect_navigation():
        mobile.locator(".portal-notices a", has_text=TITLE).click()
    both_sizes(phone, "02-newcomer-notice")
    with mobile.expect_navigation():
        mobile.click("form.ack-form button[type=submit]")
    assert "已签收" in mobile.locator("main").inner_text()
    assert mobile.locator("nav.nav .nav-notices-unread").count() == 0
    phone.shot("03-newcomer-acknowledged")

    # The admin's receipt list shows the newcomer, acknowledged.
    desktop.go(f"/notices/{notice.pk}/receipts/")
    rows = page.locator("table.by-person tr", has_text=NAME)
    assert rows.count() == 1
    assert "未签收" not in rows.inner_text()
    assert NoticeReceipt.objects.get(pk=receipt.pk).acknowledged_at is not None
    assert "2" in page.locator("table.by-enterprise").inner_text()
    both_sizes(desktop, "04-receipts-with-newcomer")
