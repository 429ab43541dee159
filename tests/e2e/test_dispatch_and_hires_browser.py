"""Issue 26, Must 8 in a real browser: the county regulator opens the dashboard, reads the
hired-this-year breakdown and the flag of a coal mine employing 劳务派遣 workers in posts the
rules forbid, and drills from the flag to the people, at a phone's and a laptop's size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from roster.choices import EmploymentForm, PersonnelCategory
from roster.models import Industry
from tests.e2e import shots
from tests.factories import EmploymentFactory, EnterpriseFactory, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/dispatch_and_hires")
PASSWORD = "pw-123456"
BLASTER = "牛大壮"
ELECTRICIAN = "马井下"


def both_sizes(session, name: str) -> None:
    shots.both_sizes(
        session,
        SHOTS,
        name,
        english=("Hired this year", "Dispatched", "forbidden", "Who they are"),
    )


def test_a_regulator_sees_new_hires_and_the_dispatch_flag_and_finds_the_people(desktop):
    world = build_world()
    mine = EnterpriseFactory(
        region=world.township_a, industry=Industry.objects.get(code="01"), name="城关煤矿"
    )
    hired = dt.date(timezone.localdate().year, 1, 1)
    dispatched = EmploymentForm.DISPATCHED
    EmploymentFactory(
        enterprise=mine,
        person__name=BLASTER,
        category=PersonnelCategory.SPECIAL_OPERATOR,
        post="煤矿井下爆破作业",
        employment_form=dispatched,
        hire_date=hired,
    )
    EmploymentFactory(
        enterprise=mine, person__name=ELECTRICIAN, post="井下电钳工", employment_form=dispatched
    )
    EmploymentFactory(
        enterprise=mine, person__name="白地面", post="选煤工", employment_form=dispatched
    )

    desktop.login(world.regulator_county.username, PASSWORD)
    page = desktop.page
    desktop.go("/reports/")
    flag = page.locator("#dispatch-flag")
    assert flag.locator("[data-count=dispatch_forbidden]").inner_text().strip() == "2"
    assert "矿山不得在这些岗位使用劳务派遣人员" in flag.inner_text()
    hires = page.locator("#by-hired")
    assert "本年新入职" in hires.inner_text() and "本年以前入职" in hires.inner_text()
    new_row = hires.locator("tbody tr", has_text="本年新入职")
    assert new_row.locator("td").nth(1).inner_text().strip() == "1"
    both_sizes(desktop, "01-dashboard-flag-and-hires")

    with page.expect_navigation():
        flag.locator("a", has_text="查看人员").click()
    main = page.locator("main").inner_text()
    assert BLASTER in main and ELECTRICIAN in main and "白地面" not in main
    assert "矿山不得使用劳务派遣人员从事特种作业" in main
    assert "矿山不得使用劳务派遣人员从事井下作业" in main
    both_sizes(desktop, "02-the-people-behind-the-flag")

    # From a person's row to the mine's own people, where the flag shows beside them.
    with page.expect_navigation():
        page.locator("tbody tr", has_text=BLASTER).locator("a", has_text="城关煤矿").click()
    assert "城关煤矿" in page.locator("h1").inner_text()
    assert page.locator("[data-flag=dispatch_forbidden]").count() == 2
    both_sizes(desktop, "03-the-mines-people")
