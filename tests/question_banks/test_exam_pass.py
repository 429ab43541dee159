"""The exam page's pass: an answer save carrying it is answered without the session (on
PostgreSQL, where the one-statement save exists), with the same answer and headers the API
gives; every save it does not cover goes to the API, which decides as it always did."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from question_banks.models import Attempt, AttemptItem, Candidate
from question_banks.services.attempts import attempt_start, attempt_take_over, session_predraw
from question_banks.services.exam_pass import (
    attempt_scope,
    issue_pass,
    pass_holder,
    session_scope,
)

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def attempt(started_attempt):
    return started_attempt


@pytest.fixture
def page_pass(examinee, attempt):
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    return re.search(r'data-pass="([^"]+)"', html).group(1)


def save(browser, attempt, exam_pass=None, *, position=1, answer=("A",), seq=1, **body):
    entry = {"position": position, "answer": list(answer), "seq": seq}
    payload = {"client": "tab-1", "answers": [entry]}
    payload.update(body)
    headers = {"X-Exam-Pass": exam_pass} if exam_pass is not None else {}
    return browser.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def stored(attempt, position=1):
    return AttemptItem.objects.get(attempt=attempt, position=position)


# ---------------------------------------------------------------- the pass itself


def test_a_pass_names_its_attempt_and_person_until_it_expires(now):
    value = issue_pass(scope="attempt:7", person_id=42, valid_until=now + dt.timedelta(minutes=5))
    assert pass_holder(value, scope="attempt:7", now=now) == 42
    assert pass_holder(value, scope="attempt:8", now=now) is None
    assert pass_holder(value, scope="attempt:7", now=now + dt.timedelta(minutes=6)) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda v: v.replace("|42|", "|43|"),  # another person, same signature
        lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # signature altered
        lambda v: v.rsplit(":", 1)[0],  # no signature
        lambda v: "x" * 300,
        lambda v: "",
    ],
)
def test_an_altered_pass_names_nobody(now, change):
    value = issue_pass(scope="attempt:7", person_id=42, valid_until=now + dt.timedelta(minutes=5))
    assert pass_holder(change(value), scope="attempt:7", now=now) is None


def test_a_pass_outlives_a_key_rotation_only_while_the_old_key_is_a_fallback(settings, now):
    value = issue_pass(scope="attempt:7", person_id=42, valid_until=now + dt.timedelta(minutes=5))
    old = settings.SECRET_KEY
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[old]):
        assert pass_holder(value, scope="attempt:7", now=now) == 42
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
        assert pass_holder(value, scope="attempt:7", now=now) is None


def test_the_exam_page_holds_a_pass_until_the_deadline_and_grace(examinee, session, attempt):
    session.grace_seconds = 30
    session.save()
    html = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    value = re.search(r'data-pass="([^"]+)"', html).group(1)
    end = attempt.deadline + dt.timedelta(seconds=30)
    assert pass_holder(value, scope=attempt_scope(attempt.pk), now=end) == attempt.person_id
    later = end + dt.timedelta(seconds=1)
    assert pass_holder(value, scope=attempt_scope(attempt.pk), now=later) is None


# ---------------------------------------------------------------- saving with it


def test_a_save_with_the_pass_is_answered_as_the_api_answers(examinee, attempt, page_pass):
    by_api = save(examinee, attempt, position=2, seq=1)
    with CaptureQueriesContext(connection) as captured:
        with_pass = save(examinee, attempt, page_pass, position=1, seq=2)
    assert with_pass.status_code == by_api.status_code == 200, with_pass.content
    assert with_pass.json().keys() == by_api.json().keys()
    assert with_pass.json()["saved"] == [{"position": 1, "seq": 2, "applied": True}]
    assert with_pass.json()["deadline"] == by_api.json()["deadline"]
    assert with_pass["Content-Type"] == by_api["Content-Type"]
    for header in (
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert with_pass[header] == by_api[header], header
    assert stored(attempt).answer == ["A"] and stored(attempt).answer_seq == 2
    if ON_POSTGRESQL:
        # The one UPDATE, and nothing read for the session or the account.
        assert len(captured.captured_queries) == 1, captured.captured_queries
        assert captured.captured_queries[0]["sql"].lstrip().startswith("UPDATE")


def test_the_pass_alone_saves_without_a_session_or_csrf_token(attempt, page_pass):
    # On PostgreSQL the session-free lane's one statement; elsewhere the API, where the
    # pass is an authentication of the save (question_banks/api.py's ExamPass).
    stranger = Client(enforce_csrf_checks=True)  # no session cookie, no CSRF token
    response = save(stranger, attempt, page_pass)
    assert response.status_code == 200, response.content
    assert stored(attempt).answer == ["A"]


def test_the_pass_alone_is_told_why_a_save_is_refused(attempt, page_pass):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    stranger = Client(enforce_csrf_checks=True)
    response = save(stranger, attempt, page_pass)
    assert response.status_code == 409 and response.json()["code"] == "deadline"
    assert stored(attempt).answer is None


def test_the_api_schema_names_the_pass_as_the_saves_authentication(client):
    schema = client.get("/api/schema/").json()
    save_op = schema["paths"]["/api/attempts/{attempt_id}/answers"]["post"]
    assert {"ExamPass": []} in save_op["security"]
    assert schema["components"]["securitySchemes"]["ExamPass"]["name"] == "X-Exam-Pass"


@pytest.mark.parametrize(
    "forge",
    [
        lambda value, attempt: value[:-1] + ("A" if value[-1] != "A" else "B"),
        lambda value, attempt: issue_pass(
            scope=attempt_scope(attempt.pk),
            person_id=attempt.person_id,
            valid_until=timezone.now() - dt.timedelta(seconds=1),
        ),
        lambda value, attempt: "",
    ],
    ids=["altered", "expired", "empty"],
)
def test_without_a_valid_pass_a_stranger_saves_nothing(attempt, page_pass, forge):
    stranger = Client(enforce_csrf_checks=True)
    response = save(stranger, attempt, forge(page_pass, attempt))
    assert response.status_code in (401, 403)
    assert stored(attempt).answer is None


def test_a_pass_for_one_attempt_opens_no_other(examinee, world, session, attempt, page_pass):
    Candidate.objects.create(session=session, person=world.person_b)
    theirs = attempt_start(session=session, person=world.person_b, client_id="tab-1")
    stranger = Client(enforce_csrf_checks=True)
    assert save(stranger, theirs, page_pass).status_code in (401, 403)
    assert save(examinee, theirs, page_pass).status_code == 404
    assert stored(theirs).answer is None


def test_a_replayed_old_save_with_the_pass_overwrites_nothing(examinee, attempt, page_pass):
    assert save(examinee, attempt, page_pass, answer=["B"], seq=5).status_code == 200
    late = save(examinee, attempt, page_pass, answer=["A"], seq=3)
    assert late.status_code == 200
    assert late.json()["saved"] == [{"position": 1, "seq": 3, "applied": False}]
    assert stored(attempt).answer == ["B"] and stored(attempt).answer_seq == 5


def test_after_the_deadline_the_pass_gets_the_apis_refusal(examinee, attempt, page_pass):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = save(examinee, attempt, page_pass)
    assert response.status_code == 409 and response.json()["code"] == "deadline"
    assert stored(attempt).answer is None


def test_a_tab_that_lost_the_paper_is_told_so_with_its_pass(examinee, world, attempt, page_pass):
    attempt_take_over(actor=world.trainee, attempt=attempt, client_id="tab-2")
    response = save(examinee, attempt, page_pass)
    assert response.status_code == 409 and response.json()["code"] == "other_client"
    assert stored(attempt).answer is None


@pytest.mark.parametrize(
    "body",
    [
        {"answers": [{"position": 1, "answer": ["Z"], "seq": 1}]},  # no such option
        {"answers": [{"position": 1, "answer": "A", "seq": 1}]},  # not a list
        {"answers": [{"position": "x", "answer": ["A"], "seq": 1}]},
        {"answers": [{"position": 1, "answer": ["A"], "seq": 0}]},
        {"client": "t" * 65},
    ],
)
def test_a_bad_save_with_the_pass_gets_the_apis_answer(examinee, attempt, page_pass, body):
    without = save(examinee, attempt, **body)
    with_pass = save(examinee, attempt, page_pass, **body)
    assert with_pass.status_code == without.status_code
    assert with_pass.json() == without.json()


def test_an_unknown_host_is_refused_with_the_pass_too(examinee, attempt, page_pass):
    response = examinee.post(
        f"/api/attempts/{attempt.pk}/answers",
        json.dumps({"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]}),
        content_type="application/json",
        headers={"X-Exam-Pass": page_pass},
        HTTP_HOST="evil.example",
    )
    assert response.status_code == 400
    assert stored(attempt).answer is None


# ---------------------------------------------------------------- starting with it


@pytest.fixture
def start_pass(examinee, session):
    session_predraw(session=session)  # as publishing does: the one-statement start needs it
    html = examinee.get(f"/exams/session/{session.code}/").content.decode()
    return re.search(r'name="pass" value="([^"]+)"', html).group(1)


def post_start(browser, session, **data):
    return browser.post(f"/exams/session/{session.code}/", {"client": "tab-1", **data})


def started(session):
    return Attempt.objects.filter(session=session, status="in_progress")


def test_the_session_page_holds_a_start_pass_until_the_session_closes(world, session, start_pass):
    scope = session_scope(session.code)
    assert pass_holder(start_pass, scope=scope, now=session.closes_at) == world.person_a.pk
    later = session.closes_at + dt.timedelta(seconds=1)
    assert pass_holder(start_pass, scope=scope, now=later) is None


def test_the_start_pass_alone_starts_the_paper(session, start_pass):
    stranger = Client(enforce_csrf_checks=True)  # no session cookie, no CSRF token
    with CaptureQueriesContext(connection) as captured:
        response = post_start(stranger, session, **{"pass": start_pass})
    if ON_POSTGRESQL:
        attempt = started(session).get()
        assert response.status_code == 302
        assert response["Location"] == f"/exams/attempt/{attempt.pk}/"
        assert len(captured.captured_queries) == 1, captured.captured_queries
        assert response["X-Frame-Options"] == "DENY"
    else:
        # Without the one-statement start, the view decides: no CSRF token, no session.
        assert response.status_code == 403
        assert not started(session).exists()


def test_a_start_with_the_pass_and_the_session_starts_once(examinee, session, start_pass):
    first = post_start(examinee, session, **{"pass": start_pass})
    attempt = started(session).get()
    again = post_start(examinee, session, **{"pass": start_pass})  # the same tab: resumes
    assert first["Location"] == again["Location"] == f"/exams/attempt/{attempt.pk}/"
    assert started(session).count() == 1


@pytest.mark.parametrize(
    "forge",
    [
        lambda value, session: value[:-1] + ("A" if value[-1] != "A" else "B"),
        lambda value, session: issue_pass(
            scope=session_scope("another"), person_id=1, valid_until=session.closes_at
        ),
        lambda value, session: issue_pass(
            scope=session_scope(session.code),
            person_id=1,
            valid_until=timezone.now() - dt.timedelta(seconds=1),
        ),
    ],
    ids=["altered", "another-session", "expired"],
)
def test_without_a_valid_start_pass_a_stranger_starts_nothing(session, start_pass, forge):
    stranger = Client(enforce_csrf_checks=True)
    response = post_start(stranger, session, **{"pass": forge(start_pass, session)})
    assert response.status_code in (302, 403)
    assert "/exams/attempt/" not in response.get("Location", "")
    assert not started(session).exists()


def test_a_wrong_access_code_with_the_pass_is_told_why(examinee, session, start_pass):
    session.access_code = "2468"
    session.save()
    response = post_start(examinee, session, access_code="1111", **{"pass": start_pass})
    assert response.status_code == 200 and not started(session).exists()
    right = post_start(examinee, session, access_code="2468", **{"pass": start_pass})
    assert right.status_code == 302 and started(session).exists()
