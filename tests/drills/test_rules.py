"""The frequency rules per kind of enterprise, with the date passed in (a fake clock):
ordinary, high-risk industry, fire-safety key unit."""

from __future__ import annotations

import datetime as dt

import pytest

from drills import selectors, services
from drills.models import DrillRule

from .conftest import record_data

pytestmark = pytest.mark.django_db


def owed(enterprise, on):
    return {
        (o.rule.code, o.period_start.isoformat(), o.state)
        for o in selectors.enterprise_obligations(enterprise=enterprise, on=on)
    }


def record(world, enterprise, kind, held_on, admin=None):
    person = {
        world.ent_a.pk: world.person_a,
        world.ent_a_chem.pk: world.person_a_chem,
    }[enterprise.pk]
    return services.record_save(
        actor=None,
        enterprise=enterprise,
        data=record_data(kind=kind, held_on=held_on),
        participants=[person],
        on=held_on,
    )


def test_the_national_rules_are_seeded_as_data():
    codes = set(DrillRule.objects.values_list("code", flat=True))
    assert {
        "plan-yearly",
        "onsite-half-yearly",
        "high-risk-half-yearly",
        "fire-key-half-yearly",
        "fire-yearly",
    } <= codes


def test_an_ordinary_enterprise_owes_a_plan_drill_a_year_onsite_each_half_and_a_fire_drill(
    old_world,
):
    on = dt.date(2027, 3, 1)
    assert owed(old_world.ent_a, on) == {
        ("plan-yearly", "2026-01-01", "overdue"),
        ("plan-yearly", "2027-01-01", "due"),
        ("onsite-half-yearly", "2026-07-01", "overdue"),
        ("onsite-half-yearly", "2027-01-01", "due"),
        ("fire-yearly", "2026-01-01", "overdue"),
        ("fire-yearly", "2027-01-01", "due"),
    }


def test_drills_held_satisfy_the_rules_whose_kinds_they_are(old_world):
    w = old_world
    record(w, w.ent_a, "special", dt.date(2026, 5, 1))
    record(w, w.ent_a, "onsite", dt.date(2026, 9, 1))
    record(w, w.ent_a, "fire", dt.date(2026, 11, 1))
    on = dt.date(2027, 3, 1)
    assert owed(w.ent_a, on) == {
        ("plan-yearly", "2027-01-01", "due"),
        ("onsite-half-yearly", "2027-01-01", "due"),
        ("fire-yearly", "2027-01-01", "due"),
    }
    onsite = [
        o
        for o in selectors.enterprise_obligations(enterprise=w.ent_a, on=dt.date(2026, 10, 1))
        if o.rule.code == "onsite-half-yearly" and o.period_start == dt.date(2026, 7, 1)
    ]
    assert onsite[0].state == selectors.SATISFIED
    assert onsite[0].satisfied_by.held_on == dt.date(2026, 9, 1)
    assert onsite[0].due_on == dt.date(2026, 12, 31)


def test_a_high_risk_enterprise_drills_every_half_year(old_world):
    w = old_world  # ent_a_chem: 危险化学品
    record(w, w.ent_a_chem, "comprehensive", dt.date(2026, 2, 1))
    on = dt.date(2026, 8, 1)
    states = owed(w.ent_a_chem, on)
    assert ("high-risk-half-yearly", "2026-01-01", "overdue") not in states
    assert ("high-risk-half-yearly", "2026-07-01", "due") in states
    # Nothing in the second half: overdue once it ends.
    assert ("high-risk-half-yearly", "2026-07-01", "overdue") in owed(
        w.ent_a_chem, dt.date(2027, 1, 2)
    )
    # An ordinary enterprise owes no such drill.
    assert not any(code == "high-risk-half-yearly" for code, _s, _t in owed(w.ent_a, on))


def test_a_fire_key_unit_drills_fire_every_half_year_others_yearly(old_world):
    w = old_world
    w.ent_a.fire_safety_key_unit = True
    w.ent_a.save()
    record(w, w.ent_a, "fire", dt.date(2026, 3, 1))
    key = owed(w.ent_a, dt.date(2026, 12, 1))
    assert ("fire-key-half-yearly", "2026-01-01", "overdue") not in key
    assert ("fire-key-half-yearly", "2026-07-01", "due") in key
    assert not any(code == "fire-yearly" for code, _s, _t in key)
    assert ("fire-key-half-yearly", "2026-07-01", "overdue") in owed(w.ent_a, dt.date(2027, 1, 1))
    w.ent_a.fire_safety_key_unit = False
    w.ent_a.save()
    plain = owed(w.ent_a, dt.date(2026, 12, 1))
    assert ("fire-yearly", "2026-01-01", "satisfied") in plain


def test_periods_before_the_enterprise_was_registered_are_not_owed(world):
    # The world's enterprises were registered today: last period is not theirs to owe.
    today = world.ent_a.created_at.date()
    assert not any(state == "overdue" for _c, _s, state in owed(world.ent_a, today))


def test_a_rule_edited_by_the_administrator_changes_what_is_owed(old_world):
    rule = DrillRule.objects.get(code="fire-yearly")
    rule.is_active = False
    rule.save()
    assert not any(c == "fire-yearly" for c, _s, _t in owed(old_world.ent_a, dt.date(2027, 3, 1)))


def test_the_daily_reminder_tells_the_admins_once_per_overdue_period(old_world):
    from certificates.models import Notification

    admin = old_world.enterprise_admin
    on = dt.date(2027, 3, 1)
    first = services.drill_reminders_send(on=on)
    mine = Notification.objects.filter(user=admin)
    assert first >= 3 and mine.count() == 3  # plan, on-site and fire drills of 2026
    assert all("演练" in n.title or "Drill" in n.title for n in mine)
    assert services.drill_reminders_send(on=on) == 0
    assert services.drill_reminders_send(on=on + dt.timedelta(days=1)) == 0
    assert mine.count() == 3


def test_the_reminder_task_runs_eagerly(old_world):
    from drills.tasks import drill_reminders_task

    assert drill_reminders_task.delay().get() >= 0
