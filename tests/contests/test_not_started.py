"""A paper drawn as a person enters a round (status READY) but never started is "not
started": it does not make the person a participant anywhere a contest is counted. One test
per place: the leaderboards (people and groups), the participation rate, the regulator's
contest figures (reports/contests.py), the winners' export, the rounds' "took part" and the
training file; also after the round has closed and the expiry sweep has run."""

import io

import pytest
from django.utils.html import escape
from openpyxl import load_workbook

from contests.models import ContestEntry
from contests.selectors import contest_rounds, leaderboard, participation_summary, winners
from contests.services.playing import contest_round_join
from question_banks.models import Attempt, ExamSession
from question_banks.services.attempts import attempts_expire_overdue
from reports.contest_figures import contests_in_scope
from tests.contests.test_views import _take

pytestmark = pytest.mark.django_db


@pytest.fixture
def entered(world, open_round, now):
    """person_a took the round; person_b (河口纺织厂) entered it and never started."""
    _take(open_round, world.person_a, now)
    contest_round_join(person=world.person_b, round=open_round, now=now)
    paper = Attempt.objects.get(session=open_round.session, person=world.person_b)
    assert paper.status == Attempt.Status.READY  # drawn on entry
    return open_round


def _closed(round, now):
    """The round has closed and the periodic sweep has run."""
    ExamSession.objects.filter(pk=round.session_id).update(closes_at=now)
    attempts_expire_overdue()


@pytest.mark.parametrize("closed", [False, True])
def test_the_people_board_lists_only_who_took_the_round(world, entered, now, closed):
    if closed:
        _closed(entered, now)
    rows = leaderboard(contest=entered.contest, board="person")
    assert [r.person_id for r in rows] == [world.person_a.pk]
    assert not ContestEntry.objects.filter(person=world.person_b).exists()


@pytest.mark.parametrize("order", ["score", "rate"])
def test_the_group_boards_count_an_unstarted_paper_as_not_taking_part(world, entered, order):
    rows = {
        r.name: r for r in leaderboard(contest=entered.contest, board="enterprise", order=order)
    }
    b = rows[world.ent_b.name]
    assert (b.participants, b.rate, b.average) == (0, 0.0, None)
    assert rows[world.ent_a.name].participants == 1
    regions = {r.key: r for r in leaderboard(contest=entered.contest, board="region")}
    assert regions[world.ent_b.region_id].participants == 0


def test_the_participation_rate_counts_who_took_part(world, entered, now):
    _closed(entered, now)
    summary = participation_summary(contest=entered.contest)
    assert (summary["eligible"], summary["participants"]) == (3, 1)
    assert summary["rate"] == round(1 / 3, 4)


def test_the_regulators_contest_figures_count_who_took_part(client, world, entered, now):
    _closed(entered, now)
    rows, _scope = contests_in_scope(world.regulator_county)
    [(contest, figures)] = rows
    assert (figures["eligible"], figures["participants"]) == (3, 1)
    client.force_login(world.regulator_county)
    book = load_workbook(io.BytesIO(client.get("/reports/contests/export.xlsx").content))
    cells = [r for r in book.active.iter_rows(values_only=True) if r and r[0] == contest.name]
    assert cells[0][2:4] == (3, 1)


def test_the_winners_export_lists_only_who_took_part(client, world, entered, now):
    _closed(entered, now)
    assert [r.person_id for r in winners(contest=entered.contest)] == [world.person_a.pk]
    client.force_login(world.regulator_county)
    response = client.get(f"/contests/{entered.contest_id}/winners.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert names == [world.person_a.name]


def test_the_rounds_took_part_and_the_training_file(client, world, entered):
    [round] = contest_rounds(entered.contest)
    assert round.taken == 1
    client.force_login(world.system_admin)
    page = client.get(f"/courses/file/{world.person_b.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert escape(entered.contest.name) not in page.content.decode()
