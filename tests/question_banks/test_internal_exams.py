"""An enterprise's own exams: ownership per object, the simple paper, candidates, publishing,
and the 三违 return exam (recording a 三违 enrols the person at once; passing lets them return)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.models import ViolationRetraining
from courses.services.records import (
    RecordError,
    violation_passed,
    violation_record,
    violation_return,
)
from question_banks.models import Attempt, Candidate, ExamSession, PaperRule, QuestionBank
from question_banks.selectors import session_results, sessions_for_person
from question_banks.services.attempts import ExamError, session_start_check
from question_banks.services.internal_exams import (
    CandidateChoice,
    InternalExamData,
    PaperPart,
    internal_banks,
    internal_exam_add_candidates,
    internal_exam_create,
    internal_exam_get,
    internal_exam_publish,
    return_exam_open,
)
from roster.choices import PersonnelCategory, Role
from roster.models import Department, RoleGrant
from tests.factories import EmploymentFactory, UserFactory
from tests.question_banks.conftest import add_question

pytestmark = pytest.mark.django_db


def own_bank(enterprise, code="NB1"):
    bank = QuestionBank.objects.create(code=code, name="全员安全知识", enterprise=enterprise)
    for difficulty in (1, 2, 3):
        for _ in range(3):
            add_question(bank, "judge", difficulty, correct=("A",))
            add_question(bank, "single", difficulty, correct=("B",))
    return bank


def exam_data(bank, purpose=ExamSession.Purpose.ALL_STAFF, **changes):
    now = timezone.now()
    values = dict(
        name="2026年全员安全考试",
        purpose=purpose,
        bank=bank,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(days=7),
        duration_minutes=30,
        pass_mark=Decimal(60),
        attempts_allowed=2,
        parts=(PaperPart("single", 4, Decimal(10)), PaperPart("judge", 6, Decimal(10))),
    )
    values.update(changes)
    return InternalExamData(**values)


@pytest.fixture
def admin_b(world):
    user = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=user, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    return user


@pytest.fixture
def bank(world):
    return own_bank(world.ent_a)


def published_exam(world, bank, purpose=ExamSession.Purpose.ALL_STAFF):
    session = internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank, purpose)
    )
    if purpose != ExamSession.Purpose.VIOLATION_RETURN:
        internal_exam_add_candidates(
            actor=world.enterprise_admin, session=session, choice=CandidateChoice(everyone=True)
        )
    return internal_exam_publish(actor=world.enterprise_admin, session=session)


def pass_exam(person, session, when=None, number=1):
    return Attempt.objects.create(
        person=person,
        session=session,
        rule=session.rule,
        number=number,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        finished_at=when or timezone.now(),
        score=Decimal(100),
        passed=True,
    )


# ---------------------------------------------------------------- making an exam


def test_an_enterprise_admin_makes_and_publishes_an_all_staff_exam(world, bank):
    session = published_exam(world, bank)

    assert session.enterprise == world.ent_a
    assert session.purpose == ExamSession.Purpose.ALL_STAFF
    assert session.rule.enterprise == world.ent_a
    assert [(s.qtype, s.count) for s in session.rule.sections.all()] == [
        ("single", 4),
        ("judge", 6),
    ]
    assert set(session.candidates.values_list("person", flat=True)) == {world.person_a.pk}
    assert [c.session for c in sessions_for_person(user=world.trainee)] == [session]


def test_a_simple_paper_spreads_each_type_over_the_difficulties_the_bank_has(world, bank):
    session = internal_exam_create(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        data=exam_data(bank, parts=(PaperPart("judge", 7, Decimal(5)),)),
    )
    section = session.rule.sections.get()
    assert (section.easy_count, section.medium_count, section.hard_count) in {
        (3, 2, 2),
        (2, 3, 2),
        (2, 2, 3),
    }


def test_more_questions_than_the_bank_has_is_refused_and_nothing_is_written(world, bank):
    with pytest.raises(ValidationError) as refused:
        internal_exam_create(
            actor=world.enterprise_admin,
            enterprise=world.ent_a,
            data=exam_data(bank, parts=(PaperPart("single", 50, Decimal(2)),)),
        )
    assert "count_single" in refused.value.message_dict
    assert not ExamSession.objects.exists()
    assert not PaperRule.objects.exists()


def test_another_enterprises_admin_cannot_make_an_exam_for_it(world, bank, admin_b):
    with pytest.raises(PermissionDenied):
        internal_exam_create(actor=admin_b, enterprise=world.ent_a, data=exam_data(bank))
    assert not ExamSession.objects.exists()


def test_another_enterprises_bank_is_refused(world, admin_b):
    theirs = own_bank(world.ent_b, code="NB-B")
    with pytest.raises(PermissionDenied):
        internal_exam_create(
            actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(theirs)
        )
    assert not PaperRule.objects.exists()


def test_a_county_bodys_bank_is_shared_with_the_countys_enterprises_only_when_opened(world):
    body_bank = own_bank(None, code="TB1")
    body_bank.training_body = world.trainer_body
    body_bank.enterprise = None
    body_bank.save()
    assert body_bank not in internal_banks(enterprise=world.ent_a)

    body_bank.open_to_enterprises = True
    body_bank.save()

    assert body_bank in internal_banks(enterprise=world.ent_a)
    assert body_bank not in internal_banks(enterprise=world.ent_other)  # another county
    session = internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(body_bank)
    )
    assert session.rule.bank == body_bank and session.rule.enterprise == world.ent_a


def test_the_bodys_own_rule_on_a_shared_bank_may_be_used(world):
    body_bank = own_bank(None, code="TB2")
    QuestionBank.objects.filter(pk=body_bank.pk).update(
        enterprise=None, training_body=world.trainer_body, open_to_enterprises=True
    )
    body_bank.refresh_from_db()
    rule = PaperRule.objects.create(code="TB2-R", name="机构规则", bank=body_bank)
    rule.sections.create(qtype="judge", points_each=Decimal(10), easy_count=2)
    session = internal_exam_create(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        data=exam_data(body_bank, rule=rule),
    )
    assert session.rule == rule


def test_a_stranger_cannot_see_or_change_an_internal_exam(world, bank, admin_b):
    session = published_exam(world, bank)
    with pytest.raises(ExamSession.DoesNotExist):
        internal_exam_get(actor=admin_b, code=session.code)
    with pytest.raises(ExamSession.DoesNotExist):
        internal_exam_get(actor=world.trainer, code=session.code)
    with pytest.raises(PermissionDenied):
        internal_exam_add_candidates(
            actor=admin_b, session=session, choice=CandidateChoice(everyone=True)
        )
    with pytest.raises(PermissionDenied):
        internal_exam_publish(actor=admin_b, session=session)


def test_people_of_another_enterprise_cannot_be_picked(world, bank):
    session = internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank)
    )
    with pytest.raises(PermissionDenied):
        internal_exam_add_candidates(
            actor=world.enterprise_admin,
            session=session,
            choice=CandidateChoice(people=(world.person_a, world.person_b)),
        )
    assert not Candidate.objects.exists()


def test_candidates_by_department_and_category(world, bank):
    workshop = Department.objects.create(enterprise=world.ent_a, name="一车间")
    welder = EmploymentFactory(
        enterprise=world.ent_a,
        department=workshop,
        post="焊工",
        category=PersonnelCategory.SPECIAL_OPERATOR,
    ).person
    EmploymentFactory(enterprise=world.ent_a, department=workshop, post="仓管")
    session = internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank)
    )

    added = internal_exam_add_candidates(
        actor=world.enterprise_admin,
        session=session,
        choice=CandidateChoice(
            department_ids=(workshop.pk,), categories=(PersonnelCategory.SPECIAL_OPERATOR,)
        ),
    )

    assert added == 1
    assert list(session.candidates.values_list("person", flat=True)) == [welder.pk]


def test_an_empty_choice_says_so(world, bank):
    session = internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank)
    )
    with pytest.raises(ValidationError) as refused:
        internal_exam_add_candidates(
            actor=world.enterprise_admin, session=session, choice=CandidateChoice()
        )
    assert "who" in refused.value.message_dict


# ---------------------------------------------------------------- 三违


def record_violation(world, exam_session=None):
    return violation_record(
        person=world.person_a,
        enterprise=world.ent_a,
        violation="违章操作",
        off_job_from=timezone.localdate(),
        exam_session=exam_session,
        actor=world.enterprise_admin,
    )


def test_recording_a_violation_puts_the_person_on_the_return_exam_at_once(world, bank):
    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)
    assert not return_exam.candidates.exists()

    violation = record_violation(world)

    assert violation.exam_session == return_exam
    assert return_exam.candidates.filter(person=world.person_a).exists()
    assert [c.session for c in sessions_for_person(user=world.trainee)] == [return_exam]


def test_without_a_return_exam_the_violation_waits_and_the_next_one_enrols_it(world, bank):
    assert return_exam_open(enterprise=world.ent_a) is None
    violation = record_violation(world)
    assert violation.exam_session is None

    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)

    violation.refresh_from_db()
    assert violation.exam_session == return_exam
    assert return_exam.candidates.filter(person=world.person_a).exists()


def test_passing_the_return_exam_lets_the_person_return(world, bank):
    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)
    violation = record_violation(world)
    with pytest.raises(RecordError):
        violation_return(violation=violation, actor=world.enterprise_admin, on=timezone.localdate())

    pass_exam(world.person_a, return_exam)

    assert violation_passed(violation)
    violation_return(violation=violation, actor=world.enterprise_admin, on=timezone.localdate())
    assert ViolationRetraining.objects.get(pk=violation.pk).returned_on == timezone.localdate()


def test_a_pass_before_the_violation_does_not_count(world, bank):
    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)
    pass_exam(world.person_a, return_exam, when=timezone.now() - dt.timedelta(days=30))
    violation = record_violation(world, exam_session=return_exam)
    assert not violation_passed(violation)


def test_a_second_violation_after_passing_the_return_exam_needs_a_new_pass(world, bank):
    """The standing return exam, passed after a first 三违: a second 三违 (the same day)
    puts the person back on it with their attempts counted afresh; they see they must pass
    again, the admin sees it on the exam's list, and only the new pass lets them return."""
    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)
    first = record_violation(world)
    pass_exam(world.person_a, return_exam)
    violation_return(violation=first, actor=world.enterprise_admin, on=timezone.localdate())
    with pytest.raises(ExamError) as refused:
        session_start_check(session=return_exam, person=world.person_a, now=timezone.now())
    assert refused.value.code == "passed"

    second = record_violation(world)

    assert second.exam_session == return_exam
    assert not violation_passed(second)
    check = session_start_check(session=return_exam, person=world.person_a, now=timezone.now())
    assert (check.attempts_used, check.next_number) == (0, 2)
    [mine] = sessions_for_person(user=world.trainee)
    assert mine.session == return_exam and mine.retake
    [row] = session_results(session=return_exam, user=world.enterprise_admin)
    assert row["state"] == "not_started" and row["retake_since"] is not None
    with pytest.raises(RecordError):
        violation_return(violation=second, actor=world.enterprise_admin, on=timezone.localdate())

    pass_exam(world.person_a, return_exam, number=2)

    assert violation_passed(second)
    [mine] = sessions_for_person(user=world.trainee)
    assert not mine.retake
    [row] = session_results(session=return_exam, user=world.enterprise_admin)
    assert row["state"] == "passed"
    violation_return(violation=second, actor=world.enterprise_admin, on=timezone.localdate())


def test_another_enterprises_exam_cannot_be_linked(world, admin_b):
    theirs = own_bank(world.ent_b, code="NB-B")
    session = internal_exam_create(actor=admin_b, enterprise=world.ent_b, data=exam_data(theirs))
    with pytest.raises(RecordError):
        record_violation(world, exam_session=session)
    assert not ViolationRetraining.objects.exists()
    assert not session.candidates.exists()


def test_the_person_and_the_admin_see_that_a_second_violation_needs_a_new_pass(world, bank):
    from django.test import Client
    from django.urls import reverse

    return_exam = published_exam(world, bank, ExamSession.Purpose.VIOLATION_RETURN)
    first = record_violation(world)
    pass_exam(world.person_a, return_exam)
    violation_return(violation=first, actor=world.enterprise_admin, on=timezone.localdate())
    record_violation(world)

    trainee = Client()
    trainee.force_login(world.trainee)
    page = trainee.get(reverse("question_banks:mine")).content.decode()
    assert "您须再次通过本考试才能返岗" in page
    admin = Client()
    admin.force_login(world.enterprise_admin)
    page = admin.get(
        reverse("question_banks:internal_detail", args=[return_exam.code])
    ).content.decode()
    assert "须重新通过" in page
