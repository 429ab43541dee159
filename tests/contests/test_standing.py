"""A contest attempt has no pass mark: its contestant sees the score and the rank in the
round, never 合格 / 不合格, on the result page and in the training file."""

import pytest

from tests.contests.test_views import _take

pytestmark = pytest.mark.django_db


def test_the_result_page_shows_the_rank_not_a_verdict(client, world, open_round, now):
    _take(open_round, world.person_b, now)
    attempt = _take(open_round, world.person_a, now)
    client.force_login(world.trainee)
    page = client.get(f"/exams/attempt/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200, page
    body = page.content.decode()
    assert "合格" not in body  # neither 合格 nor 不合格
    assert "本轮第" in body and "共 2 人" in body
    assert f"/contests/mine/{open_round.contest_id}/" in body


def test_the_training_file_lists_a_round_under_contests_only(client, world, open_round, now):
    _take(open_round, world.person_a, now)
    client.force_login(world.enterprise_admin)
    page = client.get(f"/courses/file/{world.person_a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = page.content.decode()
    assert "知识竞赛" in body
    assert open_round.session.name not in body  # not among the exams, with a verdict
