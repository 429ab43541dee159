import pytest
from django.core.exceptions import ValidationError

from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.sessions import (
    candidate_grant,
    session_add_candidates,
    session_publish,
)
from roster.choices import PersonnelCategory
from roster.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(session):
    session.is_published = False
    session.save()
    return session


def test_adding_an_enterprise_adds_its_current_people(draft, world):
    added = session_add_candidates(session=draft, actor=None, enterprise_ids=[world.ent_b.pk])
    assert added == 1
    assert set(draft.candidates.values_list("person_id", flat=True)) == {
        world.person_a.pk,
        world.person_b.pk,
    }


def test_category_filter_limits_who_is_added(draft, world):
    added = session_add_candidates(
        session=draft,
        actor=None,
        enterprise_ids=[world.ent_b.pk],
        categories=[PersonnelCategory.SPECIAL_OPERATOR],
    )
    assert added == 0


def test_publishing_opens_the_session_and_is_audited(draft, world):
    session_publish(session=draft, actor=world.system_admin)
    draft.refresh_from_db()
    assert draft.is_published
    assert AuditLog.objects.filter(action="exam.session_publish", actor=world.system_admin).exists()


def test_publishing_a_session_without_people_is_refused(rule, now):
    import datetime as dt

    empty = ExamSession.objects.create(
        code="EMPTY", name="空场次", rule=rule, opens_at=now, closes_at=now + dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        session_publish(session=empty, actor=None)
    empty.refresh_from_db()
    assert not empty.is_published


def test_extra_attempt_needs_a_reason_and_is_audited(session, world):
    candidate = Candidate.objects.get(session=session)
    with pytest.raises(ValidationError):
        candidate_grant(candidate=candidate, actor=world.trainer, reason=" ", extra_attempts=1)
    candidate_grant(candidate=candidate, actor=world.trainer, reason="设备故障", extra_attempts=1)
    candidate.refresh_from_db()
    assert candidate.extra_attempts == 1 and candidate.override_by == world.trainer
    assert AuditLog.objects.filter(action="exam.candidate_grant").exists()


def test_predraw_runs_on_commit(draft, world, django_capture_on_commit_callbacks):
    session_add_candidates(session=draft, actor=None, people=[world.person_b])
    with django_capture_on_commit_callbacks(execute=True):
        session_publish(session=draft, actor=None)
    assert Attempt.objects.filter(session=draft, status="ready").count() == 2
