"""Warning education and rotation training on the web only.

1. The county regulator defines a rotation campaign (its people come from the rosters),
   schedules a classroom session, is refused when recording someone outside the campaign,
   records a member present, and reads the participation figure against the target.
2. The regulator assigns a warning case to an enterprise; the trainee reads it to the end on
   a phone (the lessons' reading clock); the regulator's figures count it as read.
Screenshots at phone and desktop size go to /tmp/shots/campaigns for a person to look at.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.models import RotationCampaign, SessionAttendance, WarningAssignee, WarningRule
from campaigns.services.warning import warning_reading_tick
from tests.campaigns.conftest import publish_content
from tests.e2e import shots
from tests.e2e.conftest import wait_for
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/campaigns")


def both_sizes(session, name: str) -> None:
    # No English word of these pages' own.
    english = ("Warning", "Campaign", "Deadline", "Read to the end", "Target")
    shots.both_sizes(session, SHOTS, name, english=english)


@pytest.fixture
def world():
    return build_world()


def test_a_rotation_campaign_runs_from_definition_to_the_participation_figure(world, desktop):
    page = desktop.page
    desktop.login("regulator_county", "pw-123456")
    desktop.go("/")
    with page.expect_navigation():
        page.click("nav.nav >> text=集中轮训")
    with page.expect_navigation():
        page.click("text=设立轮训")
    today = timezone.localdate()
    page.fill("input[name=title]", "2027年主要负责人和安全管理人员集中轮训")
    page.select_option("select[name=region]", label="清河县")
    page.check("input[name=categories][value=general]")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", (today + dt.timedelta(days=180)).isoformat())
    both_sizes(desktop, "01-define-campaign")
    with page.expect_navigation():
        page.click("#campaign-form button[type=submit]")
    campaign = RotationCampaign.objects.get()
    assert page.inner_text("#member-count") == "3"  # ent_a, ent_a_chem, ent_b

    page.click("summary:has-text('安排场次')")
    page.select_option("#session-form select[name=kind]", "classroom")
    page.fill("#session-form input[name=title]", "第一期面授")
    page.fill("#session-form input[name=held_on]", today.isoformat())
    page.fill("#session-form input[name=place]", "县应急管理局三楼会议室")
    page.fill("#session-form input[name=capacity]", "40")
    with page.expect_navigation():
        page.click("#session-form button[type=submit]")

    # Someone of another county is not in the campaign: refused beside the field, kept.
    page.fill("#attend-form textarea", world.person_other.id_number)
    with page.expect_navigation():
        page.click("#attend-form button[type=submit]")
    assert page.locator("#attend-form .error").count() == 1
    assert world.person_other.name in page.inner_text("#attend-form")
    assert page.input_value("#attend-form textarea") == world.person_other.id_number
    assert not SessionAttendance.objects.exists()
    both_sizes(desktop, "02-attendance-refused")

    page.fill("#attend-form textarea", world.person_a.id_number)
    with page.expect_navigation():
        page.click("#attend-form button[type=submit]")
    assert SessionAttendance.objects.get().member.person == world.person_a
    both_sizes(desktop, "03-session")

    desktop.go(f"/campaigns/rotation/{campaign.pk}/")
    with page.expect_navigation():
        page.click(f".page-head a[href='/reports/campaigns/{campaign.pk}/']")
    assert page.inner_text("#participation-total") == "33%"
    assert page.locator("text=未达目标").count() == 1
    with page.expect_navigation():
        page.click("text=按企业")
    row = page.locator("#campaign-figures tr", has_text=world.ent_a.name)
    assert "100.0%" in row.inner_text()
    both_sizes(desktop, "04-participation-figure")


def test_a_warning_case_is_assigned_read_to_the_end_on_a_phone_and_counted(world, desktop, phone):
    content = publish_content()
    WarningRule.objects.filter(pk=1).update(reading_minutes=1)
    page = desktop.page
    desktop.login("regulator_county", "pw-123456")
    desktop.go("/campaigns/warning/")
    with page.expect_navigation():
        page.click("text=分配警示案例")
    page.select_option("select[name=case]", str(content["case"].pk))
    page.check(f"input[name=enterprises][value='{world.ent_a.pk}']")
    page.fill("input[name=due_on]", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.click("#warning-form button[type=submit]")
    assert page.locator(".field.has-error").count() == 1  # a deadline in the past
    both_sizes(desktop, "05-assign-refused")
    page.fill("input[name=due_on]", (timezone.localdate() + dt.timedelta(days=14)).isoformat())
    with page.expect_navigation():
        page.click("#warning-form button[type=submit]")
    assert page.inner_text("#reader-count") == "1"
    reading = WarningAssignee.objects.get()

    # 45 s read earlier today on another device: the page's next ticks finish the case.
    earlier = timezone.now() - dt.timedelta(minutes=10)
    for seq, seconds in ((1, 0), (2, 45)):
        warning_reading_tick(
            person=world.person_a,
            reading=reading,
            client_id="earlier-tab",
            seq=seq,
            opening=seq == 1,
            now=earlier + dt.timedelta(seconds=seconds),
        )

    mobile = phone.page
    phone.login(world.person_a.id_number, "pw-123456")
    phone.go("/")
    with mobile.expect_navigation():
        mobile.click("nav.nav >> text=我的警示教育")
    with mobile.expect_navigation():
        mobile.click(f"text={content['case'].title}")
    assert mobile.inner_text("#lesson-credited") == "00:45"
    phone.assert_no_horizontal_overflow()
    wait_for(mobile, "!document.getElementById('lesson-done').hidden", timeout=60_000)
    both_sizes(phone, "06-case-read-on-phone")
    reading.refresh_from_db()
    assert reading.read_at is not None

    desktop.go(f"/reports/warning/?region={world.township_a.code}")
    row = page.locator("#warning-figures tr", has_text=world.ent_a.name)
    assert "100.0%" in row.inner_text()  # read rate: 1 of 1
    both_sizes(desktop, "07-warning-figures")
    with page.expect_navigation():
        row.locator("a").click()
    assert world.person_a.name in page.inner_text("#warning-people")
