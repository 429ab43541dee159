"""The exam page's submit is recorded at once and graded right after, by a task queued on
commit (issue 27, Must 6): the result page says "grading" and reloads itself until the grade
is there, and the grade is written exactly once however often the task runs.

Tests run tasks inline (no broker): `queued` below makes the submit queue its grade as with
a broker, and keeps the queued task from running until the test says so.
"""

import datetime as dt
import json

import pytest
from django.dispatch import receiver
from django.utils import timezone

from certificates.models import Certificate
from question_banks.models import Attempt, AttemptEvent
from question_banks.services.attempts import (
    attempt_grade_pending,
    attempts_expire_overdue,
)
from question_banks.services.attempts import grading as grading_module
from question_banks.signals import attempt_finished
from question_banks.tasks import attempt_grade_task

pytestmark = pytest.mark.django_db


class Queue:
    """The grades the submits queued (attempt ids), not run until `run`."""

    def __init__(self):
        self.sent: list[int] = []

    def send(self, task, attempt_id, **kwargs):
        assert task == grading_module.GRADE_TASK
        self.sent.append(attempt_id)

    def run(self):
        return [attempt_grade_task.apply(args=[pk]).get() for pk in self.sent]


@pytest.fixture
def queued(monkeypatch):
    queue = Queue()
    monkeypatch.setattr(grading_module, "tasks_inline", lambda: False)
    monkeypatch.setattr(grading_module, "send_or_leave", queue.send)
    return queue


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def right_answers(attempt):
    return [
        {
            "position": item.position,
            "answer": sorted(o["key"] for o in item.version.options if o["correct"]),
            "seq": 1,
        }
        for item in attempt.items.select_related("version")
    ]


def submit(client, attempt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    assert response.status_code == 200, response.content.decode()[:500]
    return response


@pytest.fixture
def finished_log():
    """The attempts attempt_finished was sent for (contests write standings on it)."""
    seen: list[int] = []

    @receiver(attempt_finished, weak=False, dispatch_uid="test.grading_queued")
    def log(sender, attempt, **kwargs):
        seen.append(attempt.pk)

    yield seen
    attempt_finished.disconnect(dispatch_uid="test.grading_queued")


def test_the_submit_is_answered_before_the_grade_and_the_result_page_waits_for_it(
    examinee, started_attempt, queued, django_capture_on_commit_callbacks
):
    response = submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    # The same answer as before: submitted, and where the result is.
    body = response.json()
    assert body["status"] == "submitted"
    assert body["result_url"] == f"/exams/attempt/{started_attempt.pk}/result/"
    assert queued.sent == [started_attempt.pk]
    attempt = Attempt.objects.get(pk=started_attempt.pk)
    assert (attempt.status, attempt.score, attempt.passed) == ("submitted", None, None)
    assert attempt.finished_at is not None

    page = examinee.get(f"/exams/attempt/{attempt.pk}/result/").content.decode()
    assert 'id="grading"' in page and "<small>/" not in page  # no score yet
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "review-link" not in page
    # The review waits for the grade too.
    review = examinee.get(f"/exams/attempt/{attempt.pk}/review/")
    assert review.status_code == 302 and review.url.endswith(f"/{attempt.pk}/result/")

    assert queued.run() == [True]
    page = examinee.get(f"/exams/attempt/{attempt.pk}/result/").content.decode()
    assert 'id="grading"' not in page and 'http-equiv="refresh"' not in page
    assert 'class="big-score">0 <small>/ 100' in page


def test_the_grading_page_is_in_chinese(examinee, started_attempt, queued):
    from question_banks.services.attempts import attempt_submit

    attempt_submit(
        attempt=started_attempt,
        person_id=started_attempt.person_id,
        client_id="tab-1",
        grade_later=True,
    )
    page = examinee.get(
        f"/exams/attempt/{started_attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "正在评分…" in page and "答卷已提交，正在评分。" in page


def test_a_grade_run_twice_is_written_once(
    examinee, started_attempt, queued, finished_log, django_capture_on_commit_callbacks
):
    session = started_attempt.session
    # A 合格证, issued on the exam pass alone (a 特种作业 card also waits for the practical).
    session.certificate_type_code = "ZY-AQY"
    session.save(update_fields=["certificate_type_code"])
    saved = post_json(
        examinee,
        f"/api/attempts/{started_attempt.pk}/answers",
        {"client": "tab-1", "answers": right_answers(started_attempt)},
    )
    assert saved.status_code == 200
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)

    # A task delivered twice (acks_late after a worker died), and the lazy path after it.
    with django_capture_on_commit_callbacks(execute=True):
        first = attempt_grade_task.apply(args=[started_attempt.pk]).get()
        again = attempt_grade_task.apply(args=[started_attempt.pk]).get()
        lazily = attempt_grade_pending(attempt_id=started_attempt.pk)
    assert (first, again, lazily) == (True, False, None)
    attempt = Attempt.objects.get(pk=started_attempt.pk)
    assert attempt.score == attempt.total_points == 100 and attempt.passed
    assert finished_log == [attempt.pk]
    assert AttemptEvent.objects.filter(attempt=attempt, kind="submitted").count() == 1
    assert Certificate.objects.filter(attempt=attempt).count() == 1


def test_a_replayed_submit_queues_no_second_grade(
    examinee, started_attempt, queued, django_capture_on_commit_callbacks
):
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    again = submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    assert again.json()["status"] == "submitted"
    assert queued.sent == [started_attempt.pk]


def test_a_grade_that_went_missing_is_made_when_the_result_page_is_opened(
    examinee, started_attempt, queued, django_capture_on_commit_callbacks
):
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    url = f"/exams/attempt/{started_attempt.pk}/result/"
    assert 'id="grading"' in examinee.get(url).content.decode()
    # The task was lost (the broker's data gone, no worker): past GRADING_STALE, the page
    # grades it itself.
    lost = timezone.now() - grading_module.GRADING_STALE - dt.timedelta(seconds=1)
    Attempt.objects.filter(pk=started_attempt.pk).update(finished_at=lost)
    page = examinee.get(url).content.decode()
    assert 'id="grading"' not in page and "big-score" in page
    assert Attempt.objects.get(pk=started_attempt.pk).score is not None


def test_the_periodic_sweep_grades_a_submit_whose_grade_went_missing(
    examinee, started_attempt, queued, django_capture_on_commit_callbacks
):
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    assert attempts_expire_overdue() == 0  # a fresh submit is the queue's to grade
    later = timezone.now() + grading_module.GRADING_STALE + dt.timedelta(seconds=1)
    assert attempts_expire_overdue(now=later) == 1
    assert Attempt.objects.get(pk=started_attempt.pk).score is not None
    assert queued.run() == [False]  # the lost task, delivered after all, does nothing


def test_a_retake_waits_until_the_last_paper_is_graded(
    examinee, started_attempt, queued, django_capture_on_commit_callbacks
):
    session = started_attempt.session
    session.attempts_allowed = 2
    session.save(update_fields=["attempts_allowed"])
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    response = examinee.post(
        f"/exams/session/{session.code}/", {"client": "tab-1"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "still being graded" in response.content.decode()
    assert Attempt.objects.filter(session=session).count() == 1
    queued.run()
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    assert response.status_code == 302  # failed (nothing answered): the retake starts
    assert Attempt.objects.filter(session=session).count() == 2


def test_without_a_broker_the_submit_answers_graded(examinee, started_attempt):
    response = post_json(
        examinee, f"/api/attempts/{started_attempt.pk}/submit", {"client": "tab-1"}
    )
    assert response.status_code == 200
    assert Attempt.objects.get(pk=started_attempt.pk).score is not None


def test_a_burst_of_submits_shares_one_grade_task_that_grades_them_all(
    examinee, started_attempt, world, queued, finished_log, django_capture_on_commit_callbacks
):
    """Sending a task per submit cost as much CPU as the rest of the submit: a submit sends
    none while a grade task is queued and not started, and that task grades every paper
    waiting when it starts, its own first."""
    from question_banks.models import Candidate
    from question_banks.services.attempts import attempt_start, attempt_submit

    session = started_attempt.session
    Candidate.objects.create(session=session, person=world.person_b)
    other = attempt_start(session=session, person=world.person_b, client_id="tab-2")
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(
            attempt=other, person_id=other.person_id, client_id="tab-2", grade_later=True
        )
    assert queued.sent == [started_attempt.pk]  # the second submit found a task queued
    assert Attempt.objects.get(pk=other.pk).score is None
    with django_capture_on_commit_callbacks(execute=True):
        assert queued.run() == [True]
    graded = Attempt.objects.filter(pk__in=[started_attempt.pk, other.pk])
    assert list(graded.filter(score__isnull=True)) == []
    # Handed in and graded once each.
    assert AttemptEvent.objects.filter(attempt__in=graded, kind="submitted").count() == 2
    assert sorted(finished_log) == sorted([started_attempt.pk, other.pk])


def test_a_submit_after_the_grade_task_started_sends_a_task_of_its_own(
    examinee, started_attempt, world, queued, django_capture_on_commit_callbacks
):
    """The task clears the mark as it starts, before it reads which papers wait: a submit
    after that sends again, so no paper waits for a task that has already looked."""
    from question_banks.models import Candidate
    from question_banks.services.attempts import attempt_start, attempt_submit

    session = started_attempt.session
    Candidate.objects.create(session=session, person=world.person_b)
    other = attempt_start(session=session, person=world.person_b, client_id="tab-2")
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    assert queued.run() == [True]
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(
            attempt=other, person_id=other.person_id, client_id="tab-2", grade_later=True
        )
    assert queued.sent == [started_attempt.pk, other.pk]
    assert attempt_grade_task.apply(args=[other.pk]).get() is True
    assert Attempt.objects.get(pk=other.pk).score is not None


def test_a_paper_whose_grading_fails_does_not_hold_back_the_others(
    examinee, started_attempt, world, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """One grade task grades many papers: one that cannot be graded is logged and left to
    the sweep, and the papers after it are graded all the same."""
    from question_banks.models import Candidate
    from question_banks.services.attempts import attempt_start, attempt_submit

    session = started_attempt.session
    Candidate.objects.create(session=session, person=world.person_b)
    other = attempt_start(session=session, person=world.person_b, client_id="tab-2")
    submit(examinee, started_attempt, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(
            attempt=other, person_id=other.person_id, client_id="tab-2", grade_later=True
        )
    real_grade = grading_module.attempt_grade

    def fails_for_the_first(attempt):
        if attempt.pk == started_attempt.pk:
            raise ValueError("this paper cannot be graded")
        return real_grade(attempt)

    monkeypatch.setattr(grading_module, "attempt_grade", fails_for_the_first)
    with django_capture_on_commit_callbacks(execute=True):
        grading_module.grade_task_started()
        assert grading_module.attempts_grade_waiting() == 1
    assert Attempt.objects.get(pk=started_attempt.pk).score is None
    assert Attempt.objects.get(pk=other.pk).score is not None
