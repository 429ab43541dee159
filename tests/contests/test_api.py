"""The contests' JSON API is scoped like the pages, and the regulator's contest figures
come as .xlsx."""

import io

import pytest
from openpyxl import load_workbook

from tests.contests.test_views import _take, other_regulator  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_the_organiser_reads_contests_rounds_and_every_board(client, world, open_round, now):
    _take(open_round, world.person_a, now)
    client.force_login(world.regulator_county)
    listed = client.get("/api/contests").json()
    assert [c["id"] for c in listed] == [open_round.contest_id]
    rounds = client.get(f"/api/contests/{open_round.contest_id}/rounds").json()
    assert [(r["id"], r["took_part"]) for r in rounds] == [(open_round.pk, 1)]
    people = client.get(f"/api/contests/{open_round.contest_id}/leaderboard").json()
    assert people["rows"][0]["name"] == world.person_a.name and people["rows"][0]["rank"] == 1
    by_firm = client.get(
        f"/api/contests/{open_round.contest_id}/leaderboard?by=enterprise&order=rate"
    ).json()
    assert {r["name"] for r in by_firm["rows"] if r["participants"]} == {world.ent_a.name}
    bad = client.get(f"/api/contests/{open_round.contest_id}/leaderboard?by=planet")
    assert bad.status_code == 400


def test_a_contestant_reads_their_contest_and_the_people_board_only(client, world, open_round):
    client.force_login(world.trainee)
    assert [c["id"] for c in client.get("/api/contests").json()] == [open_round.contest_id]
    assert client.get(f"/api/contests/{open_round.contest_id}/rounds").status_code == 200
    assert client.get(f"/api/contests/{open_round.contest_id}/leaderboard").status_code == 200
    groups = client.get(f"/api/contests/{open_round.contest_id}/leaderboard?by=enterprise")
    assert groups.status_code == 404


def test_another_county_gets_404_by_id(client, world, open_round, other_regulator):  # noqa: F811
    client.force_login(other_regulator)
    assert client.get("/api/contests").json() == []
    for tail in ("rounds", "leaderboard"):
        response = client.get(f"/api/contests/{open_round.contest_id}/{tail}")
        assert response.status_code == 404, tail


def test_the_regulator_exports_the_contest_figures(client, world, open_round, now):
    _take(open_round, world.person_a, now)
    client.force_login(world.regulator_county)
    response = client.get(
        f"/reports/contests/export.xlsx?contest={open_round.contest_id}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert open_round.contest.name in cells and world.ent_a.name in cells
    assert "参训人数" in " ".join(map(str, cells))  # the headers in Chinese
