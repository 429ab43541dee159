"""我的考试 (the trainee's exam list) lists exams and mock exams only: a knowledge contest's
rounds are sessions of the engine and its daily questions mock attempts, but both belong on
the contest's pages (the rank, the streak), not among the exams."""

from __future__ import annotations

import pytest
from django.test import Client

from contests.services.playing import daily_start
from question_banks.selectors import mock_attempts_for_person, sessions_for_person
from question_banks.services.attempts import answers_save, attempt_submit, mock_start
from tests.contests.conftest import ordinary_exam_session
from tests.contests.test_views import _take

pytestmark = pytest.mark.django_db


def _submit(attempt, now):
    answers = [
        {"position": item.position, "answer": ["A"], "seq": 1}
        for item in attempt.items.select_related("version")
    ]
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="t", answers=answers, now=now
    )
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="t", now=now)


@pytest.fixture
def exam(world, contest_bank, now):
    """An ordinary exam of the same bank with the trainee (person_a) on its list."""
    return ordinary_exam_session(
        world,
        contest_bank,
        now,
        code="AQ-S2",
        name="2027年第1期安全知识考试",
        rule_name="安全知识模拟题",
    )


def _page(world) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.trainee)
    response = client.get("/exams/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_contest_round_taken_is_not_listed_as_an_exam(world, open_round, exam, now):
    _take(open_round, world.person_a, now)
    assert [c.session for c in sessions_for_person(user=world.trainee)] == [exam]
    page = _page(world)
    assert exam.name in page
    assert open_round.session.name not in page
    assert f"/exams/session/{open_round.session.code}/" not in page


def test_daily_questions_are_not_among_the_mock_exams(world, contest, exam, now):
    daily = _submit(daily_start(person=world.person_a, contest=contest, now=now), now)
    assert mock_attempts_for_person(user=world.trainee) == []
    page = _page(world)
    assert 'id="my-mocks"' not in page
    assert f"/exams/attempt/{daily.pk}/result/" not in page
    # An ordinary mock exam still is.
    mock = _submit(mock_start(person=world.person_a, rule=exam.rule, now=now), now)
    assert mock_attempts_for_person(user=world.trainee) == [mock]
    page = _page(world)
    assert 'id="my-mocks"' in page and "安全知识模拟题" in page
