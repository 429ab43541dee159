"""First sign-in in a real browser: the enterprise admin ticks a person on the roster,
issues an activation code and opens the slips to print; the person signs in on a phone with
their ID number and the code, must choose a password, signs in again with it, and the same
code no longer works."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo import roster as demo
from roster.models import Enterprise, User
from roster.selectors import activation_candidates

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PASSWORD = "Qinghe-Safe-2025!"


@pytest.fixture
def newcomer():
    """A person of ent_admin's enterprise without an account (none of seed_demo's codes)."""
    call_command("seed_demo", "--force", "--no-logins")
    admin = User.objects.get(username="ent_admin")
    enterprise = Enterprise.objects.get(uscc=demo.uscc_of(demo.ENTERPRISE_ADMIN_OF))
    people = activation_candidates(user=admin, enterprise=enterprise).order_by("id_number")
    return people[demo.DEMO_ACTIVATION_PEOPLE]


def sign_in(session, login: str, secret: str) -> None:
    session.go("/accounts/login/")
    session.page.fill("input[name=username]", login)
    session.page.fill("input[name=password]", secret)
    with session.page.expect_navigation():
        session.page.click("button[type=submit]")


def test_admin_issues_a_code_and_the_person_signs_in_with_it(newcomer, desktop, phone):
    # The admin ticks the person on the roster and issues a code.
    desktop.login("ent_admin", demo.DEMO_PASSWORD)
    desktop.go(f"/roster/?q={newcomer.id_number}")
    page = desktop.page
    assert page.locator("table tbody tr").count() == 1
    page.check(f"input[name=people][value='{newcomer.pk}']")
    with page.expect_navigation():
        page.click("button[name=chosen]")
    assert "/roster/activation-codes/" in page.url
    assert newcomer.name in page.content()
    desktop.shot("activation-confirm")
    with page.expect_navigation():
        page.click("button[name=output][value=sheet]")
    slip = page.locator(f".slip[data-person='{newcomer.pk}']")
    assert newcomer.name in slip.inner_text()
    assert newcomer.id_number_masked in slip.inner_text()
    assert newcomer.id_number not in page.content()
    code = slip.locator(".code").inner_text().strip()
    assert len(code) == 9
    desktop.assert_no_horizontal_overflow()
    desktop.shot("activation-slips")
    page.emulate_media(media="print")
    desktop.shot("activation-slips-print")

    # The person signs in on a phone with their ID number and the code...
    phone.go("/accounts/login/")
    assert "首次登录请输入单位发放的激活码" in phone.page.content()
    sign_in(phone, newcomer.id_number, code)
    assert phone.page.url.endswith("/accounts/password/")
    assert phone.page.locator("input[name=old_password]").count() == 0
    phone.assert_no_horizontal_overflow()
    phone.shot("activation-choose-password")
    phone.page.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.page.fill("input[name=new_password2]", NEW_PASSWORD)
    with phone.page.expect_navigation():
        phone.page.click("main form button[type=submit]")  # not the navigation's sign-out
    assert "/accounts/password/" not in phone.page.url
    assert User.objects.get(person=newcomer).must_change_password is False

    # ...signs in again with the new password...
    phone.page.context.clear_cookies()
    phone.login(newcomer.id_number, NEW_PASSWORD)
    assert "/accounts/password/" not in phone.page.url

    # ...and the same code fails a second time.
    phone.page.context.clear_cookies()
    sign_in(phone, newcomer.id_number, code)
    assert "/accounts/login/" in phone.page.url
    assert phone.page.locator(".errorlist, .error, [role=alert]").count() >= 1
    phone.shot("activation-code-used")
