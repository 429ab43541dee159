"""Drills reported to the county and the fire drill's notice to staff, on the web.

A chemical plant (under the high-risk rule, reported to the county) held a drill 40 days ago
and filed no evaluation report: the county's regulator sees it on the drills page as owing a
report, beside the day it was due. An enterprise admin plans a fire drill: a notice day after
the drill is refused beside the field, what was typed kept; the right day is kept in the
plan. Screenshots at phone and desktop sizes under /tmp/shots/drill-reports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from drills import services
from drills.models import PlannedDrill
from tests.drills.conftest import record_data
from tests.e2e import shots
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/drill-reports")


@pytest.fixture
def world():
    return build_world()


def test_the_county_sees_an_owed_report_and_a_fire_drill_keeps_its_notice_day(world, desktop):
    today = timezone.localdate()
    held = today - dt.timedelta(days=40)
    record = services.record_save(
        actor=None,
        enterprise=world.ent_a_chem,
        data=record_data(held_on=held),
        participants=[world.person_a_chem],
        on=held,
    )
    page = desktop.page

    desktop.login("regulator_county", "pw-123456")
    desktop.go("/")
    with page.expect_navigation():
        page.click("nav.nav >> text=演练统计")
    table = page.locator("table.county-reports")
    row = table.locator("tr.report-owes_report")
    assert row.count() == 1
    assert world.ent_a_chem.name in row.inner_text() and "欠报" in row.inner_text()
    assert (held + dt.timedelta(days=30)).isoformat() in row.inner_text()
    shots.both_sizes(desktop, SHOTS, "01-county-owed-report")
    with page.expect_navigation():
        row.locator("a").click()
    assert f"/reports/drills/record/{record.pk}/" in page.url

    with page.expect_navigation():
        page.click("form[action='/accounts/logout/'] button")
    desktop.login("admin_a", "pw-123456")
    year = today.year
    desktop.go(f"/drills/plan/{year}/")
    planned_on = dt.date(year, 12, 20)
    page.select_option("select[name=kind]", label="灭火和应急疏散")
    page.select_option("select[name=form]", label="实战演练")
    page.fill("input[name=scenario]", "办公楼夜间灭火和应急疏散")
    page.fill("input[name=planned_on]", planned_on.isoformat())
    page.fill("input[name=staff_notified_on]", dt.date(year, 12, 21).isoformat())
    with page.expect_navigation():
        page.click("form.plan-form button[type=submit]")
    assert page.locator("text=员工应在演练前告知，不能在演练之后").count() == 1
    assert page.locator("input[name=scenario]").input_value() == "办公楼夜间灭火和应急疏散"
    assert not PlannedDrill.objects.exists()
    # A refused POST cannot be opened again in another tab: this tab, as it is.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SHOTS / "02-notice-after-the-drill-refused-desktop.png"), full_page=True
    )

    page.fill("input[name=staff_notified_on]", dt.date(year, 12, 13).isoformat())
    with page.expect_navigation():
        page.click("form.plan-form button[type=submit]")
    assert PlannedDrill.objects.get().staff_notified_on == dt.date(year, 12, 13)
    assert page.locator(f"table >> text={year}-12-13").count() == 1
    shots.both_sizes(desktop, SHOTS, "03-plan-with-notice-day")
