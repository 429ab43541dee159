"""Contests' services: who may organise and change what, rounds refused for bad input, the
exam engine's fairness rules on a round, standings written with the grade."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contests.models import Contest, ContestEntry, ContestRound, ContestRoundScore, DailySet
from contests.selectors import leaderboard, person_rank
from contests.services.contests import ContestData, contest_round_save, contest_save
from contests.services.playing import ContestError, contest_round_join, daily_start
from contests.services.scope import contest_get_managed, contests_for_person, eligible_employments
from question_banks.models import Attempt, ExamSession, PaperRule
from question_banks.services.attempts import ExamError, answers_save, attempt_start, attempt_submit
from question_banks.services.review import attempt_review_access

from .conftest import round_data

pytestmark = pytest.mark.django_db


def _answer_all(attempt, client="tab-1", right=True, now=None):
    answers = []
    for seq, item in enumerate(attempt.items.select_related("version"), start=1):
        keys = [o["key"] for o in item.version.options if o.get("correct") == right][:1]
        answers.append({"position": item.position, "answer": keys, "seq": seq})
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id=client, answers=answers, now=now
    )


def _take(round, person, *, right=True, now=None):
    contest_round_join(person=person, round=round, now=now)
    attempt = attempt_start(session=round.session, person=person, client_id="tab-1", now=now)
    _answer_all(attempt, right=right, now=now)
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now)


# ---------------------------------------------------------------- organising


def test_a_county_regulator_organises_for_the_county_only(world, contest):
    people = set(eligible_employments(contest).values_list("person_id", flat=True))
    assert people == {world.person_a.pk, world.person_a_chem.pk, world.person_b.pk}
    assert contest in contests_for_person(world.person_a)
    assert contest not in contests_for_person(world.person_other)


def test_another_county_regulator_cannot_change_the_contest(world, contest):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    other = UserFactory(username="reg_other")
    RoleGrant.objects.create(user=other, role=Role.REGULATOR, region=world.other_county)
    with pytest.raises(Contest.DoesNotExist):
        contest_get_managed(actor=other, pk=contest.pk)
    with pytest.raises(PermissionDenied):
        contest_save(
            actor=other,
            contest=contest,
            data=ContestData(
                name="改名", organiser_region=world.other_county, organiser_enterprise=None
            ),
        )
    contest.refresh_from_db()
    assert contest.name.startswith("2027")


def test_a_regulator_cannot_organise_for_another_county(world):
    with pytest.raises(PermissionDenied):
        contest_save(
            actor=world.regulator_county,
            data=ContestData(
                name="越界", organiser_region=world.other_county, organiser_enterprise=None
            ),
        )
    assert not Contest.objects.exists()


def test_an_industry_limited_regulator_organises_only_for_its_industry(world):
    from roster.models import Industry

    with pytest.raises(PermissionDenied):
        contest_save(
            actor=world.regulator_township_chem,
            data=ContestData(
                name="全行业", organiser_region=world.township_a, organiser_enterprise=None
            ),
        )
    chem = Industry.objects.get(code="03")
    contest = contest_save(
        actor=world.regulator_township_chem,
        data=ContestData(
            name="危化竞赛",
            organiser_region=world.township_a,
            organiser_enterprise=None,
            industries=(chem,),
        ),
    )
    people = set(eligible_employments(contest).values_list("person_id", flat=True))
    assert people == {world.person_a_chem.pk}


def test_an_enterprise_admin_organises_for_their_own_enterprise_only(world):
    contest = contest_save(
        actor=world.enterprise_admin,
        data=ContestData(name="厂内竞赛", organiser_region=None, organiser_enterprise=world.ent_a),
    )
    assert set(eligible_employments(contest).values_list("person_id", flat=True)) == {
        world.person_a.pk
    }
    with pytest.raises(PermissionDenied):
        contest_save(
            actor=world.enterprise_admin,
            data=ContestData(
                name="别人的厂", organiser_region=None, organiser_enterprise=world.ent_b
            ),
        )


# ---------------------------------------------------------------- rounds: bad input


def test_a_round_is_an_exam_session_of_purpose_contest(open_round):
    session = open_round.session
    assert session.purpose == ExamSession.Purpose.CONTEST
    assert session.show_answers == ExamSession.ResultPolicy.AFTER_CLOSE
    assert session.closes_practice is True
    assert sum(s.count for s in session.rule.sections.all()) == 10


def test_overlapping_rounds_are_refused_and_nothing_is_written(world, contest, contest_bank, now):
    start = now + dt.timedelta(hours=1)
    contest_round_save(
        actor=world.regulator_county, contest=contest, data=round_data(contest_bank, start), now=now
    )
    rules, sessions = PaperRule.objects.count(), ExamSession.objects.count()
    with pytest.raises(ValidationError) as caught:
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            data=round_data(contest_bank, start + dt.timedelta(minutes=30), title="第二轮"),
            now=now,
        )
    assert "opens_at" in caught.value.message_dict
    assert "第一轮" in caught.value.message_dict["opens_at"][0]
    assert (PaperRule.objects.count(), ExamSession.objects.count()) == (rules, sessions)
    assert ContestRound.objects.count() == 1


def test_drawing_more_than_the_source_holds_is_refused_with_counts(
    world, contest, contest_bank, now
):
    rules = PaperRule.objects.count()
    with pytest.raises(ValidationError) as caught:
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            data=round_data(contest_bank, now + dt.timedelta(hours=1), single=13),
            now=now,
        )
    message = caught.value.message_dict["count_single"][0]
    assert "12" in message and "13" in message
    assert PaperRule.objects.count() == rules
    assert not ContestRound.objects.exists()


def test_a_category_narrows_the_source(world, contest, contest_bank, now):
    from question_banks.models import Category

    category = Category.objects.create(bank=contest_bank, name="消防")
    q = contest_bank.questions.filter(qtype="single").first()
    q.category = category
    q.save()
    data = round_data(contest_bank, now + dt.timedelta(hours=1), single=2, judge=0)
    data = data.__class__(**{**data.__dict__, "categories": (category,)})
    with pytest.raises(ValidationError) as caught:
        contest_round_save(actor=world.regulator_county, contest=contest, data=data, now=now)
    assert "1" in caught.value.message_dict["count_single"][0]


def test_a_bank_the_contest_may_not_use_is_refused(world, contest, now):
    from question_banks.models import QuestionBank

    foreign = QuestionBank.objects.create(code="X", name="别人的题库", enterprise=world.ent_other)
    with pytest.raises(PermissionDenied):
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            data=round_data(foreign, now + dt.timedelta(hours=1)),
            now=now,
        )


def test_a_round_that_has_opened_cannot_change(world, contest, open_round, contest_bank, now):
    with pytest.raises(ValidationError):
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            round=open_round,
            data=round_data(contest_bank, now + dt.timedelta(days=1), title="改"),
            now=now,
        )


# ---------------------------------------------------------------- taking part


def test_a_submission_is_on_the_leaderboard_with_score_then_time(world, open_round, now):
    later = now + dt.timedelta(minutes=3)
    _take(open_round, world.person_a, right=True, now=now)
    _take(open_round, world.person_b, right=True, now=later)
    _take(open_round, world.person_a_chem, right=False, now=now)
    rows = leaderboard(contest=open_round.contest, board="person")
    assert [r.person_id for r in rows][:2] == [world.person_a.pk, world.person_b.pk] or [
        r.person_id for r in rows
    ][:2] == [world.person_b.pk, world.person_a.pk]
    assert rows[0].score == Decimal(100)
    assert rows[-1].person_id == world.person_a_chem.pk
    entry, rank = person_rank(contest=open_round.contest, person_id=world.person_a_chem.pk)
    assert rank == 3 and entry.rounds_taken == 1


def test_ties_are_broken_by_time_taken(world, open_round, now):
    for person, minutes in ((world.person_a, 5), (world.person_b, 2)):
        contest_round_join(person=person, round=open_round, now=now)
        attempt = attempt_start(session=open_round.session, person=person, client_id="t", now=now)
        _answer_all(attempt, client="t", now=now)
        attempt_submit(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="t",
            now=now + dt.timedelta(minutes=minutes),
        )
    rows = leaderboard(contest=open_round.contest, board="person")
    assert [r.person_id for r in rows] == [world.person_b.pk, world.person_a.pk]


def test_the_best_attempt_of_a_round_counts(world, open_round, now):
    _take(open_round, world.person_a, right=False, now=now)
    _take(open_round, world.person_a, right=True, now=now)
    score = ContestRoundScore.objects.get(person=world.person_a)
    assert score.score == Decimal(100)
    assert ContestEntry.objects.get(person=world.person_a).score == Decimal(100)


def test_someone_outside_the_contest_cannot_enter(world, open_round, now):
    with pytest.raises(ContestError):
        contest_round_join(person=world.person_other, round=open_round, now=now)
    assert not open_round.session.candidates.filter(person=world.person_other).exists()


def test_a_round_cannot_be_entered_after_it_closes(world, open_round, now):
    with pytest.raises(ContestError) as caught:
        contest_round_join(person=world.person_a, round=open_round, now=now + dt.timedelta(hours=2))
    assert caught.value.code == "closed"


def test_a_late_answer_is_refused_by_the_servers_clock(world, open_round, now):
    contest_round_join(person=world.person_a, round=open_round, now=now)
    attempt = attempt_start(
        session=open_round.session, person=world.person_a, client_id="t", now=now
    )
    item = attempt.items.first()
    with pytest.raises(ExamError) as caught:
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="t",
            answers=[{"position": item.position, "answer": ["A"], "seq": 1}],
            now=now + dt.timedelta(minutes=11),
        )
    assert caught.value.code == "deadline"
    item.refresh_from_db()
    assert item.answer is None
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED  # graded with what was saved
    assert ContestEntry.objects.get(person=world.person_a).score == Decimal(0)


def test_a_second_device_is_refused(world, open_round, now):
    contest_round_join(person=world.person_a, round=open_round, now=now)
    attempt = attempt_start(
        session=open_round.session, person=world.person_a, client_id="phone", now=now
    )
    with pytest.raises(ExamError) as caught:
        attempt_start(session=open_round.session, person=world.person_a, client_id="pc", now=now)
    assert caught.value.code == "other_client"
    item = attempt.items.first()
    with pytest.raises(ExamError):
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="pc",
            answers=[{"position": item.position, "answer": ["A"], "seq": 1}],
            now=now,
        )
    item.refresh_from_db()
    assert item.answer is None


def test_answer_keys_show_only_after_the_round_closes(world, open_round, now):
    attempt = _take(open_round, world.person_a, now=now)
    assert not attempt_review_access(attempt=attempt, now=now).show_answers
    later = open_round.session.closes_at + dt.timedelta(seconds=1)
    assert attempt_review_access(attempt=attempt, now=later).show_answers


def test_the_final_is_open_only_to_the_best_n(world, contest, open_round, contest_bank, now):
    _take(open_round, world.person_a, right=True, now=now)
    _take(open_round, world.person_b, right=False, now=now)
    final = contest_round_save(
        actor=world.regulator_county,
        contest=contest,
        data=round_data(
            contest_bank,
            open_round.session.closes_at + dt.timedelta(hours=1),
            title="决赛",
            kind="final",
            top=1,
        ),
        now=now,
    )
    during = final.session.opens_at + dt.timedelta(minutes=1)
    contest_round_join(person=world.person_a, round=final, now=during)
    with pytest.raises(ContestError) as caught:
        contest_round_join(person=world.person_b, round=final, now=during)
    assert caught.value.code == "not_finalist"


def test_a_final_needs_an_earlier_round(world, contest, contest_bank, now):
    with pytest.raises(ValidationError) as caught:
        contest_round_save(
            actor=world.regulator_county,
            contest=contest,
            data=round_data(contest_bank, now + dt.timedelta(hours=1), kind="final", top=3),
            now=now,
        )
    assert "kind" in caught.value.message_dict


# ---------------------------------------------------------------- daily questions


def test_daily_questions_count_the_streak(world, contest, now):
    yesterday = now - dt.timedelta(days=1)
    for when in (yesterday, now):
        attempt = daily_start(person=world.person_a, contest=contest, now=when)
        _answer_all(attempt, client="", now=when)
        attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="", now=when)
    entry = ContestEntry.objects.get(person=world.person_a)
    assert (entry.daily_days, entry.streak, entry.daily_correct) == (2, 2, 6)
    assert DailySet.objects.filter(person=world.person_a).count() == 2


def test_one_daily_set_a_day(world, contest, now):
    attempt = daily_start(person=world.person_a, contest=contest, now=now)
    assert daily_start(person=world.person_a, contest=contest, now=now) == attempt
    attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="", now=now)
    with pytest.raises(ContestError) as caught:
        daily_start(person=world.person_a, contest=contest, now=now)
    assert caught.value.code == "done_today"


def test_daily_questions_pause_while_a_round_on_their_bank_is_held(world, open_round, now):
    with pytest.raises(ContestError) as caught:
        daily_start(person=world.person_a, contest=open_round.contest, now=now)
    assert caught.value.code == "round_held"
    assert not DailySet.objects.exists()
