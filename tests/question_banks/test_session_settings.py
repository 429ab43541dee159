"""The session workbench form sets what only the Wagtail admin set before (grace for late
answers, practice on the bank during the exam, prerequisites), and a published session is
withdrawn before anyone starts; once someone has started it is refused, saying why."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.attempts import attempt_start
from question_banks.services.sessions import session_publish, session_unpublish
from roster.models import AuditLog

pytestmark = pytest.mark.django_db


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def draft(rule, world, now):
    session = ExamSession.objects.create(
        code="D1",
        name="草稿场次",
        rule=rule,
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1, hours=2),
        training_body=world.trainer_body,
        region=world.township_b,
    )
    Candidate.objects.create(session=session, person=world.person_a)
    return session


def _form(session, **changes):
    data = {
        "name": session.name,
        "rule": session.rule_id,
        "mode": session.mode,
        "opens_at": local(session.opens_at),
        "closes_at": local(session.closes_at),
        "attempts_allowed": "2",
        "score_policy": "highest",
        "show_result": "immediately",
        "show_answers": "after_close",
        "allowed_networks": "",
        "region": session.region_id,
    }
    data.update(changes)
    return data


def test_the_form_sets_grace_practice_and_prerequisites(client, world, draft):
    client.force_login(world.trainer)
    response = client.post(
        f"/exams/manage/{draft.code}/edit/",
        _form(
            draft,
            grace_seconds="30",
            closes_practice="true",
            prerequisites=["courses.hours_done", "courses.safety_education_done"],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.grace_seconds == 30
    assert draft.closes_practice is True
    assert draft.prerequisites == ["courses.hours_done", "courses.safety_education_done"]


def test_the_form_shows_the_new_fields_in_chinese(client, world, draft):
    client.force_login(world.trainer)
    html = client.get(f"/exams/manage/{draft.code}/edit/").content.decode()
    for text in ("迟交宽限（秒）", "考试期间能否在本题库练习", "开考前须满足", "本年度学时已修满"):
        assert text in html


def test_an_empty_grace_is_none_and_a_long_one_is_refused_beside_the_field(client, world, draft):
    client.force_login(world.trainer)
    url = f"/exams/manage/{draft.code}/edit/"
    assert client.post(url, _form(draft, grace_seconds="")).status_code == 302
    draft.refresh_from_db()
    assert draft.grace_seconds == 0
    response = client.post(url, _form(draft, grace_seconds="3600", name="改了名"))
    assert response.status_code == 200
    assert "grace_seconds" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.name == "草稿场次"


def test_an_unknown_prerequisite_is_refused(client, world, draft):
    client.force_login(world.trainer)
    response = client.post(
        f"/exams/manage/{draft.code}/edit/", _form(draft, prerequisites=["no.such_check"])
    )
    assert response.status_code == 200
    assert "prerequisites" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.prerequisites == []


def test_withdrawing_before_anyone_starts_hides_it_and_discards_drawn_papers(
    client, world, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session_publish(session=draft, actor=world.trainer)
    assert Attempt.objects.filter(session=draft, status="ready").exists()
    client.force_login(world.trainer)
    response = client.post(f"/exams/manage/{draft.code}/unpublish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published is False
    assert not Attempt.objects.filter(session=draft).exists()
    assert AuditLog.objects.filter(action="exam.session_unpublish", actor=world.trainer).exists()
    page = client.get(f"/exams/manage/{draft.code}/candidates/").content.decode()
    assert "已撤回发布" in page and 'id="publish"' in page


def test_withdrawing_after_someone_started_is_refused_saying_why(client, world, session, now):
    attempt_start(session=session, person=world.person_a, client_id="c", now=now)
    client.force_login(world.trainer)
    response = client.post(f"/exams/manage/{session.code}/unpublish/", follow=True)
    assert "已有考生开始作答：不能再撤回发布，只能提前结束。" in response.content.decode()
    session.refresh_from_db()
    assert session.is_published is True
    assert not AuditLog.objects.filter(action="exam.session_unpublish").exists()


def test_another_trainer_cannot_withdraw_it(client, world, bank, rule, session, now):
    from tests.question_banks.test_ownership import Scene

    scene = Scene(world, bank, rule, session, now)
    client.force_login(scene.other_trainer)
    assert client.post(f"/exams/manage/{session.code}/unpublish/").status_code == 404
    with pytest.raises(PermissionDenied):
        session_unpublish(session=session, actor=scene.other_trainer)
    session.refresh_from_db()
    assert session.is_published is True


@pytest.mark.parametrize("who", ["trainee", "enterprise_admin", "regulator_county"])
def test_people_without_the_session_cannot_withdraw_it(client, world, session, who):
    client.force_login(getattr(world, who))
    assert client.post(f"/exams/manage/{session.code}/unpublish/").status_code in (403, 404)
    session.refresh_from_db()
    assert session.is_published is True
