"""The one-statement start of a paper drawn ahead (services/exam_day.py) does what
attempt_start does, and leaves every case it does not cover to attempt_start, which says
why it refuses. On SQLite the quick path stands aside, so these tests hold there too."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from question_banks.models import Attempt, AttemptEvent, Candidate
from question_banks.services.attempts import attempt_start, attempt_submit, session_predraw
from question_banks.services.exam_day import attempt_start_quick

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def examinee(client, world, session):
    session_predraw(session=session)
    client.force_login(world.trainee)
    client.get("/exams/")  # the account is cached, as on any page before the start
    return client


def post_start(browser, session, **data):
    with CaptureQueriesContext(connection) as captured:
        response = browser.post(f"/exams/session/{session.code}/", {"client": "tab-1", **data})
    return response, [q["sql"] for q in captured.captured_queries]


def open_attempt(session, person):
    return Attempt.objects.get(session=session, person=person, status="in_progress")


def test_a_paper_drawn_ahead_starts_as_attempt_start_would(examinee, world, session):
    # Two candidates with the same extra time, one started each way.
    Candidate.objects.filter(session=session).update(extra_minutes=15)
    Candidate.objects.create(session=session, person=world.person_b, extra_minutes=15)
    session_predraw(session=session)
    before = timezone.now()
    response, statements = post_start(examinee, session)
    mine = open_attempt(session, world.person_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/attempt/{mine.pk}/")
    if ON_POSTGRESQL:
        assert len(statements) == 1, statements
    other = attempt_start(session=session, person=world.person_b, client_id="tab-9")

    assert before <= mine.started_at <= timezone.now()
    assert mine.deadline - mine.started_at == other.deadline - other.started_at
    assert mine.deadline - mine.started_at == dt.timedelta(minutes=60 + 15)
    assert (mine.number, mine.client_id, mine.kind) == (1, "tab-1", "official")
    event = AttemptEvent.objects.get(attempt=mine)
    assert (event.kind, event.data) == ("started", {"client": "tab-1"})
    assert mine.started_at <= event.at <= timezone.now()


def test_the_deadline_stops_at_the_close_plus_extra_minutes(examinee, world, session, now):
    session.closes_at = now + dt.timedelta(minutes=20)
    session.save()
    Candidate.objects.filter(session=session).update(extra_minutes=5)
    post_start(examinee, session)
    assert open_attempt(session, world.person_a).deadline == session.closes_at + dt.timedelta(
        minutes=5
    )


def test_the_same_tab_resumes_and_another_tab_is_told_why(examinee, world, session):
    post_start(examinee, session)
    attempt = open_attempt(session, world.person_a)
    again, _ = post_start(examinee, session)
    assert again.status_code == 302 and again["Location"].endswith(f"/attempt/{attempt.pk}/")
    other, _ = post_start(examinee, session, client="tab-2")
    assert other.status_code == 409  # a conflict with the tab that holds it
    assert "本场考试已在其他设备或标签页中打开" in other.content.decode()
    assert open_attempt(session, world.person_a).client_id == "tab-1"
    assert AttemptEvent.objects.filter(attempt=attempt, kind="started").count() == 1


def test_a_wrong_access_code_starts_nothing_and_the_right_one_starts(examinee, world, session):
    session.access_code = "2468"
    session.save()
    refused, _ = post_start(examinee, session, access_code="1111")
    assert refused.status_code == 200
    assert not Attempt.objects.filter(session=session, status="in_progress").exists()
    started, statements = post_start(examinee, session, access_code=" 2468 ")
    assert started.status_code == 302
    if ON_POSTGRESQL:
        assert len(statements) == 1, statements
    assert open_attempt(session, world.person_a)


@pytest.mark.parametrize(
    "change",
    [
        {"allowed_networks": "10.0.0.0/8"},
        {"prerequisites": ["hours_done"]},
        {"is_published": False},
    ],
)
def test_rules_the_statement_does_not_hold_go_the_long_way(examinee, world, session, change):
    for name, value in change.items():
        setattr(session, name, value)
    session.save()
    quick = attempt_start_quick(person_id=world.person_a.pk, session_code="S1", client_id="t")
    assert quick is None
    assert Attempt.objects.get(session=session, person=world.person_a).status == "ready"


@pytest.mark.parametrize("opens, closes", [(1, 2), (-3, -1)])
def test_outside_the_session_window_nothing_starts(examinee, world, session, now, opens, closes):
    session.opens_at = now + dt.timedelta(hours=opens)
    session.closes_at = now + dt.timedelta(hours=closes)
    session.save()
    response, _ = post_start(examinee, session)
    assert response.status_code == 200
    assert not Attempt.objects.filter(session=session, status="in_progress").exists()


def test_someone_not_on_the_list_starts_nothing(client, world, session):
    session_predraw(session=session)
    outsider = world.person_b
    assert attempt_start_quick(person_id=outsider.pk, session_code="S1", client_id="t") is None
    client.force_login(world.trainee)
    assert client.post("/exams/session/NOPE/", {"client": "t"}).status_code == 404


def test_a_retake_is_numbered_by_the_long_way(examinee, world, session):
    post_start(examinee, session)
    first = open_attempt(session, world.person_a)
    attempt_submit(attempt=first, person_id=first.person_id, client_id="tab-1")
    first.refresh_from_db()
    assert first.passed is False  # nothing answered
    response, _ = post_start(examinee, session)
    assert response.status_code == 302
    assert open_attempt(session, world.person_a).number == 2
