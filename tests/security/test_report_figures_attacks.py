"""An outsider's attacks on the reports' new figures and exports (notices, drills, contests):
another county's region or enterprise named in the query, an industry-limited regulator
naming another industry's enterprise, unknown groupings, and names typed as formulas that
must stay text in the exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from contests.models import Contest

from .test_url_walk import _county_contest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]

PAGES = (
    "/reports/notices/",
    "/reports/notices.xlsx",
    "/reports/drills/",
    "/reports/drills/export.xlsx",
)


@pytest.mark.parametrize("url", PAGES)
def test_another_countys_region_or_enterprise_is_refused(scene, url):
    scene.drill  # noqa: B018 (ent_a has a drill the figures would count)
    scene.notice  # noqa: B018
    client = scene.client("regulator_other")
    for query in (
        {"region": scene.world.county.code},
        {"region": scene.world.township_a.code},
        {"enterprise": scene.world.ent_a.uscc},
    ):
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert scene.world.ent_a.name.encode() not in response.content


@pytest.mark.parametrize("url", PAGES)
def test_an_industry_limited_regulator_cannot_name_another_industrys_enterprise(scene, url):
    response = scene.client("regulator_chem").get(url, {"enterprise": scene.world.ent_a.uscc})
    assert response.status_code == 400
    assert scene.world.ent_a.name.encode() not in response.content


@pytest.mark.parametrize("url", ["/reports/notices.xlsx", "/reports/drills/export.xlsx"])
def test_an_unknown_grouping_is_a_clear_refusal(scene, url):
    response = scene.client("regulator").get(url, {"by": "__class__"})
    assert response.status_code == 400


def test_a_contest_outside_ones_scope_is_not_exported_by_id(scene):
    contest = _county_contest(scene)
    response = scene.client("regulator_other").get(
        "/reports/contests/export.xlsx", {"contest": contest.pk}
    )
    assert response.status_code == 404


def test_a_contest_name_typed_as_a_formula_stays_text_in_the_export(scene):
    contest = _county_contest(scene)
    formula = '=HYPERLINK("http://evil.example","点我")'
    Contest.objects.filter(pk=contest.pk).update(name=formula)
    response = scene.client("regulator").get("/reports/contests/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells and all(c.data_type == "s" for c in cells)
