"""A county regulator opens the dashboard in a real browser: the charts draw from the
project's own ECharts, a township bar drills down, and the page fits a phone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", "--no-logins", stdout=io.StringIO())


def test_regulator_reads_the_charts_and_drills_down(demo, desktop):
    page = desktop.page
    desktop.login("county_reg", "Demo@2025")
    desktop.go("/reports/")
    for chart in ("#chart-trend", "#chart-region", "#chart-ranking", "#chart-industry"):
        page.wait_for_selector(f"{chart} svg")
    assert page.locator("#chart-trend svg path").count() > 5
    assert desktop.off_site_requests() == []
    desktop.shot("reports-county")
    # Clicking the first township's bar opens that township.
    box = page.locator("#chart-region svg").bounding_box()
    bars = page.locator("#chart-region svg path[fill='#2563eb']")
    assert bars.count() >= 1
    with page.expect_navigation():
        bars.first.click(force=True)
    assert "region=990102" in page.url
    assert box is not None


def test_the_dashboard_fits_a_phone(demo, phone):
    phone.login("county_reg", "Demo@2025")
    phone.go("/reports/")
    phone.page.wait_for_selector("#chart-trend svg")
    phone.assert_no_horizontal_overflow()
    phone.shot("reports-phone")
