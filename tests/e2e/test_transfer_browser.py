"""A transfer in a real browser: the admin of one enterprise adds a person employed at
another (on a laptop) and learns only that the person is employed elsewhere; the person's
enterprise admin sees the request counted in the navigation and accepts it (on a phone);
the person is then on the first enterprise's roster."""

import pytest
from django.core.management import call_command

from demo import roster as demo
from roster.choices import Role
from roster.models import Employment, Enterprise, RoleGrant, TransferRequest
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-123456"


@pytest.fixture
def county():
    call_command("seed_demo", "--force", "--no-logins")
    machinery = Enterprise.objects.get(uscc=demo.uscc_of(demo.TRANSFER_TO))
    admin_b = UserFactory(username="admin_machinery", first_name="机械厂安全管理员")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=machinery)
    # Someone at the chemical works (ent_admin's) with no request waiting for them yet.
    asked = set(TransferRequest.objects.values_list("person_id", flat=True))
    employment = (
        Employment.objects.current()
        .filter(enterprise__uscc=demo.uscc_of(demo.ENTERPRISE_ADMIN_OF))
        .exclude(person_id__in=asked)
        .exclude(person__id_number__in=[p.id_number for p in demo.FIXED_PEOPLE])
        .select_related("person", "enterprise")
        .order_by("pk")
        .first()
    )
    return machinery, employment


def test_one_enterprise_asks_for_a_person_and_the_other_accepts(county, desktop, phone):
    machinery, employment = county
    person = employment.person

    # The machinery plant's admin adds the person by ID number, on a laptop.
    desktop.login("admin_machinery", PASSWORD)
    desktop.go("/roster/people/new/")
    page = desktop.page
    page.fill("#id_name", person.name)
    page.fill("#id_id_number", person.id_number)
    page.fill("#id_phone", "13700137000")
    page.fill("#id_post", "低压电工作业")
    page.select_option("#id_category", "special_operator")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.endswith("/roster/transfers/")
    text = page.locator("main").inner_text()
    assert "此人目前在其他单位在职，已向其所在单位发出调入申请" in text
    assert employment.enterprise.name not in text  # not where the person works
    assert person.name in page.locator("#outgoing-" + str(_pending(person).pk)).inner_text()
    desktop.assert_no_horizontal_overflow()
    desktop.shot("transfer-asked-desktop")

    # Nothing moved yet: the person is not on the machinery plant's roster.
    desktop.go(f"/roster/?q={person.id_number}")
    assert page.locator("table tbody td.empty").count() == 1

    # The chemical works' admin, on a phone, sees the count and accepts.
    phone.login("ent_admin", demo.DEMO_PASSWORD)
    badge = phone.page.locator("nav a[href='/roster/transfers/'] .tag")
    assert int(badge.inner_text()) >= 1
    phone.shot("transfer-nav-count-phone")
    with phone.page.expect_navigation():
        phone.page.click("nav a[href='/roster/transfers/']")
    card = phone.page.locator(f"#transfer-{_pending(person).pk}")
    assert machinery.name in card.inner_text()
    phone.assert_no_horizontal_overflow()
    phone.shot("transfer-incoming-phone")
    with phone.page.expect_navigation():
        card.get_by_role("button", name="同意调出").click()
    assert "已同意" in phone.page.locator(".messages").inner_text()
    phone.assert_no_horizontal_overflow()
    phone.shot("transfer-accepted-phone")

    # The person is now on the machinery plant's roster.
    desktop.go(f"/roster/?q={person.id_number}")
    assert page.locator("table tbody tr td:first-child a").all_inner_texts() == [person.name]
    assert machinery.name in page.locator("table tbody").inner_text()
    desktop.shot("transfer-roster-after-desktop")
    assert desktop.off_site_requests() == [] and phone.off_site_requests() == []


def _pending(person) -> TransferRequest:
    return TransferRequest.objects.filter(person=person).order_by("-pk").first()
