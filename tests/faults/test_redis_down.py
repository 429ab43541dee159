"""Redis dies during an exam (ARCHITECTURE.md rule 1): answers are still saved, the submit
answers, and the certificate task is not lost: it runs inline while the broker is gone, and
goes through the broker again (drained by a real worker) once Redis is back.

A real redis-server of our own is the cache and the Celery broker of this process, as
REDIS_URL makes it in production; it is killed with SIGKILL and started again (empty), or
paused with SIGSTOP (a hung Redis: connections accepted, never answered). Rate limits kept
in the cache must keep limiting meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate
from question_banks.models import Attempt, AttemptEvent, AttemptItem, Candidate
from tests.factories import UserFactory
from tests.faults.processes import wait_until

# Committed data: on_commit hooks really run, and a worker thread reads through its own
# connection. serialized_rollback: the flush afterwards must not lose the seeded rows.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cert_session(session):
    session.certificate_type_code = "TZ-DG"
    session.save(update_fields=["certificate_type_code"])
    return session


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def start(client, session, cid):
    response = client.post(f"/exams/session/{session.code}/", {"client": cid})
    assert response.status_code == 302, response.content.decode()[:500]
    return Attempt.objects.get(session=session, status="in_progress", client_id=cid)


def right_answers(attempt):
    return {
        item.position: sorted(o["key"] for o in item.version.options if o["correct"])
        for item in attempt.items.select_related("version")
    }


def save(client, attempt, cid, answers, seq):
    body = {
        "client": cid,
        "answers": [
            {"position": position, "answer": answer, "seq": seq}
            for position, answer in answers.items()
        ],
    }
    response = post_json(client, f"/api/attempts/{attempt.pk}/answers", body)
    assert response.status_code == 200, response.content.decode()[:500]
    assert all(s["applied"] for s in response.json()["saved"])


def issue_on_the_pass(session) -> None:
    """A 合格证, issued by the task on the exam pass alone (a 特种作业 card also waits for
    the practical exam, which is not what these tests are about)."""
    session.certificate_type_code = "ZY-AQY"
    session.save(update_fields=["certificate_type_code"])


@committed
def test_exam_goes_on_when_redis_dies_and_the_certificate_is_issued(on_redis, cert_session, world):
    issue_on_the_pass(cert_session)
    examinee = Client()
    examinee.force_login(world.trainee)
    attempt = start(examinee, cert_session, "tab-1")
    answers = right_answers(attempt)
    positions = sorted(answers)
    half = len(positions) // 2
    save(examinee, attempt, "tab-1", {p: answers[p] for p in positions[:half]}, seq=1)

    on_redis.kill()
    began = time.monotonic()
    save(examinee, attempt, "tab-1", {p: answers[p] for p in positions[half:]}, seq=2)
    response = post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    assert response.status_code == 200, response.content.decode()[:800]
    assert response.json()["status"] == "submitted"
    assert time.monotonic() - began < 15, "a dead Redis must not stall the exam"

    saved = dict(AttemptItem.objects.filter(attempt=attempt).values_list("position", "answer"))
    assert saved == answers
    attempt.refresh_from_db()
    assert attempt.passed
    # No broker: the task ran inline, in the request, rather than being lost.
    assert Certificate.objects.filter(attempt=attempt).count() == 1

    # Redis comes back (empty): the next pass goes through the broker again, not inline.
    on_redis.start()
    person = world.person_b
    Candidate.objects.create(session=cert_session, person=person)
    second = Client()
    second.force_login(UserFactory(username=person.id_number, person=person))
    other = start(second, cert_session, "tab-2")
    save(second, other, "tab-2", right_answers(other), seq=1)
    response = post_json(second, f"/api/attempts/{other.pk}/submit", {"client": "tab-2"})
    assert response.status_code == 200, response.content.decode()[:800]
    assert not Certificate.objects.filter(attempt=other).exists()
    assert on_redis.client().llen("celery") == 1, "the task should wait in the broker"

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        wait_until(
            lambda: Certificate.objects.filter(attempt=other).exists(),
            timeout=30,
            what="the worker to issue the queued certificate",
        )
    assert on_redis.client().llen("celery") == 0
    assert Certificate.objects.count() == 2


@pytest.mark.django_db
def test_a_hung_redis_delays_the_exam_by_seconds_not_forever(
    on_redis, cert_session, world, django_capture_on_commit_callbacks
):
    issue_on_the_pass(cert_session)
    examinee = Client()
    examinee.force_login(world.trainee)
    on_redis.pause()
    # Should the product hang after all, wake Redis up so the test ends and says how long.
    watchdog = threading.Timer(60, on_redis.resume)
    watchdog.start()
    began = time.monotonic()
    # The test's transaction never commits: run the on-commit hooks (cache, task) as a
    # commit would, right after each request.
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start(examinee, cert_session, "tab-1")
    answers = right_answers(attempt)
    save(examinee, attempt, "tab-1", answers, seq=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(examinee, f"/api/attempts/{attempt.pk}/submit", {"client": "tab-1"})
    took = time.monotonic() - began
    watchdog.cancel()
    assert response.status_code == 200, response.content.decode()[:800]
    # Cache calls time out after 1 s and then leave Redis alone for a while; the broker
    # send times out (2 s, one retry) and the task runs inline.
    assert took < 30, f"start, save and submit took {took:.1f} s against a hung Redis"
    saved = dict(AttemptItem.objects.filter(attempt=attempt).values_list("position", "answer"))
    assert saved == answers
    assert Certificate.objects.filter(attempt=attempt).count() == 1
    on_redis.resume()


@pytest.mark.django_db
def test_sign_in_throttle_still_locks_while_redis_is_down(on_redis, settings, world, client):
    settings.LOGIN_THROTTLE = {
        "ACCOUNT_FAILURES": 5,
        "ADDRESS_FAILURES": 20,
        "WINDOW_SECONDS": 900,
        "LOCK_SECONDS": 900,
    }
    on_redis.kill()
    login = world.trainee.username

    def sign_in(password):
        return client.post(
            "/accounts/login/",
            {"username": login, "password": password},
            REMOTE_ADDR="10.0.0.9",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    statuses = [sign_in("wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Counted in this process's memory while Redis is away: the right password waits too.
    assert sign_in("pw-123456").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_verify_rate_limit_still_counts_while_redis_is_down(on_redis, settings, client):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = 3
    on_redis.kill()
    statuses = [
        client.get("/api/verify/NOT-A-TOKEN", REMOTE_ADDR="10.0.0.9").status_code for _ in range(5)
    ]
    assert statuses[:3] == [statuses[0]] * 3 and statuses[0] != 500
    assert statuses[3:] == [429, 429]


def test_readiness_says_the_cache_is_degraded_while_redis_is_down(on_redis, client, db):
    assert client.get("/readyz").json() == {"database": "ok", "cache": "ok"}
    on_redis.kill()
    response = client.get("/readyz")
    # Still ready (exams go on), but the operator sees Redis is gone.
    assert response.status_code == 200
    assert response.json()["cache"].startswith("degraded: Redis unreachable")
    on_redis.start()
    # Redis is tried again a few seconds after a failure (config.cache).
    wait_until(
        lambda: client.get("/readyz").json()["cache"] == "ok",
        timeout=15,
        what="the cache back on Redis",
    )


@committed
def test_a_report_figures_change_while_redis_is_down_waits_for_the_next_drain(
    on_redis, world, settings
):
    """The maintained report figures (reports/maintained.py): with Redis dead the drain task
    cannot be sent, but the change is queued in PostgreSQL; the dashboard answers from the
    live query meanwhile (with the change), and the beat's next drain, through the broker
    once Redis is back, leaves exactly the figures of a full rebuild."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from courses.models import CreditEntry, TrainingKind
    from reports import rollups, selectors
    from reports.maintained import employment_figures_rebuild
    from reports.management.commands.certification_report import SystemPrincipal
    from reports.models import FiguresQueue
    from reports.tasks import refresh_report_figures_task
    from tests.factories import EmploymentFactory
    from tests.faults.figures_probe import figure_rows, rebuilt_rows

    settings.REPORTS_FIGURES_DELAY = 1
    employment_figures_rebuild()
    built = figure_rows()
    on_redis.kill()
    job = EmploymentFactory(enterprise=world.ent_a)
    CreditEntry.objects.create(
        person=job.person,
        on=timezone.localdate(),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.RETRAINING,
        minutes=8 * 60,
    )
    assert FiguresQueue.objects.filter(person_id=job.person_id).exists()
    assert figure_rows() == built and not rollups.maintained_fresh()
    user = SystemPrincipal()
    params = selectors.report_params(user=user)
    live = selectors._grouped_live(user=user, params=params, by=None)[""]
    assert selectors.totals(user=user, params=params)["people"] == live["people"]
    wanted = rebuilt_rows()
    assert wanted != built

    on_redis.start()
    # The beat's minute drain ("drain-report-figures", config/settings/base.py).
    refresh_report_figures_task.delay()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        wait_until(
            lambda: not FiguresQueue.objects.exists(),
            timeout=30,
            what="the worker to drain the queued figures",
        )
    assert figure_rows() == wanted
    assert rollups.maintained_fresh()
    for by in (None, "region", "enterprise", "category"):
        kept = rollups.grouped(
            enterprises=selectors.scoped_enterprises(user=user, params=params),
            category="",
            by=by,
            parent=params.region,
        )
        assert kept == selectors._grouped_live(user=user, params=params, by=by), by


@committed
def test_a_submit_while_redis_is_down_is_recorded_and_the_sweep_grades_it(
    on_redis, cert_session, world, monkeypatch
):
    """Redis dead at the end of an exam, and the grade cannot be run in the request either
    (it fails there): the submit is still answered and recorded (as the exam page sends it,
    with its pass), and the minutely sweep of hand-ins left ungraded grades it once, issuing
    the certificate once, through the broker when Redis is back."""
    import re

    from celery.contrib.testing.worker import start_worker

    import question_banks.tasks as exam_tasks
    from config.celery import app
    from question_banks.services.attempts import grading

    issue_on_the_pass(cert_session)
    examinee = Client()
    examinee.force_login(world.trainee)
    attempt = start(examinee, cert_session, "tab-1")
    page = examinee.get(f"/exams/attempt/{attempt.pk}/").content.decode()
    exam_pass = re.search(r'data-pass="([^"]+)"', page).group(1)
    save(examinee, attempt, "tab-1", right_answers(attempt), seq=1)

    on_redis.kill()
    real_grade = exam_tasks.attempt_grade_pending

    def grade_fails_here(**kwargs):
        raise RuntimeError("the grade could not run in the request")

    monkeypatch.setattr(exam_tasks, "attempt_grade_pending", grade_fails_here)
    response = examinee.post(
        f"/api/attempts/{attempt.pk}/submit",
        json.dumps({"client": "tab-1"}),
        content_type="application/json",
        headers={"X-Exam-Pass": exam_pass},
    )
    assert response.status_code == 200, response.content.decode()[:800]
    assert response.json()["status"] == "submitted"
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("submitted", None)
    assert not Certificate.objects.filter(attempt=attempt).exists()
    monkeypatch.setattr(exam_tasks, "attempt_grade_pending", real_grade)

    # A fresh hand-in is the queue's: the sweep leaves it alone until GRADING_STALE.
    assert exam_tasks.expire_overdue_attempts_task.apply().get() == 0
    stale = timezone.now() - grading.GRADING_STALE - dt.timedelta(seconds=1)
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=stale)
    on_redis.start()
    # The beat's "expire-overdue-attempts", run by a real worker through the broker.
    exam_tasks.expire_overdue_attempts_task.delay()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        wait_until(
            lambda: Certificate.objects.filter(attempt=attempt).exists(),
            timeout=30,
            what="the sweep to grade the paper and the worker to issue its certificate",
        )
    attempt.refresh_from_db()
    assert attempt.score == attempt.total_points and attempt.passed
    # The sweep again, and a late copy of the grade task: nothing is graded or issued twice.
    assert exam_tasks.expire_overdue_attempts_task.apply().get() == 0
    assert exam_tasks.attempt_grade_task.apply(args=[attempt.pk]).get() is False
    assert Certificate.objects.filter(attempt=attempt).count() == 1
    assert AttemptEvent.objects.filter(attempt=attempt, kind="submitted").count() == 1
