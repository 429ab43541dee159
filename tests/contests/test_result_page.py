"""After a round, the contestant's result page names the ROUND they took (第N轮 and its
title), leads on to the next round that is open or opens next, and back to all the
contest's rounds under the contest's own name; the daily questions' result names the
contest."""

import datetime as dt

import pytest
from django.utils.html import escape

from contests.services.contests import contest_round_save
from contests.services.playing import daily_start
from question_banks.models import ExamSession
from question_banks.services.attempts import attempt_submit
from tests.contests.test_views import _take

from .conftest import round_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_round(world, contest, contest_bank, open_round, now):
    return contest_round_save(
        actor=world.regulator_county,
        contest=contest,
        data=round_data(
            contest_bank, open_round.session.closes_at + dt.timedelta(hours=1), title="复赛"
        ),
        now=now,
    )


def _result(client, user, attempt) -> str:
    client.force_login(user)
    page = client.get(f"/exams/attempt/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    return page.content.decode()


def test_the_result_names_the_round_and_the_next_one_with_its_opening(
    client, world, open_round, second_round, now
):
    attempt = _take(open_round, world.person_a, now)
    body = _result(client, world.trainee, attempt)
    assert "第1轮（共2轮）：第一轮" in body
    assert "下一轮：第2轮 复赛（" in body and "开始）" in body
    assert f"/contests/mine/{open_round.contest_id}/#round-{second_round.pk}" in body
    # The way back names the contest, not the round.
    assert f"返回“{escape(open_round.contest.name)}”的全部轮次" in body
    assert "返回竞赛（第一轮）" not in body


def test_once_the_next_round_opens_the_result_says_it_is_open(
    client, world, open_round, second_round, now
):
    attempt = _take(open_round, world.person_a, now)
    # The clock moves on: the first round has closed and the second is open.
    ExamSession.objects.filter(pk=open_round.session_id).update(closes_at=now)
    ExamSession.objects.filter(pk=second_round.session_id).update(
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=1)
    )
    body = _result(client, world.trainee, attempt)
    assert "下一轮：第2轮 复赛（现在开放）" in body


def test_the_last_rounds_result_leads_only_back_to_the_contest(
    client, world, open_round, second_round, now
):
    ExamSession.objects.filter(pk=open_round.session_id).update(
        opens_at=now - dt.timedelta(hours=3), closes_at=now - dt.timedelta(hours=2)
    )
    ExamSession.objects.filter(pk=second_round.session_id).update(
        opens_at=now - dt.timedelta(minutes=30), closes_at=now + dt.timedelta(minutes=30)
    )
    second_round.refresh_from_db()
    attempt = _take(second_round, world.person_a, now)
    body = _result(client, world.trainee, attempt)
    assert "第2轮（共2轮）：复赛" in body
    assert 'id="next-round"' not in body
    assert "的全部轮次" in body


def test_the_contest_page_has_an_anchor_for_each_round(client, world, open_round, second_round):
    client.force_login(world.trainee)
    body = client.get(f"/contests/mine/{open_round.contest_id}/").content.decode()
    assert f'id="round-{open_round.pk}"' in body and f'id="round-{second_round.pk}"' in body


def test_the_daily_questions_result_names_the_contest(client, world, contest, now):
    attempt = daily_start(person=world.person_a, contest=contest, now=now)
    attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="", now=now)
    body = _result(client, world.trainee, attempt)
    assert f"返回竞赛（{escape(contest.name)}）" in body
    assert 'id="round-name"' not in body
