"""Targets per figure and region (issue 26, Must 8): data (reports.models.FigureTarget), the
nearest region's target wins over the national one, and a figure under its target is flagged
on the regulator's dashboard and in the .xlsx export."""

from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from reports.models import FigureTarget
from reports.targets import below_target, targets_for


def test_national_targets_are_seeded(world):
    targets = targets_for(None)
    assert targets["certification_rate"].percent == Decimal(100)
    assert targets["certification_rate"].region is None


def test_a_county_target_holds_for_its_townships_not_for_the_next_county(world):
    FigureTarget.objects.create(
        region=world.county, figure="certification_rate", target_percent=Decimal("95")
    )

    assert targets_for(world.township_a)["certification_rate"].percent == Decimal(95)
    assert targets_for(world.county)["certification_rate"].region == world.county
    assert targets_for(world.other_county)["certification_rate"].percent == Decimal(100)
    # A figure the county did not set keeps the national target.
    assert targets_for(world.county)["participation_rate"].percent == Decimal(100)


def test_below_target_ignores_a_rate_of_nobody(world):
    targets = targets_for(None)
    values = {"certification_rate": None, "participation_rate": 0.5, "final_pass_rate": 1.0}
    assert below_target(values, targets) == {"participation_rate"}


def test_the_dashboard_shows_each_target_and_flags_a_figure_below_it(client, world):
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    # People on the roster since 2020 owe yearly hours and nobody trained: 参训率 0 %.
    assert "participation_rate" in response.context["below_target"]
    page = response.content.decode()
    assert "目标 100.0%" in page
    assert "未达目标" in page


def test_a_lower_county_target_that_is_met_is_not_flagged(client, world):
    FigureTarget.objects.create(
        region=world.county, figure="participation_rate", target_percent=Decimal("0")
    )
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:dashboard"))

    assert "participation_rate" not in response.context["below_target"]


def test_the_export_states_the_targets_and_which_are_not_met(client, world):
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:export_xlsx"), {"by": "industry"})

    sheet = load_workbook(BytesIO(response.content)).active
    lines = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    target_rows = [line for line in lines if line and str(line[0]).startswith("目标")]
    assert ["目标：参训率", "100.0%", "未达目标"] in target_rows
    # Nobody needs a certificate here: the rate is "—", neither met nor missed.
    assert ["目标：持证率", "100.0%", "—"] in target_rows


def test_the_dashboard_breaks_figures_down_by_employment_form(client, world):
    from roster.choices import EmploymentForm
    from tests.factories import EmploymentFactory

    EmploymentFactory(enterprise=world.ent_a, employment_form=EmploymentForm.DISPATCHED)
    EmploymentFactory(enterprise=world.ent_b, employment_form=EmploymentForm.TEMPORARY)
    client.force_login(world.regulator_county)

    response = client.get(reverse("reports:dashboard"))

    table = response.context["tables"]["form"]
    people = {row.code: row.values["people"] for row in table.rows}
    assert people["dispatched"] == 1 and people["temporary"] == 1
    assert table.total["people"] == response.context["total"]["people"]
    assert "劳务派遣" in response.content.decode()
    export = client.get(reverse("reports:export_csv"), {"by": "form"})
    assert export.status_code == 200
