"""Celery tasks retry through a real outage: they name the exceptions the database actually
raises (config.celery.DATABASE_OUTAGE), not Python's ConnectionError, which none of the
database, Redis or the broker raises, so an outage used to fail the task at once.

The tasks run eagerly here (test settings). With exceptions propagating (as the suite runs
them), Celery's retry raises Retry carrying the outage, where a worker would schedule the next
try; without (the `eager_retries` fixture) an eager task's retry runs it again at once,
counting retries up to the task's maximum, as a worker would after each backoff."""

from types import SimpleNamespace

import pytest
from celery.exceptions import Retry
from django import db
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from certificates import tasks as certificate_tasks
from config import celery_app
from question_banks import tasks as exam_tasks
from reports import tasks as report_tasks

PROJECT_APPS = ("roster.", "courses.", "question_banks.", "certificates.", "reports.")


def retrying_tasks():
    return [
        task
        for name, task in sorted(celery_app.tasks.items())
        if name.startswith(PROJECT_APPS) and getattr(task, "autoretry_for", ())
    ]


@pytest.fixture
def eager_retries(monkeypatch):
    """An eager retry is applied again at once, but only when exceptions do not propagate."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


def flaky(outage: Exception, failures: int, result):
    """A stand-in for the task's service: `failures` outages, then `result`."""
    calls = []

    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise outage
        return result

    return call, calls


@pytest.mark.parametrize(
    "outage",
    [
        db.OperationalError,
        db.InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
        BrokerOperationalError,
    ],
)
def test_none_of_the_real_outages_is_pythons_connection_error(outage):
    """Why `autoretry_for=(ConnectionError,)` never retried anything."""
    assert not issubclass(outage, ConnectionError)


def test_the_tasks_that_retry_are_known_and_safe_to_run_twice():
    names = {task.name for task in retrying_tasks()}
    assert names == {
        certificate_tasks.issue_certificate_for_attempt_task.name,
        exam_tasks.session_predraw_task.name,
        # Safe to retry: grading locks the paper and grades only one still without a score.
        exam_tasks.attempt_grade_task.name,
        # Safe to retry: the maintained report figures are recomputed from the data, and
        # a queue drained twice or a day moved on twice leaves the same rows.
        report_tasks.refresh_report_figures_task.name,
        report_tasks.move_report_figures_on_task.name,
        # Safe to retry: each step only runs on a job still waiting for it.
        exam_tasks.question_import_check_task.name,
        exam_tasks.question_import_run_task.name,
    }


@pytest.mark.parametrize("task", retrying_tasks(), ids=lambda task: task.name.rsplit(".", 1)[-1])
def test_every_retrying_task_names_the_databases_real_exceptions(task):
    for outage in (db.OperationalError("server closed"), db.InterfaceError("connection closed")):
        assert isinstance(outage, task.autoretry_for)
    assert ConnectionError not in task.autoretry_for
    assert task.max_retries and task.retry_backoff  # a maximum, and backoff between tries


@pytest.mark.parametrize(
    "outage",
    [db.OperationalError("server closed the connection"), db.InterfaceError("connection closed")],
    ids=["OperationalError", "InterfaceError"],
)
def test_a_database_outage_inside_the_certificate_task_makes_celery_retry_it(monkeypatch, outage):
    issue, _calls = flaky(outage, failures=1, result=SimpleNamespace(number="N-0001"))
    monkeypatch.setattr(certificate_tasks, "certificate_issue_for_attempt", issue)
    with pytest.raises(Retry) as retry:
        certificate_tasks.issue_certificate_for_attempt_task.apply(args=(7,))
    assert retry.value.exc is outage


def test_a_database_outage_inside_the_certificate_task_is_retried_until_it_passes(
    monkeypatch, eager_retries
):
    issue, calls = flaky(
        db.OperationalError("server closed the connection unexpectedly"),
        failures=2,
        result=SimpleNamespace(number="N-0001"),
    )
    monkeypatch.setattr(certificate_tasks, "certificate_issue_for_attempt", issue)
    result = certificate_tasks.issue_certificate_for_attempt_task.apply(args=(7,))
    assert result.successful() and result.result == "N-0001"
    assert len(calls) == 3  # two outages, two retries, then issued


def test_a_dropped_connection_inside_the_paper_drawing_task_is_retried(monkeypatch, eager_retries):
    session = SimpleNamespace(is_published=True)
    get, calls = flaky(db.InterfaceError("connection already closed"), failures=1, result=session)
    sessions = SimpleNamespace(
        objects=SimpleNamespace(select_related=lambda *a: SimpleNamespace(get=get))
    )
    monkeypatch.setattr(exam_tasks, "ExamSession", sessions)
    monkeypatch.setattr(exam_tasks, "session_predraw", lambda *, session: 12)
    result = exam_tasks.session_predraw_task.apply(args=(3,))
    assert result.successful() and result.result == 12
    assert len(calls) == 2


def test_an_outage_that_outlasts_the_retries_fails_the_task_with_it(monkeypatch, eager_retries):
    task = certificate_tasks.issue_certificate_for_attempt_task
    issue, calls = flaky(db.OperationalError("the database system is shutting down"), 99, None)
    monkeypatch.setattr(certificate_tasks, "certificate_issue_for_attempt", issue)
    result = task.apply(args=(7,))
    assert result.failed() and isinstance(result.result, db.OperationalError)
    assert len(calls) == task.max_retries + 1


def test_two_first_look_ups_of_a_task_at_once_both_find_it(monkeypatch):
    """A web process's first submits arrive together: each thread that asks for the grading
    task by name before the tasks modules are loaded gets it (none sees NotRegistered)."""
    import sys
    import threading

    from config.celery import app, task_named

    name = "question_banks.tasks.attempt_grade_task"
    monkeypatch.delitem(app.tasks, name)
    monkeypatch.delitem(sys.modules, "question_banks.tasks")
    found, start = [], threading.Barrier(8)

    def look_up():
        start.wait()
        found.append(task_named(name).name)

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [name] * 8
