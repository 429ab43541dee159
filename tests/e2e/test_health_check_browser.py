"""The health check (体检) on the web: the enterprise's safety admin records, on a phone, that
a special operator was found unfit (a date in the future refused beside the field first, what
was typed kept), and later, on a laptop, a fit one; both show in the person's list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from certificates.models import HealthCheck
from tests.e2e import shots
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/health_check")
PASSWORD = "pw-123456"
ENGLISH = ("Health checks", "Fit for the operation", "Unfit", "Record the health check", "Note")


def fill(page, on: dt.date, fit: bool, note: str) -> None:
    page.fill("input[name=health-on]", on.isoformat())
    page.select_option("select[name=health-fit]", "1" if fit else "0")
    page.fill("input[name=health-note]", note)
    with page.expect_navigation():
        page.click("#health-form button[type=submit]")


def test_the_admin_records_an_unfit_then_a_fit_health_check(desktop, phone):
    world = build_world()
    person = world.person_a
    today = timezone.localdate()
    url = f"/certificates/people/{person.pk}/"

    # On a phone: a date in the future is refused beside the field, nothing written.
    phone.login("admin_a", PASSWORD)
    phone.go(url)
    page = phone.page
    assert "尚无体检记录" in page.locator("#health-checks").inner_text()
    fill(page, today + dt.timedelta(days=3), False, "血压偏高")
    assert page.input_value("input[name=health-note]") == "血压偏高"
    assert not HealthCheck.objects.exists()
    assert page.locator("#health-form .error, #health-form .errorlist").count() >= 1
    phone.assert_no_horizontal_overflow()
    # The refusal is the answer to a post (its address takes no GET): this size only.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "01-future-date-refused-phone.png"), full_page=True)

    # The right date: recorded unfit, and listed.
    fill(page, today - dt.timedelta(days=30), False, "血压偏高")
    check = HealthCheck.objects.get()
    assert (check.fit, check.recorded_by) == (False, world.enterprise_admin)
    listed = page.locator("#health-checks").inner_text()
    assert "不适合从事该作业" in listed or "不合格" in listed
    assert "血压偏高" in listed
    shots.both_sizes(phone, SHOTS, "02-unfit-recorded", english=ENGLISH)

    # On a laptop, a month later: a fit health check after treatment.
    desktop.login("admin_a", PASSWORD)
    desktop.go(url)
    fill(desktop.page, today, True, "复查合格")
    assert [c.fit for c in HealthCheck.objects.order_by("on")] == [False, True]
    listed = desktop.page.locator("#health-checks").inner_text()
    assert "复查合格" in listed and "血压偏高" in listed
    shots.both_sizes(desktop, SHOTS, "03-fit-recorded", english=ENGLISH)
