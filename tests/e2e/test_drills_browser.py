"""Emergency drills on the web, by the people who do them.

An enterprise admin plans a drill, records it with participants and a photo, shows the
check-in code; a trainee checks in by opening the code's URL on a phone (signing in on the
way); the admin files the evaluation, adds a follow-up action and closes it. The county's
regulator then sees the drill with its photo, and an enterprise that is overdue. Web only;
screenshots at phone and desktop sizes under /tmp/shots/drills.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from drills.models import DrillAction, DrillParticipant, DrillRecord, PlannedDrill
from roster.models import Enterprise
from tests.e2e import shots
from tests.factories import EmploymentFactory, UserFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/drills")


@pytest.fixture
def world():
    world = build_world()
    # ent_b was registered years ago and has drilled nothing: the regulator sees it overdue.
    Enterprise.objects.filter(pk=world.ent_b.pk).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    # A second person of ent_a, who checks in on a phone.
    world.walker = EmploymentFactory(enterprise=world.ent_a).person
    UserFactory(username=world.walker.id_number, person=world.walker)
    return world


def both_sizes(session, name: str) -> None:
    shots.both_sizes(session, SHOTS, name)


def photo(tmp_path) -> Path:
    path = tmp_path / "现场照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 60, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_admin_plans_records_evaluates_and_closes_a_drill_and_the_regulator_sees_it(
    world, desktop, phone, tmp_path
):
    today = timezone.localdate()
    admin = desktop.page
    desktop.login("admin_a", "pw-123456")

    # The drills page: what is owed, the (empty) plan.
    desktop.go("/")
    with admin.expect_navigation():
        admin.click("nav.nav >> text=应急演练")
    assert admin.locator("table.obligations").count() == 1
    assert admin.locator("text=灭火和应急疏散").count()
    both_sizes(desktop, "01-drills-empty")

    # Plan a fire drill for today, for the walker.
    with admin.expect_navigation():
        admin.click(f"text={today.year} 年演练计划")
    admin.select_option("select[name=kind]", label="灭火和应急疏散")
    admin.select_option("select[name=form]", label="实战演练")
    admin.fill("input[name=scenario]", "办公楼火灾灭火和应急疏散")
    admin.fill("input[name=planned_on]", today.isoformat())
    admin.fill("[data-picker-search]", world.walker.name)
    admin.click("[data-picker-all]")
    assert admin.locator("[data-picker-count]").inner_text() == "1"
    both_sizes(desktop, "02-plan-form")
    with admin.expect_navigation():
        admin.click("form.plan-form button[type=submit]")
    planned = PlannedDrill.objects.get()
    assert list(planned.people.all()) == [world.walker]

    # Record it: first with nobody and a date in the future, refused beside the fields.
    with admin.expect_navigation():
        admin.click("text=记录此演练")
    assert admin.locator("input[name=scenario], textarea[name=scenario]").input_value() == (
        "办公楼火灾灭火和应急疏散"
    )
    admin.uncheck(f"input[name=participants][value='{world.walker.pk}']")
    admin.fill("input[name=held_on]", (today + dt.timedelta(days=2)).isoformat())
    admin.fill("input[name=place]", "办公楼及东侧广场")
    admin.fill("input[name=duration_minutes]", "40")
    admin.fill("input[name=organiser]", "安全科")
    with admin.expect_navigation():
        admin.click("form.record-form button[type=submit]")
    assert admin.locator("text=请至少选择一名参加演练的人员").count() == 1
    assert admin.locator("text=演练日期不能晚于今天").count() == 1
    assert admin.locator("input[name=place]").input_value() == "办公楼及东侧广场"
    assert not DrillRecord.objects.exists()
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SHOTS / "03-record-refused-desktop.png"), full_page=True)

    admin.fill("input[name=held_on]", today.isoformat())
    admin.fill("[data-picker-search]", world.person_a.name)
    admin.click("[data-picker-all]")
    admin.set_input_files("input[name=evidence]", str(photo(tmp_path)))
    with admin.expect_navigation():
        admin.click("form.record-form button[type=submit]")
    record = DrillRecord.objects.get()
    assert record.planned == planned and record.evidence.count() == 1
    assert list(record.participants.values_list("person", flat=True)) == [world.person_a.pk]
    loaded = admin.evaluate(
        "Array.from(document.querySelectorAll('img.evidence-thumb')).map(i => i.naturalWidth)"
    )
    assert loaded == [320]
    both_sizes(desktop, "04-record")

    # The check-in code, shown at the drill; the walker scans it on a phone.
    with admin.expect_navigation():
        admin.click("text=签到码")
    assert admin.locator(".checkin-qr svg").count() == 1
    # The rule, stated: the planned people only, and a code that changes every 30 seconds.
    rule = admin.locator("#checkin-rule").inner_text()
    assert "可签到人员" in rule and "30" in rule, rule
    url = admin.locator(".checkin-url").inner_text().strip()
    both_sizes(desktop, "05-checkin-code")
    walker = phone.page
    walker.goto(url)
    assert "/accounts/login/" in walker.url
    walker.fill("input[name=username]", world.walker.id_number)
    walker.fill("input[name=password]", "pw-123456")
    with walker.expect_navigation():
        walker.click("button[type=submit]")
    assert walker.locator("text=签到成功").count() == 1
    phone.assert_no_horizontal_overflow()
    phone.shot("06-checked-in")
    SHOTS.mkdir(parents=True, exist_ok=True)
    walker.screenshot(path=str(SHOTS / "06-checked-in-phone.png"), full_page=True)
    walker.goto(url)
    assert walker.locator("text=您已签到").count() == 1
    assert DrillParticipant.objects.get(person=world.walker, record=record).method == "check_in"

    # The evaluation report, then a follow-up action, closed from the actions list.
    desktop.go(f"/drills/records/{record.pk}/")
    with admin.expect_navigation():
        admin.click("text=提交评估报告")
    admin.fill("textarea[name=problems_found]", "东侧楼梯疏散拥堵；两名员工未听到广播。")
    admin.fill("textarea[name=plan_changes]", "增设楼层疏散引导员；东侧楼梯加装广播。")
    both_sizes(desktop, "07-evaluation")
    with admin.expect_navigation():
        admin.click("form.evaluation-form button[type=submit]")
    admin.fill("input[name=description]", "东侧楼梯加装应急广播")
    admin.select_option("select[name=owner]", label=world.person_a.name)
    admin.fill("input[name=due_on]", (today - dt.timedelta(days=1)).isoformat())
    with admin.expect_navigation():
        admin.click("form.action-form button[type=submit]")
    assert admin.locator("text=完成期限不能早于演练日期").count() == 1
    assert not DrillAction.objects.exists()
    admin.fill("input[name=due_on]", (today + dt.timedelta(days=14)).isoformat())
    with admin.expect_navigation():
        admin.click("form.action-form button[type=submit]")
    both_sizes(desktop, "08-record-evaluated")
    desktop.go(f"/drills/actions/?enterprise={world.ent_a.uscc}")
    admin.fill("form.close-form input[name=closing_note]", "广播已安装并试音合格")
    both_sizes(desktop, "09-actions")
    with admin.expect_navigation():
        admin.click("form.close-form button[type=submit]")
    action = DrillAction.objects.get()
    assert action.status == "closed" and action.closing_note == "广播已安装并试音合格"
    record.refresh_from_db()
    assert record.evaluated_at and "拥堵" in record.problems_found

    # The county's regulator: the overdue enterprise, then the drill and its photo.
    with admin.expect_navigation():
        admin.click("form[action='/accounts/logout/'] button")
    desktop.login("regulator_county", "pw-123456")
    desktop.go("/")
    with admin.expect_navigation():
        admin.click("nav.nav >> text=演练统计")
    overdue = admin.locator("table.overdue-enterprises")
    assert overdue.locator(f"text={world.ent_b.name}").count() == 1
    assert overdue.locator(f"text={world.ent_a.name}").count() == 0
    both_sizes(desktop, "10-regulator-drills")
    with admin.expect_navigation():
        admin.locator("table.drills-enterprise").locator(f"text={world.ent_a.name}").click()
    both_sizes(desktop, "11-regulator-enterprise")
    with admin.expect_navigation():
        admin.click(f"table >> text={today:%Y-%m-%d}")
    loaded = admin.evaluate(
        "Array.from(document.querySelectorAll('img.evidence-thumb')).map(i => i.naturalWidth)"
    )
    assert loaded == [320]
    assert admin.locator(f"text={world.walker.name}").count() == 1
    both_sizes(desktop, "12-regulator-record")
