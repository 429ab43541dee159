"""A contest round is taken on the exam engine's pages, so its starts and answer saves take
the exam day's quick paths (config/lane.py, question_banks/services/exam_day.py) as an
exam's do: on PostgreSQL a save with the exam page's pass is one UPDATE."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from question_banks.models import Attempt, AttemptItem

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _enter(client, round):
    response = client.post(f"/contests/mine/{round.contest_id}/rounds/{round.pk}/join/")
    assert response.status_code == 302
    # Entering draws the paper ahead, as publishing an exam does.
    assert Attempt.objects.filter(session=round.session, status="ready").count() == 1
    html = client.get(response["Location"]).content.decode()
    start_pass = re.search(r'name="pass" value="([^"]+)"', html).group(1)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(response["Location"], {"client": "tab-1", "pass": start_pass})
    assert response.status_code == 302 and "/exams/attempt/" in response["Location"]
    if ON_POSTGRESQL:
        # The exam day's one-statement start, with nothing read for the session.
        assert len(captured.captured_queries) == 1, captured.captured_queries
    return response


def test_a_contest_save_with_the_page_pass_is_one_statement(client, world, open_round):
    client.force_login(world.trainee)
    _enter(client, open_round)
    attempt = Attempt.objects.get(session=open_round.session, person=world.person_a)
    html = client.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    page_pass = re.search(r'data-pass="([^"]+)"', html).group(1)
    body = {"client": "tab-1", "answers": [{"position": 1, "answer": ["A"], "seq": 1}]}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/api/attempts/{attempt.pk}/answers",
            json.dumps(body),
            content_type="application/json",
            headers={"X-Exam-Pass": page_pass},
        )
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == [{"position": 1, "seq": 1, "applied": True}]
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["A"]
    if ON_POSTGRESQL:
        sqls = [q["sql"] for q in captured.captured_queries]
        assert len(sqls) == 1, sqls
