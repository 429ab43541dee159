"""The submit at the end of an exam is recorded at once and nothing more (issue 27, Must 6):
with a broker, one statement hands the paper in and writes its event, and the grade follows
in a task queued on commit. The exam page sends its pass with the submit, so on PostgreSQL a
thousand of them are answered without reading a session; anything unusual (a second click,
another tab, too late) goes to the API, which answers as it always did.

`queued` (as in test_grading_queued.py) makes the submit queue its grade as with a broker and
keeps the task from running until the test says so.
"""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from question_banks.models import Attempt, AttemptEvent
from question_banks.services.attempts import grading as grading_module
from tests.question_banks.test_grading_queued import Queue

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def queued(monkeypatch):
    """The grades the submits queued, not run until `run` (as with a broker)."""
    queue = Queue()
    monkeypatch.setattr(grading_module, "tasks_inline", lambda: False)
    monkeypatch.setattr(grading_module, "send_or_leave", queue.send)
    return queue


@pytest.fixture
def page_pass(examinee, started_attempt):
    html = examinee.get(f"/exams/attempt/{started_attempt.pk}/").content.decode()
    return re.search(r'data-pass="([^"]+)"', html).group(1)


def submit(browser, attempt, exam_pass=None, client="tab-1", **extra):
    headers = {"X-Exam-Pass": exam_pass} if exam_pass is not None else {}
    return browser.post(
        f"/api/attempts/{attempt.pk}/submit",
        json.dumps({"client": client, **extra}),
        content_type="application/json",
        headers=headers,
    )


def events(attempt, kind="submitted"):
    return AttemptEvent.objects.filter(attempt=attempt, kind=kind).count()


def test_the_pass_alone_hands_the_paper_in_and_queues_its_grade(
    started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    stranger = Client(enforce_csrf_checks=True)  # no session cookie, no CSRF token
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = submit(stranger, started_attempt, page_pass)
    attempt = Attempt.objects.get(pk=started_attempt.pk)
    if not ON_POSTGRESQL:
        # Without the one-statement submit the API decides: no session, nothing changes.
        assert response.status_code in (401, 403)
        assert attempt.status == "in_progress" and queued.sent == []
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["holder"] is None
    assert body["result_url"] == f"/exams/attempt/{attempt.pk}/result/"
    assert body["deadline"] == attempt.deadline.isoformat()
    # One statement: the hand-in and its event; nothing read for the session or the grade.
    assert len(captured.captured_queries) == 1, captured.captured_queries
    assert (attempt.status, attempt.score) == ("submitted", None)
    assert attempt.finished_at is not None and events(attempt) == 1
    assert queued.sent == [attempt.pk]
    assert queued.run() == [True]
    attempt.refresh_from_db()
    assert attempt.score is not None and attempt.passed is False  # nothing was answered


def test_a_submit_with_the_pass_answers_as_the_api_does(
    examinee, started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with_pass = submit(examinee, started_attempt, page_pass)
        # The second click goes to the API (the statement finds it submitted already).
        again = submit(examinee, started_attempt)
    assert with_pass.status_code == again.status_code == 200
    first, second = with_pass.json(), again.json()
    assert list(first) == list(second)
    for key in ("status", "deadline", "result_url", "holder"):
        assert first[key] == second[key], key
    assert with_pass["Content-Type"] == again["Content-Type"]
    assert queued.sent == [started_attempt.pk]  # one grade, whichever path took the submit
    assert events(started_attempt) == 1


def test_a_double_click_with_the_pass_records_and_queues_once(
    examinee, started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        responses = [submit(examinee, started_attempt, page_pass) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert {r.json()["status"] for r in responses} == {"submitted"}
    assert queued.sent == [started_attempt.pk]
    assert events(started_attempt) == 1
    queued.run()
    graded = Attempt.objects.get(pk=started_attempt.pk)
    assert graded.score is not None
    # A click after the grade changes nothing either.
    with django_capture_on_commit_callbacks(execute=True):
        late = submit(examinee, started_attempt, page_pass)
    assert late.status_code == 200 and queued.sent == [started_attempt.pk]
    assert Attempt.objects.get(pk=started_attempt.pk).finished_at == graded.finished_at


def test_another_tab_with_the_pass_is_told_and_hands_nothing_in(
    examinee, started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(examinee, started_attempt, page_pass, client="tab-2")
    assert response.status_code == 409
    assert response.json()["code"] == "other_client"
    assert Attempt.objects.get(pk=started_attempt.pk).status == "in_progress"
    assert queued.sent == [] and events(started_attempt) == 0


def test_a_pass_for_another_attempt_hands_nothing_in(
    world, session, started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    from question_banks.models import Candidate
    from tests.factories import UserFactory

    person = world.person_b
    Candidate.objects.create(session=session, person=person)
    other_browser = Client()
    other_browser.force_login(UserFactory(username=person.id_number, person=person))
    assert other_browser.post(f"/exams/session/{session.code}/", {"client": "tab-1"}).status_code
    other = Attempt.objects.get(session=session, person=person)
    # The trainee's pass, sent for the other person's paper, without a session.
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(Client(), other, page_pass)
    assert response.status_code in (401, 403)
    assert Attempt.objects.get(pk=other.pk).status == "in_progress"
    assert queued.sent == []


def test_a_submit_after_the_deadline_with_the_pass_is_recorded_as_timed_out(
    examinee, started_attempt, page_pass, queued, django_capture_on_commit_callbacks
):
    # The pass runs until the deadline and grace; an hour left on it, the clock has run
    # out on the paper (its deadline moved back), so the API takes it and says so.
    past = started_attempt.started_at - dt.timedelta(minutes=1)
    Attempt.objects.filter(pk=started_attempt.pk).update(deadline=past)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(examinee, started_attempt, page_pass)
    assert response.status_code == 200
    assert response.json()["status"] == "expired"
    assert Attempt.objects.get(pk=started_attempt.pk).status == "expired"
    assert queued.sent == [started_attempt.pk]


def test_the_sessions_submit_is_one_statement_beside_the_session_reads(
    examinee,
    started_attempt,
    queued,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    # Query budget of the submit through the session (a page without its pass): the
    # session and the account, then the hand-in; the ORM's long way on SQLite.
    budget = 3 if ON_POSTGRESQL else 8
    with (
        django_assert_max_num_queries(budget),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = submit(examinee, started_attempt)
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert queued.sent == [started_attempt.pk] and events(started_attempt) == 1
    attempt = Attempt.objects.get(pk=started_attempt.pk)
    assert (attempt.status, attempt.score) == ("submitted", None)


def test_without_a_broker_the_submit_with_the_pass_answers_graded(
    examinee, started_attempt, page_pass
):
    # Tasks inline (the embedded default): the one statement steps aside and the submit
    # grades in its own transaction, as users of `make run` see it.
    response = submit(examinee, started_attempt, page_pass)
    assert response.status_code == 200
    attempt = Attempt.objects.get(pk=started_attempt.pk)
    assert attempt.status == "submitted" and attempt.score is not None
