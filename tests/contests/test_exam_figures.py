"""A knowledge contest's round is an exam session of the engine, with no pass mark: every
paper would "pass". It is no exam sat in the regulator's exam figures (exams sat, first-time
and final pass rates); contests have their own figures (reports/contest_figures.py)."""

import pytest

from reports.selectors import people, report_params, totals
from tests.contests.test_views import _take

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
