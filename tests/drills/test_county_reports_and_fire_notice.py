"""Drills reported to the county, and the fire drill's notice to staff, on the web with a
fake clock (django.utils.timezone.now set to a moment).

- A drill held by an enterprise under a rule reported to the county (the high-risk rule:
  危险化学品 here) is listed on the county regulator's drills page: "report due" until the
  rule's days (30 seeded) have passed, then "owes a report", and "reported" once its
  evaluation report is filed. A drill of an ordinary enterprise is not listed.
- A fire drill in the plan records the day the staff were told; a day after the drill is
  refused beside the field, with what was typed kept and nothing written.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from drills import services
from drills.models import DrillRule, PlannedDrill

from .conftest import record_data

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
ROW = re.compile(r'<tr class="report-(\w+)"><td[^>]*><a href="/reports/drills/record/(\d+)/">')


@pytest.fixture
def clock(monkeypatch):
    def set_to(day: dt.date) -> None:
        moment = dt.datetime.combine(day, dt.time(10), tzinfo=LOCAL)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def listed(world) -> dict[int, str]:
    page = client_for(world.regulator_county).get("/reports/drills/")
    assert page.status_code == 200
    body = page.content.decode()
    return {int(pk): state for state, pk in ROW.findall(body)}


def test_the_high_risk_rule_is_reported_within_30_days():
    rule = DrillRule.objects.get(code="high-risk-half-yearly")
    assert rule.report_to_county and rule.report_within_days == 30
    assert not DrillRule.objects.filter(report_to_county=False, report_within_days__isnull=False)


def test_a_reported_drill_is_due_then_owed_then_reported(old_world, clock):
    world = old_world
    clock(dt.date(2026, 5, 20))
    chem = services.record_save(
        actor=None,
        enterprise=world.ent_a_chem,
        data=record_data(held_on=dt.date(2026, 5, 20)),
        participants=[world.person_a_chem],
        on=dt.date(2026, 5, 20),
    )
    ordinary = services.record_save(
        actor=None,
        enterprise=world.ent_a,
        data=record_data(held_on=dt.date(2026, 5, 20)),
        participants=[world.person_a],
        on=dt.date(2026, 5, 20),
    )

    clock(dt.date(2026, 6, 19))  # the 30th day after the drill: still due
    assert listed(world) == {chem.pk: "report_due"}
    assert ordinary.pk not in listed(world)

    clock(dt.date(2026, 6, 20))
    assert listed(world) == {chem.pk: "owes_report"}
    page = client_for(world.regulator_county).get("/reports/drills/").content.decode()
    assert "2026-06-19" in page  # the day the report was due

    services.evaluation_file(
        actor=None, record=chem, problems_found="疏散通道堵塞", plan_changes="增设指示牌"
    )
    assert listed(world) == {chem.pk: "reported"}


def test_a_county_changes_the_days_and_the_state_follows(old_world, clock):
    world = old_world
    clock(dt.date(2026, 5, 20))
    chem = services.record_save(
        actor=None,
        enterprise=world.ent_a_chem,
        data=record_data(held_on=dt.date(2026, 5, 20)),
        participants=[world.person_a_chem],
        on=dt.date(2026, 5, 20),
    )
    clock(dt.date(2026, 5, 30))
    assert listed(world) == {chem.pk: "report_due"}
    DrillRule.objects.filter(code="high-risk-half-yearly").update(report_within_days=7)
    assert listed(world) == {chem.pk: "owes_report"}
    DrillRule.objects.filter(code="high-risk-half-yearly").update(report_to_county=False)
    assert listed(world) == {}


def test_another_countys_regulator_sees_none_of_it(old_world, clock):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    world = old_world
    clock(dt.date(2026, 5, 20))
    services.record_save(
        actor=None,
        enterprise=world.ent_a_chem,
        data=record_data(held_on=dt.date(2026, 5, 20)),
        participants=[world.person_a_chem],
        on=dt.date(2026, 5, 20),
    )
    other = UserFactory(username="regulator_elsewhere")
    RoleGrant.objects.create(user=other, role=Role.REGULATOR, region=world.other_county)
    body = client_for(other).get("/reports/drills/").content.decode()
    assert not ROW.findall(body)


# ---- the fire drill's notice to staff --------------------------------------------------


def plan_form(**overrides):
    data = {
        "kind": "fire",
        "form": "live",
        "scenario": "办公楼夜间灭火和应急疏散",
        "planned_on": "2026-09-10",
        "staff_notified_on": "2026-09-03",
    }
    data.update(overrides)
    return data


def test_a_fire_drill_plan_keeps_the_day_the_staff_were_told(world, clock):
    clock(dt.date(2026, 8, 1))
    client = client_for(world.enterprise_admin)
    response = client.post("/drills/plan/2026/", plan_form())
    assert response.status_code == 302
    planned = PlannedDrill.objects.get()
    assert planned.staff_notified_on == dt.date(2026, 9, 3)
    page = client.get("/drills/plan/2026/").content.decode()
    assert "2026-09-03" in page


def test_telling_the_staff_after_the_drill_is_refused_beside_the_field(world, clock):
    clock(dt.date(2026, 8, 1))
    client = client_for(world.enterprise_admin)
    page = client.post("/drills/plan/2026/", plan_form(staff_notified_on="2026-09-11"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "员工应在演练前告知，不能在演练之后" in body
    assert "办公楼夜间灭火和应急疏散" in body and "2026-09-11" in body  # what was typed is kept
    assert not PlannedDrill.objects.exists()


def test_a_fire_drill_without_the_notice_day_shows_as_staff_not_told(world, clock):
    clock(dt.date(2026, 8, 1))
    client = client_for(world.enterprise_admin)
    assert client.post("/drills/plan/2026/", plan_form(staff_notified_on="")).status_code == 302
    page = client.get("/drills/plan/2026/").content.decode()
    assert "尚未告知员工" in page
