"""The drill rules on the web per kind of enterprise (ordinary, high-risk industry, fire-safety
key unit) with a fake clock: django.utils.timezone.now is set to a moment, so the pages,
the services and the regulator's view all read that day, as they would on it.

The enterprises were registered in 2020 (old_world): on 2027-03-01 each owes what it did
not drill in 2026; the admin records an on-site drill that day on the web; on 2027-07-02
what is overdue has moved on. And the day is the local (Asia/Shanghai) day: just after
midnight local time a drill of that day is not "in the future", one of the next day is."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from drills.models import DrillRecord, DrillRule
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
ROW = re.compile(r'<tr class="obligation-(\w+)"><td[^>]*>([^<]+)')


@pytest.fixture
def clock(monkeypatch):
    """Set the server's clock: clock(datetime) from then on."""

    def set_to(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def states(client) -> dict[str, set[str]]:
    """Rule code -> the states of its rows on the admin's drills page."""
    page = client.get("/drills/")
    assert page.status_code == 200
    codes = dict(DrillRule.objects.values_list("name", "code"))
    out: dict[str, set[str]] = {}
    for state, name in ROW.findall(page.content.decode()):
        out.setdefault(codes[name.strip()], set()).add(state)
    return out


def overdue(client) -> set[str]:
    return {code for code, s in states(client).items() if "overdue" in s}


# kind: (enterprise, fire-safety key unit, overdue on 2027-03-01, rules that never apply,
#        overdue on 2027-07-02 after an on-site drill on 2027-03-01)
KINDS = {
    "ordinary": (
        "ent_a",
        False,
        {"plan-yearly", "onsite-half-yearly", "fire-yearly"},
        {"high-risk-half-yearly", "fire-key-half-yearly"},
        {"plan-yearly", "fire-yearly"},
    ),
    "high_risk": (
        "ent_a_chem",
        False,
        {"plan-yearly", "onsite-half-yearly", "fire-yearly", "high-risk-half-yearly"},
        {"fire-key-half-yearly"},
        {"plan-yearly", "fire-yearly"},
    ),
    "fire_key": (
        "ent_a",
        True,
        {"plan-yearly", "onsite-half-yearly", "fire-key-half-yearly"},
        {"high-risk-half-yearly", "fire-yearly"},
        {"plan-yearly", "fire-key-half-yearly"},
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_what_each_kind_of_enterprise_owes_moves_with_the_clock(old_world, clock, kind):
    w = old_world
    name, fire_key, owed_march, never, owed_july = KINDS[kind]
    enterprise = getattr(w, name)
    enterprise.fire_safety_key_unit = fire_key
    enterprise.save()
    person = w.person_a if name == "ent_a" else w.person_a_chem
    admin = UserFactory(username=f"admin_{kind}")
    RoleGrant.objects.create(user=admin, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)

    clock(dt.datetime(2027, 3, 1, 10, 0, tzinfo=LOCAL))
    client = client_for(admin)
    seen = states(client)
    assert overdue(client) == owed_march
    assert not never & set(seen)
    # The regulator sees the enterprise among the overdue ones, that same day.
    regulator = client_for(w.regulator_county).get("/reports/drills/").content.decode()
    table = regulator.split("overdue-enterprises", 1)[1].split("</table>", 1)[0]
    assert enterprise.name in table

    response = client.post(
        "/drills/records/new/",
        {
            "kind": "onsite",
            "form": "live",
            "held_on": "2027-03-01",
            "place": "一号车间",
            "duration_minutes": "30",
            "organiser": "安全科",
            "scenario": "车间火灾初起扑救",
            "hours_credited": "0",
            "participants": [str(person.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "satisfied" in states(client)["onsite-half-yearly"]

    clock(dt.datetime(2027, 7, 2, 10, 0, tzinfo=LOCAL))
    client = client_for(admin)  # months later: signed in again
    assert overdue(client) == owed_july
    assert states(client)["onsite-half-yearly"] == {"due"}


def test_the_drill_day_is_the_local_day(old_world, clock):
    # 2026-12-31 16:30 UTC is 2027-01-01 00:30 in the county.
    clock(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    client = client_for(old_world.enterprise_admin)
    data = {
        "kind": "fire",
        "form": "live",
        "place": "办公楼",
        "duration_minutes": "30",
        "organiser": "安全科",
        "scenario": "元旦零点疏散",
        "hours_credited": "0",
        "participants": [str(old_world.person_a.pk)],
    }
    refused = client.post("/drills/records/new/", {**data, "held_on": "2027-01-02"})
    assert refused.status_code == 200
    assert "演练举行后才能记录：演练日期不能晚于今天。" in refused.content.decode()
    assert not DrillRecord.objects.exists()
    accepted = client.post("/drills/records/new/", {**data, "held_on": "2027-01-01"})
    assert accepted.status_code == 302
    assert DrillRecord.objects.get().held_on == dt.date(2027, 1, 1)
