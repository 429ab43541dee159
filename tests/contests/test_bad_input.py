"""Contests' bad input beyond what test_services covers: rounds that only touch are not an
overlap, an edit that would overlap is refused, daily questions asking more than the bank
holds, and questions taken out of use after a paper was set (a round's: refused; the daily
questions': the contestant is told in Chinese and nothing is written)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from contests.models import Contest, ContestRound, DailySet
from contests.services.contests import ContestData, Part, contest_round_save, contest_save
from contests.services.playing import ContestError, contest_round_join, daily_start
from question_banks.models import Attempt, PaperRule, Question
from question_banks.services.questions import questions_set_active

from .conftest import round_data

pytestmark = pytest.mark.django_db


def test_a_round_starting_as_another_closes_is_no_overlap(world, contest, contest_bank, now):
    first = round_data(contest_bank, now + dt.timedelta(hours=1), minutes=60)
    contest_round_save(actor=world.regulator_county, contest=contest, data=first, now=now)
    second = round_data(contest_bank, first.closes_at, title="第二轮")
    contest_round_save(actor=world.regulator_county, contest=contest, data=second, now=now)
    assert ContestRound.objects.count() == 2


def test_an_edit_that_would_overlap_is_refused_and_the_round_kept(
    world, contest, contest_bank, now
):
    start = now + dt.timedelta(hours=1)
    contest_round_save(
        actor=world.regulator_county, contest=contest, data=round_data(contest_bank, start), now=now
    )
    later = contest_round_save(
        actor=world.regulator_county,
        contest=contest,
        data=round_data(contest_bank, start + dt.timedelta(hours=2), title="第二轮"),
        now=now,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            round=later,
            data=round_data(contest_bank, start + dt.timedelta(minutes=30), title="第二轮"),
            now=now,
        )
    message = caught.value.message_dict["opens_at"][0]
    assert "重叠" in message and "第一轮" in message
    later.refresh_from_db()
    assert later.session.opens_at == start + dt.timedelta(hours=2)


def test_another_contests_round_at_the_same_time_is_no_clash(world, contest, contest_bank, now):
    start = now + dt.timedelta(hours=1)
    contest_round_save(
        actor=world.regulator_county, contest=contest, data=round_data(contest_bank, start), now=now
    )
    other = contest_save(
        actor=world.regulator_county,
        data=ContestData(
            name="安全生产月竞赛", organiser_region=world.county, organiser_enterprise=None
        ),
    )
    contest_round_save(
        actor=world.regulator_county, contest=other, data=round_data(contest_bank, start), now=now
    )
    assert ContestRound.objects.count() == 2


def test_daily_questions_asking_more_than_the_bank_holds_are_refused(world, contest_bank):
    rules = PaperRule.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        contest_save(
            actor=world.regulator_county,
            data=ContestData(
                name="每日一练",
                organiser_region=world.county,
                organiser_enterprise=None,
                daily_bank=contest_bank,
                daily_parts=(Part("judge", 13, Decimal(1)),),
            ),
        )
    message = caught.value.message_dict["daily_count_judge"][0]
    assert "12" in message and "13" in message
    assert not Contest.objects.exists() and PaperRule.objects.count() == rules


def test_retiring_questions_a_round_needs_is_refused(world, open_round, contest_bank):
    # The round draws 5 judge questions from the bank's 12: retiring 8 leaves 4.
    judges = list(contest_bank.questions.filter(qtype="judge").values_list("pk", flat=True))[:8]
    with pytest.raises(ValidationError) as caught:
        questions_set_active(actor=world.system_admin, question_ids=judges, active=False)
    assert open_round.session.rule.name in " ".join(caught.value.messages)
    assert Question.objects.filter(pk__in=judges, is_active=True).count() == 8


def test_daily_questions_short_of_questions_are_refused_in_chinese(world, contest, now):
    # The daily rule (3 judge questions) has no session: nothing guards it when the bank's
    # questions are taken out of use, so the draw itself must say why it cannot be done.
    Question.objects.filter(bank=contest.daily_rule.bank, qtype="judge").update(is_active=False)
    with translation.override("zh-hans"), pytest.raises(ContestError) as caught:
        daily_start(person=world.person_a, contest=contest, now=now)
    assert caught.value.code == "pool_short"
    assert "现在无法组卷" in caught.value.message
    assert not DailySet.objects.exists() and not Attempt.objects.exists()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.trainee)
    page = client.post(f"/contests/mine/{contest.pk}/daily/", follow=True)
    assert page.status_code == 200 and "现在无法组卷" in page.content.decode()


def test_a_round_short_of_questions_at_entry_is_refused_and_nobody_listed(world, open_round, now):
    Question.objects.filter(bank=open_round.session.rule.bank).update(is_active=False)
    with translation.override("zh-hans"), pytest.raises(ContestError) as caught:
        contest_round_join(person=world.person_a, round=open_round, now=now)
    assert caught.value.code == "pool_short" and "竞赛组织者" in caught.value.message
    assert not open_round.session.candidates.exists()
    assert not Attempt.objects.exists()
