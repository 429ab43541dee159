"""What the exam page reports (focus lost, offline, …): small, and only while answering."""

from __future__ import annotations

import pytest

from question_banks.models import AttemptEvent
from question_banks.services.attempts import EVENT_DATA_MAX_BYTES, attempt_submit

pytestmark = pytest.mark.django_db


def _post(browser, attempt, **body):
    return browser.post(
        f"/api/attempts/{attempt.pk}/events",
        {"client": "tab-1", "kind": "focus_lost", **body},
        content_type="application/json",
    )


def _recorded(attempt) -> int:
    return AttemptEvent.objects.filter(attempt=attempt, kind="focus_lost").count()


def test_a_small_event_is_recorded(examinee, started_attempt):
    assert _post(examinee, started_attempt, data={"seconds": 12}).status_code == 204
    assert _recorded(started_attempt) == 1


def test_an_event_of_more_than_a_few_kilobytes_is_refused_with_413(examinee, started_attempt):
    response = _post(examinee, started_attempt, data={"note": "x" * EVENT_DATA_MAX_BYTES})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert _recorded(started_attempt) == 0


def test_an_event_counts_its_bytes_not_its_characters(examinee, started_attempt):
    # 1,000 Chinese characters are 3,000 bytes.
    response = _post(examinee, started_attempt, data={"note": "考" * 1000})
    assert response.status_code == 413


def test_an_event_on_a_submitted_attempt_is_refused(examinee, started_attempt):
    attempt_submit(attempt=started_attempt, person_id=started_attempt.person_id, client_id="tab-1")
    response = _post(examinee, started_attempt)
    assert response.status_code == 409 and response.json()["code"] == "finished"
    assert _recorded(started_attempt) == 0


def test_an_event_after_the_deadline_is_refused(examinee, started_attempt):
    import datetime as dt

    from question_banks.models import Attempt

    Attempt.objects.filter(pk=started_attempt.pk).update(
        deadline=started_attempt.started_at - dt.timedelta(seconds=1)
    )
    response = _post(examinee, started_attempt)
    assert response.status_code == 409 and response.json()["code"] == "deadline"
    assert _recorded(started_attempt) == 0


def test_an_event_of_an_unknown_kind_is_refused(examinee, started_attempt):
    assert _post(examinee, started_attempt, kind="screenshot").status_code == 422
