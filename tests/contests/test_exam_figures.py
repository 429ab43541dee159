"""A knowledge contest's round is an exam session of the engine, with no pass mark: every
paper would "pass". It is no exam sat in the regulator's exam figures (exams sat, first-time
and final pass rates); contests have their own figures (reports/contest_figures.py). Nor
do its papers, or its daily questions', refresh the regulator's report cache."""

import pytest

from contests.models import ContestEntry
from contests.services.playing import daily_start
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from reports.freshness import data_version
from reports.maintained import employment_figures_rebuild
from reports.models import FiguresQueue
from reports.selectors import people, report_params, totals
from tests.contests.conftest import ordinary_exam_session
from tests.contests.test_views import _take
from tests.reports.test_maintained import _compare

pytestmark = pytest.mark.django_db


def test_a_contest_round_is_no_exam_sat(world, open_round, now):
    _take(open_round, world.person_a, now)
    params = report_params(user=world.regulator_county)
    figures = totals(user=world.regulator_county, params=params)
    assert (figures["exams_sat"], figures["exams_first_pass"], figures["exams_passed"]) == (0, 0, 0)
    at_a = report_params(user=world.regulator_county, enterprise=world.ent_a.uscc)
    rows = people(user=world.regulator_county, params=at_a)
    [row] = [r for r in rows if r.employment.person_id == world.person_a.pk]
    assert row.flags["exams_sat"] == 0


# --------------------------------------------------------------------------- the report cache
# On a contest day thousands of papers are graded a minute. None of them is in a report
# figure the cache keeps (the exam figures leave contests out; the contest figures are read
# live), so none bumps the report cache's version or queues maintained figures; an ordinary
# exam's graded paper still does both.


def _answer_and_submit(attempt, now):
    answers = [
        {
            "position": item.position,
            "answer": [o["key"] for o in item.version.options if o.get("correct")][:1],
            "seq": 1,
        }
        for item in attempt.items.select_related("version")
    ]
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="t", answers=answers, now=now
    )
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="t", now=now)


@pytest.fixture
def maintained(world, django_capture_on_commit_callbacks):
    """The maintained figures built (so that a change would be queued), and the report
    cache's version as it stands after."""
    with django_capture_on_commit_callbacks(execute=True):
        employment_figures_rebuild()
    return data_version()


def test_a_contest_rounds_papers_leave_the_report_cache_alone(
    world, open_round, now, maintained, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _take(open_round, world.person_a, now)
        _take(open_round, world.person_b, now)
    assert ContestEntry.objects.filter(contest=open_round.contest, rounds_taken=1).count() == 2
    assert data_version() == maintained
    assert not FiguresQueue.objects.exists()
    regulator = world.regulator_county
    _compare(regulator, report_params(user=regulator))


def test_daily_questions_leave_the_report_cache_alone(
    world, contest, now, maintained, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = daily_start(person=world.person_a, contest=contest, now=now)
        _answer_and_submit(attempt, now)
    assert ContestEntry.objects.get(contest=contest, person=world.person_a).daily_days == 1
    assert data_version() == maintained
    assert not FiguresQueue.objects.exists()
    regulator = world.regulator_county
    _compare(regulator, report_params(user=regulator))


def test_an_exams_graded_paper_still_refreshes_the_figures(
    world, contest_bank, now, maintained, django_capture_on_commit_callbacks
):
    session = ordinary_exam_session(
        world, contest_bank, now, code="AQ-S1", name="2027年安全知识考试"
    )
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(session=session, person=world.person_a, client_id="t", now=now)
        graded = _answer_and_submit(attempt, now)
    assert graded.passed is True
    assert data_version() > maintained
    # Queued and drained at once (no broker in tests): the exam is in the figures.
    assert not FiguresQueue.objects.exists()
    regulator = world.regulator_county
    at_a = report_params(user=regulator, enterprise=world.ent_a.uscc)
    [row] = [
        r
        for r in people(user=regulator, params=at_a)
        if r.employment.person_id == world.person_a.pk
    ]
    assert row.flags["exams_sat"] == 1
    _compare(regulator, report_params(user=regulator))
