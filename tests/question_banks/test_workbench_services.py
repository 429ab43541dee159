"""The services behind the exam workbench: choosing candidates, seats, removing, closing early,
extra time on a running paper; each refused to a stranger and in a state that forbids it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from question_banks.models import Attempt, Candidate, ExamSession, PaperRule, PaperSection
from question_banks.services.attempts import attempt_start
from question_banks.services.candidates import (
    CandidateFilter,
    candidate_pool,
    candidate_remove,
    candidates_from_id_numbers,
)
from question_banks.services.rules import paper_rule_save
from question_banks.services.sessions import (
    candidate_grant,
    session_add_candidates,
    session_close,
    session_save,
)
from roster.choices import Role
from roster.models import AuditLog, RoleGrant, TrainingBody
from tests.factories import EmploymentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(rule, world, now):
    """An unpublished session of the trainer's, opening tomorrow, nobody on it."""
    return ExamSession.objects.create(
        code="D1",
        name="草稿场次",
        rule=rule,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1, hours=2),
        training_body=world.trainer_body,
        region=world.township_b,
    )


@pytest.fixture
def other_county_trainer(world):
    user = UserFactory(username="trainer_other")
    RoleGrant.objects.create(
        user=user, role=Role.TRAINER, region=world.other_county, training_body=world.trainer_body
    )
    return user


@pytest.fixture
def other_body_trainer(world):
    user = UserFactory(username="trainer_other_body")
    body = TrainingBody.objects.create(name="白石县培训学校", region=world.other_county)
    RoleGrant.objects.create(
        user=user, role=Role.TRAINER, region=world.township_b, training_body=body
    )
    return user


def test_pool_filters_within_the_trainers_roster_scope(world):
    welder = EmploymentFactory(enterprise=world.ent_b, post="电焊工", category="special_operator")
    EmploymentFactory(enterprise=world.ent_other, post="电焊工", category="special_operator")
    pool = candidate_pool(actor=world.trainer, choice=CandidateFilter(post="电焊"))
    assert list(pool) == [welder.person]
    by_category = candidate_pool(
        actor=world.trainer, choice=CandidateFilter(category="special_operator")
    )
    assert list(by_category) == [welder.person]


def test_pasted_ids_report_each_bad_line(world, draft):
    Candidate.objects.create(session=draft, person=world.person_b, seat=1)
    fresh = EmploymentFactory(enterprise=world.ent_b).person
    text = "\n".join(
        [
            fresh.id_number,
            "12345",
            "990102198506159999",  # right shape, wrong check digit
            world.person_other.id_number,  # another county: out of scope
            world.person_b.id_number,  # already on the list
            fresh.id_number,  # twice in the paste
            "",
        ]
    )
    people, problems = candidates_from_id_numbers(actor=world.trainer, session=draft, text=text)
    assert people == [fresh]
    assert [p.line for p in problems] == [2, 3, 4, 5, 6]
    assert "不在" in problems[2].reason or "scope" in problems[2].reason


def test_unknown_id_number_is_named_unknown(world, draft):
    from tests.factories import make_id_number

    _people, problems = candidates_from_id_numbers(
        actor=world.trainer, session=draft, text=make_id_number(seq=777)
    )
    assert len(problems) == 1 and problems[0].line == 1


def test_adding_gives_seats_in_order_and_leaves_a_removed_seat_empty(world, draft):
    a = EmploymentFactory(enterprise=world.ent_b).person
    b = EmploymentFactory(enterprise=world.ent_b).person
    session_add_candidates(session=draft, actor=world.trainer, people=[a, world.person_b])
    first = dict(draft.candidates.values_list("person_id", "seat"))
    assert sorted(first.values()) == [1, 2]
    candidate_remove(actor=world.trainer, candidate=draft.candidates.get(seat=1))
    session_add_candidates(session=draft, actor=world.trainer, people=[b])
    assert draft.candidates.get(person=b).seat == 3


def test_stranger_may_not_add_or_remove(world, draft, other_county_trainer, other_body_trainer):
    candidate = Candidate.objects.create(session=draft, person=world.person_b, seat=1)
    for stranger in (other_county_trainer, other_body_trainer, world.enterprise_admin):
        with pytest.raises(PermissionDenied):
            session_add_candidates(session=draft, actor=stranger, people=[world.person_b])
        with pytest.raises(PermissionDenied):
            candidate_remove(actor=stranger, candidate=candidate)
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_someone_who_started_cannot_be_removed(world, session, now):
    attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    candidate = session.candidates.get(person=world.person_a)
    with pytest.raises(ValidationError):
        candidate_remove(actor=world.trainer, candidate=candidate)
    assert Candidate.objects.filter(pk=candidate.pk).exists()


def test_removing_before_start_takes_the_paper_drawn_ahead(world, session):
    from question_banks.services.attempts import session_predraw

    session_predraw(session=session)
    candidate = session.candidates.get(person=world.person_a)
    candidate_remove(actor=world.trainer, candidate=candidate)
    assert not Attempt.objects.filter(session=session).exists()
    assert AuditLog.objects.filter(action="exam.candidate_remove").exists()


def test_closing_early_caps_running_papers_and_stops_starts(world, session, now):
    attempt = attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    later = now + dt.timedelta(minutes=5)
    session_close(session=session, actor=world.trainer, reason="停电", now=later)
    session.refresh_from_db()
    attempt.refresh_from_db()
    assert session.closes_at == later
    assert attempt.deadline == later
    assert AuditLog.objects.get(action="exam.session_close").summary == "停电"


def test_closing_needs_a_reason_and_the_owner(world, session, other_county_trainer):
    with pytest.raises(ValidationError):
        session_close(session=session, actor=world.trainer, reason=" ")
    with pytest.raises(PermissionDenied):
        session_close(session=session, actor=other_county_trainer, reason="停电")
    closes = session.closes_at
    session.refresh_from_db()
    assert session.closes_at == closes


def test_a_session_not_open_cannot_be_closed(world, draft):
    with pytest.raises(ValidationError):
        session_close(session=draft, actor=world.trainer, reason="取消")


def test_extra_time_moves_a_running_deadline(world, session, now):
    attempt = attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    before = attempt.deadline
    candidate = session.candidates.get(person=world.person_a)
    candidate_grant(candidate=candidate, actor=world.trainer, reason="视力障碍", extra_minutes=15)
    attempt.refresh_from_db()
    assert attempt.deadline == before + dt.timedelta(minutes=15)


def test_grant_by_a_stranger_is_refused(world, session, other_body_trainer):
    candidate = session.candidates.get(person=world.person_a)
    with pytest.raises(PermissionDenied):
        candidate_grant(candidate=candidate, actor=other_body_trainer, reason="x", extra_minutes=5)
    candidate.refresh_from_db()
    assert candidate.extra_minutes == 0


def test_a_new_session_gets_a_code_and_the_trainers_region(world, rule, now):
    session = session_save(
        actor=world.trainer,
        session=ExamSession(
            name="新场次",
            rule=rule,
            opens_at=now + dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=1, hours=1),
        ),
    )
    assert session.code.startswith("S")
    assert session.region == world.township_b
    assert session.training_body == world.trainer_body


def test_a_locked_session_field_is_refused(world, session):
    session.pass_mark = 50
    with pytest.raises(ValidationError) as caught:
        session_save(actor=world.trainer, session=session)
    assert "pass_mark" in caught.value.message_dict


def test_rule_shortage_names_its_section(world, bank):
    rule = PaperRule(bank=bank, name="太多判断题")
    rule.sections = [
        PaperSection(position=0, qtype="judge", points_each=1, easy_count=1),
        PaperSection(position=1, qtype="multiple", points_each=5, hard_count=9),
    ]
    with pytest.raises(ValidationError) as caught:
        paper_rule_save(actor=world.trainer, rule=rule)
    assert [e.params["section"] for e in caught.value.error_list] == [1]
    assert not PaperRule.objects.filter(name="太多判断题").exists()


def test_another_bodys_rule_is_refused(rule, other_body_trainer):
    rule.name = "改名"
    with pytest.raises(PermissionDenied):
        paper_rule_save(actor=other_body_trainer, rule=rule)
    rule.refresh_from_db()
    assert rule.name == "低压电工理论"
