"""On a phone: an enterprise admin works the roster, a trainee reaches the portal.

Every page must fit the phone's width and ask nothing of any other host (the product runs on
closed networks: no CDN fonts, scripts or analytics).
"""

import pytest
from django.core.management import call_command

from demo import roster as demo
from roster.choices import PersonnelCategory
from roster.models import Employment, Enterprise

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed data. serialized_rollback puts back what migrations
    # created (industries, the Wagtail root) after the flush, for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo_data():
    call_command("seed_demo", "--force", "--no-logins")


def test_enterprise_admin_filters_roster_and_opens_a_person(demo_data, phone):
    enterprise = Enterprise.objects.get(uscc=demo.uscc_of(demo.ENTERPRISE_ADMIN_OF))
    operators = Employment.objects.current().filter(
        enterprise=enterprise, category=PersonnelCategory.SPECIAL_OPERATOR
    )
    expected = set(operators.values_list("person__name", flat=True))
    assert expected

    phone.login("ent_admin", demo.DEMO_PASSWORD)
    phone.assert_no_horizontal_overflow()
    phone.shot("admin-portal")

    phone.go("/roster/")
    phone.assert_no_horizontal_overflow()
    phone.shot("admin-roster")

    phone.page.select_option("#f-category", PersonnelCategory.SPECIAL_OPERATOR)
    with phone.page.expect_navigation():
        phone.page.click("form.filters button[type=submit]")
    assert "category=special_operator" in phone.page.url
    names = phone.page.locator("table tbody tr td:first-child a").all_inner_texts()
    assert set(names) == expected
    phone.assert_no_horizontal_overflow()
    phone.shot("admin-roster-special-operators")

    first = sorted(names)[0]
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name=first, exact=True).first.click()
    assert "/roster/people/" in phone.page.url
    assert phone.page.locator("h1").inner_text().strip() == first
    assert enterprise.name in phone.page.content()
    phone.assert_no_horizontal_overflow()
    phone.shot("admin-person")

    assert phone.off_site_requests() == []


def test_trainee_signs_in_with_id_number_and_sees_the_portal(demo_data, phone):
    trainee = demo.TRAINEE_1
    phone.login(trainee.id_number, demo.DEMO_PASSWORD)
    assert phone.page.url.rstrip("/") == phone.base_url.rstrip("/")
    assert trainee.name in phone.page.locator("h1").inner_text()
    phone.assert_no_horizontal_overflow()
    phone.shot("trainee-portal")

    # A trainee is not staff: the roster is closed to them.
    response = phone.page.goto(phone.base_url + "/roster/")
    assert response.status == 403

    assert phone.off_site_requests() == []


def test_login_page_fits_a_phone_and_stays_on_site(phone):
    phone.go("/accounts/login/")
    assert phone.page.locator("input[name=username]").is_visible()
    phone.assert_no_horizontal_overflow()
    phone.shot("login")
    assert phone.off_site_requests() == []
