"""How many database queries the exam-day requests make: each one is a round trip to
PostgreSQL and ORM work in Python for each of a thousand examinees, so a change that adds
one shows here first."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from question_banks.models import Attempt
from question_banks.services.attempts import session_predraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def examinee(client, world, session):
    session_predraw(session=session)
    client.force_login(world.trainee)
    client.get("/exams/")  # the session and CSRF cookies, as the page leaves them
    return client


def queries(client, method, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302), response.content[:300]
    return [q["sql"] for q in captured.captured_queries]


def test_an_exam_start_and_an_answer_save_stay_within_their_queries(examinee, session):
    start = queries(examinee, "post", f"/exams/session/{session.code}/", data={"client": "tab"})
    attempt = Attempt.objects.get(session=session)
    body = {"client": "tab", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]}
    save = queries(
        examinee,
        "post",
        f"/api/attempts/{attempt.pk}/answers",
        data=json.dumps(body),
        content_type="application/json",
    )
    # Signed in: the session comes from the cache, the user from the database.
    assert not any("django_session" in sql for sql in start + save)
    # Save: the user, the attempt with its session, the items, and one UPDATE per answer in
    # a transaction (two statements around it). Start: the same reads, the claim of the
    # predrawn paper, and its "started" event.
    assert len(save) <= 6, save
    assert len(start) <= 11, start
