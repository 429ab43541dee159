import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from contests.services.contests import (
    ContestData,
    Part,
    RoundData,
    contest_round_save,
    contest_save,
)
from question_banks.models import Candidate, ExamSession, PaperRule, PaperSection, QuestionBank
from tests.question_banks.conftest import add_question


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def contest_bank(world):
    """The county training centre's bank, opened to the county's enterprises."""
    bank = QuestionBank.objects.create(
        code="AQ", name="安全生产知识", training_body=world.trainer_body, open_to_enterprises=True
    )
    for difficulty in (1, 2, 3):
        for _ in range(4):
            add_question(bank, "judge", difficulty, correct=("A",))
            add_question(bank, "single", difficulty, correct=("B",))
    return bank


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def round_data(
    bank, opens_at, *, minutes=60, title="第一轮", kind="timed", single=5, judge=5, top=0
):
    return RoundData(
        title=title,
        kind=kind,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(minutes=minutes),
        duration_minutes=10,
        attempts_allowed=2,
        bank=bank,
        parts=(Part("single", single, Decimal(10)), Part("judge", judge, Decimal(10))),
        final_top_n=top,
    )


@pytest.fixture
def contest(world, contest_bank):
    return contest_save(
        actor=world.regulator_county,
        data=ContestData(
            name='2027年"安康杯"安全知识竞赛',
            organiser_region=world.county,
            organiser_enterprise=None,
            daily_bank=contest_bank,
            daily_parts=(Part("judge", 3, Decimal(1)),),
        ),
    )


@pytest.fixture
def open_round(world, contest, contest_bank, now):
    """A round open now (made before it opened, then its window moved to now)."""
    round = contest_round_save(
        actor=world.regulator_county,
        contest=contest,
        data=round_data(contest_bank, now + dt.timedelta(minutes=5)),
        now=now,
    )
    session = round.session
    session.opens_at = now - dt.timedelta(minutes=30)
    session.closes_at = now + dt.timedelta(minutes=30)
    session.save()
    return round


def ordinary_exam_session(
    world, bank, now, *, code: str, name: str, rule_name: str = ""
) -> ExamSession:
    """An ordinary exam session (not a contest's round) of the same bank, open now, with
    person_a on its list: four 判断 of 10 points, pass 30."""
    rule = PaperRule.objects.create(
        code=f"{code}-R",
        name=rule_name or name,
        bank=bank,
        duration_minutes=30,
        pass_mark=Decimal(30),
    )
    PaperSection.objects.create(
        rule=rule, position=0, qtype="judge", points_each=Decimal(10), medium_count=4
    )
    session = ExamSession.objects.create(
        code=code,
        name=name,
        rule=rule,
        is_published=True,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        training_body=world.trainer_body,
        region=world.township_b,
    )
    Candidate.objects.create(session=session, person=world.person_a)
    return session
