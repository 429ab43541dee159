"""A Celery worker is killed (kill -9: a crash, an OOM kill, a machine lost) half-way through
issuing a session's certificates; another worker takes over, the batch is run again, and
every certificate exists exactly once with gap-free numbers (ARCHITECTURE.md rule 5).

Real processes: our own Redis as the broker, `celery -A config worker` (prefork, prefetch 1,
acks late, as production runs it) on the suite's PostgreSQL test database. To kill the
worker at the worst moment, inside the transaction that has taken a number, another
connection holds an uncommitted certificate row for the same attempt: the worker's insert
waits on it, with the number sequence locked and incremented, and is killed right there.

Redis hands a task that a dead worker held to another worker after the transport's
visibility timeout: kombu's default is an hour; the workers here use 3 s
(tests/faults/child_settings.py). Either way nothing is lost; the batch rerun (the session's
"issue certificates" page) issues whatever is still missing at once.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateType,
    NumberSequence,
)
from certificates.services.issuing import session_issue_certificates
from certificates.tasks import issue_certificate_for_attempt_task
from question_banks.models import Candidate
from tests.certificates.conftest import take_exam
from tests.factories import EmploymentFactory
from tests.faults.figures_probe import figure_rows, rebuilt_rows
from tests.faults.processes import celery_worker, database_url, wait_until

pytestmark = [
    pytest.mark.postgres,
    # Workers read committed data; serialized_rollback puts the seeded rows back afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = 8
HELD = 4  # the worker dies inside the 4th task


class _Rollback(Exception):
    pass


@pytest.fixture
def processes():
    started = []
    yield started
    for process in reversed(started):
        process.stop()


def lock_waiters() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_killed_worker_mid_batch_issues_nothing_twice_and_misses_none(
    on_redis, session, world, now, workdir, processes
):
    ctype = CertificateType.objects.get(code="JZ-C1")  # numbered 示建安C1(<year>)<seq:07d>
    people = [EmploymentFactory(enterprise=world.ent_a).person for _ in range(PEOPLE)]
    attempts = []
    for person in people:
        Candidate.objects.create(session=session, person=person)
        attempts.append(take_exam(session, person, now, right=True))
    assert all(a.passed for a in attempts)
    # Linked to the certificate type only now, so passing issued nothing yet: the batch below
    # is the whole of the work.
    session.certificate_type_code = ctype.code
    session.save(update_fields=["certificate_type_code"])
    year = timezone.localtime(attempts[0].finished_at).year

    # Another connection holds an uncommitted certificate for the HELD-th attempt (and for
    # a person outside the batch, so only the attempt's unique index is contended).
    held, release = threading.Event(), threading.Event()
    outsider = EmploymentFactory(enterprise=world.ent_a).person

    def hold():
        try:
            with transaction.atomic():
                Certificate.objects.create(
                    number="HOLD",
                    certificate_type=ctype,
                    person=outsider,
                    attempt=attempts[HELD - 1],
                    first_issued_on=dt.date(year, 1, 1),
                    valid_from=dt.date(year, 1, 1),
                    valid_until=dt.date(year + 3, 1, 1),
                    issuer_code="X",
                    issuer_name="X",
                    source=Certificate.Source.EXAM,
                    status_index=2_000_000_000,
                )
                held.set()
                release.wait(120)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert held.wait(20), "the holding transaction did not start"
        for attempt in attempts:
            issue_certificate_for_attempt_task.delay(attempt.pk)
        assert on_redis.client().llen("celery") == PEOPLE

        worker_env = {
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": on_redis.url,
        }
        first = celery_worker("first", workdir / "first.log", **worker_env)
        processes.append(first)
        waiting = wait_until(
            lambda: (
                Certificate.objects.filter(certificate_type=ctype).count() == HELD - 1
                and lock_waiters()
            ),
            timeout=90,
            what=f"the first worker to issue {HELD - 1} certificates and wait on the {HELD}th",
            log=first.log,
        )
        assert NumberSequence.objects.get(certificate_type=ctype, year=year).last == HELD - 1
        first.kill()
    finally:
        release.set()
        holder.join(30)

    # The dead worker's transaction (number taken, row inserted) is rolled back by
    # PostgreSQL once its backend notices the client is gone.
    (victim,) = waiting
    wait_until(
        lambda: not backend_alive(victim),
        timeout=30,
        what="PostgreSQL to end the killed worker's session",
    )
    assert Certificate.objects.filter(certificate_type=ctype).count() == HELD - 1
    assert NumberSequence.objects.get(certificate_type=ctype, year=year).last == HELD - 1

    # A new worker drains the queue, and gets the dead worker's task back from Redis.
    second = celery_worker("second", workdir / "second.log", **worker_env)
    processes.append(second)
    wait_until(
        lambda: Certificate.objects.filter(certificate_type=ctype).count() == PEOPLE,
        timeout=90,
        what=f"the second worker to issue all {PEOPLE} certificates",
        log=second.log,
    )
    redis = on_redis.client()
    wait_until(
        lambda: redis.llen("celery") == 0 and redis.hlen("unacked") == 0,
        timeout=30,
        what="the queue and Redis's unacknowledged tasks to be empty",
        log=second.log,
    )
    second.stop()

    # The batch run again, as an admin would from the session's page: nothing new.
    issued, problems = session_issue_certificates(session=session, actor=world.system_admin)
    assert problems == []
    assert sorted(c.attempt_id for c in issued) == sorted(a.pk for a in attempts)

    certificates = Certificate.objects.filter(certificate_type=ctype)
    assert certificates.count() == PEOPLE
    assert sorted(certificates.values_list("attempt_id", flat=True)) == sorted(
        a.pk for a in attempts
    )
    assert sorted(certificates.values_list("number", flat=True)) == [
        f"示建安C1({year}){n:07d}" for n in range(1, PEOPLE + 1)
    ]
    assert NumberSequence.objects.get(certificate_type=ctype, year=year).last == PEOPLE
    assert (
        CertificateEvent.objects.filter(certificate__in=certificates, kind="issued").count()
        == PEOPLE
    )


# --------------------------------------------------------------------------- report figures


def test_killed_worker_mid_drain_loses_no_queued_report_figures(
    on_redis, world, workdir, processes, settings
):
    """The maintained report figures (reports/maintained.py): a committed change is queued
    in PostgreSQL and its drain task sent; the worker running the drain is killed inside it
    (waiting on the figures' table lock, its transaction open). Nothing of the change is
    lost: the task comes back from Redis to the next worker, whose drain leaves exactly
    the figures of a full rebuild, and equal to the live query."""
    from courses.models import CreditEntry, TrainingKind
    from reports import rollups, selectors
    from reports.maintained import employment_figures_rebuild
    from reports.management.commands.certification_report import SystemPrincipal
    from reports.models import FiguresQueue

    settings.REPORTS_FIGURES_DELAY = 1
    employment_figures_rebuild()
    built = figure_rows()
    job = EmploymentFactory(enterprise=world.ent_a)  # a new job: a new row, and hours
    CreditEntry.objects.create(
        person=job.person,
        on=timezone.localdate(),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.RETRAINING,
        minutes=8 * 60,
    )
    assert FiguresQueue.objects.filter(person_id=job.person_id).exists()
    wanted = rebuilt_rows()
    assert wanted != built
    redis = on_redis.client()
    assert redis.llen("celery") >= 1, "the drain task should wait in the broker"

    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE reports_employmentfigures IN SHARE ROW EXCLUSIVE MODE")
                held.set()
                release.wait(120)
                raise _Rollback
        except _Rollback:
            pass
        finally:
            connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    worker_env = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": on_redis.url}
    try:
        assert held.wait(20), "the holding transaction did not start"
        first = celery_worker("first", workdir / "figures-first.log", **worker_env)
        processes.append(first)
        (victim,) = wait_until(
            lambda: lock_waiters(),
            timeout=90,
            what="the first worker's drain to wait on the figures' lock",
            log=first.log,
        )
        first.kill()
    finally:
        release.set()
        holder.join(30)
    wait_until(
        lambda: not backend_alive(victim),
        timeout=30,
        what="PostgreSQL to end the killed worker's session",
    )
    # The dead worker's drain was rolled back: the queue still holds the change.
    assert FiguresQueue.objects.filter(person_id=job.person_id).exists()
    assert figure_rows() == built

    second = celery_worker("second", workdir / "figures-second.log", **worker_env)
    processes.append(second)
    wait_until(
        lambda: not FiguresQueue.objects.exists(),
        timeout=90,
        what="the second worker to drain the queue",
        log=second.log,
    )
    wait_until(
        lambda: redis.llen("celery") == 0 and redis.hlen("unacked") == 0,
        timeout=30,
        what="the queue and Redis's unacknowledged tasks to be empty",
        log=second.log,
    )
    second.stop()
    assert figure_rows() == wanted
    user = SystemPrincipal()
    params = selectors.report_params(user=user)
    assert rollups.maintained_fresh()
    for by in (None, "region", "enterprise", "category"):
        kept = rollups.grouped(
            enterprises=selectors.scoped_enterprises(user=user, params=params),
            category="",
            by=by,
            parent=params.region,
        )
        assert kept == selectors._grouped_live(user=user, params=params, by=by), by
