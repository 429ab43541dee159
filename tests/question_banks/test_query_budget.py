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
    url = f"/api/attempts/{attempt.pk}/answers"

    def save(seq):
        body = {"client": "tab", "answers": [{"position": 1, "answer": ["A"], "seq": seq}]}
        return queries(
            examinee, "post", url, data=json.dumps(body), content_type="application/json"
        )

    first, second = save(1), save(2)

    # Signed in: the session comes from the cache, the user from the database.
    assert not any("django_session" in sql for sql in start + first + second)
    # Start: the user, the candidate with the person, the claim of the predrawn paper, one
    # count of earlier attempts, and its "started" event. A save: the user, the attempt with
    # its session, one UPDATE per answer in a transaction (two statements around it); the
    # first save of an attempt also reads the paper's questions, which the cache then keeps.
    assert len(start) <= 8, start
    assert len(first) <= 6, first
    assert len(second) <= 5, second
    assert not any("attemptitem" in sql and sql.startswith("SELECT") for sql in second)
