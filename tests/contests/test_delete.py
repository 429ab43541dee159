"""Deleting a contest or a round: its organiser only, and only while nobody has started it;
afterwards refused in Chinese, nothing deleted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contests.models import Contest, ContestRound
from contests.services.contests import contest_delete, contest_round_delete, contest_round_save
from contests.services.playing import contest_round_join
from question_banks.models import Attempt, ExamSession, PaperRule
from question_banks.services.attempts import attempt_start
from tests.contests.conftest import round_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def later_round(world, contest, contest_bank, now):
    return contest_round_save(
        actor=world.regulator_county,
        contest=contest,
        data=round_data(contest_bank, now + dt.timedelta(days=2), title="复赛"),
        now=now,
    )


def test_a_round_nobody_started_goes_with_its_session_and_rule(world, later_round):
    session_id, rule_id = later_round.session_id, later_round.session.rule_id
    contest_round_delete(actor=world.regulator_county, round=later_round)
    assert not ContestRound.objects.filter(pk=later_round.pk).exists()
    assert not ExamSession.objects.filter(pk=session_id).exists()
    assert not PaperRule.objects.filter(pk=rule_id).exists()


def test_an_entered_but_unstarted_round_may_still_go(world, open_round):
    contest_round_join(person=world.person_a, round=open_round)  # draws the paper ahead
    assert Attempt.objects.filter(session=open_round.session, status="ready").exists()
    contest_round_delete(actor=world.regulator_county, round=open_round)
    assert not ContestRound.objects.filter(pk=open_round.pk).exists()


def test_a_started_round_is_refused_and_kept(world, open_round):
    contest_round_join(person=world.person_a, round=open_round)
    attempt_start(session=open_round.session, person=world.person_a, client_id="t")
    with pytest.raises(ValidationError) as refused:
        contest_round_delete(actor=world.regulator_county, round=open_round)
    assert "不能再删除" in " ".join(refused.value.messages) or "no longer" in str(refused.value)
    assert ContestRound.objects.filter(pk=open_round.pk).exists()
    with pytest.raises(ValidationError):
        contest_delete(actor=world.regulator_county, contest=open_round.contest)
    assert Contest.objects.filter(pk=open_round.contest_id).exists()


def test_a_contest_nobody_took_part_in_goes_with_its_rounds(world, contest, later_round):
    daily_rule_id = contest.daily_rule_id
    contest_delete(actor=world.regulator_county, contest=contest)
    assert not Contest.objects.filter(pk=contest.pk).exists()
    assert not ContestRound.objects.filter(pk=later_round.pk).exists()
    assert not PaperRule.objects.filter(pk=daily_rule_id).exists()


def test_only_the_organiser_deletes(world, contest, later_round):
    for stranger in (world.enterprise_admin, world.trainee):
        with pytest.raises(PermissionDenied):
            contest_round_delete(actor=stranger, round=later_round)
        with pytest.raises(PermissionDenied):
            contest_delete(actor=stranger, contest=contest)
    assert ContestRound.objects.filter(pk=later_round.pk).exists()


def test_the_refusal_shows_on_the_page_in_chinese(client, world, open_round):
    contest_round_join(person=world.person_a, round=open_round)
    attempt_start(session=open_round.session, person=world.person_a, client_id="t")
    client.force_login(world.regulator_county)
    url = f"/contests/{open_round.contest_id}/rounds/{open_round.pk}/delete/"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 409
    assert "已有选手开始作答本轮，不能再删除" in response.content.decode()
    assert ContestRound.objects.filter(pk=open_round.pk).exists()
    later = client.post(
        f"/contests/{open_round.contest_id}/delete/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert later.status_code == 409 and "已有人员参加本竞赛" in later.content.decode()
