"""The verification log's batched writer (production): look-ups queue in the process and a
thread writes them together; nothing is lost when the database is away for a moment, or
when a certificate is deleted while its look-up waits, or when the process stops."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import CertificateType, Verification
from certificates.services import lookup_log
from certificates.services.issuing import certificate_issue
from certificates.services.lookup_log import LookupLog
from certificates.services.retention import replacing

pytestmark = pytest.mark.django_db
# The writer thread has its own connection, and a deleted certificate's foreign key fails at
# commit: those tests commit for real. serialized_rollback keeps the seeded rows afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _no_queue_left_over():
    cache.clear()
    yield
    log, lookup_log._log = lookup_log._log, None
    if log is not None:
        log.stop()
    cache.clear()


def row(certificate_id=None, minute=0, result="valid"):
    at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=60 - minute)
    return (certificate_id, at, "api", result, "203.0.113.0/24", "Chrome/Android")


def eventually(check, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def queue(batch=100, seconds=60.0, max_waiting=1000) -> LookupLog:
    # A long interval: the thread stays asleep unless the test wakes it.
    return LookupLog(batch=batch, seconds=seconds, max_waiting=max_waiting)


def test_queued_rows_are_written_together_in_one_statement():
    log = queue()
    for minute in range(5):
        log.add(row(minute=minute))
    assert Verification.objects.count() == 0
    with CaptureQueriesContext(connection) as queries:
        assert log.flush() == 5
    assert len([q for q in queries if "INSERT" in q["sql"]]) == 1
    assert Verification.objects.count() == 5
    assert log.waiting() == 0
    log.stop()


@committed
def test_a_full_batch_wakes_the_writer_thread():
    log = queue(batch=3)
    for minute in range(3):
        log.add(row(minute=minute))
    # The thread sleeps for a minute unless woken: the third row wakes it.
    assert eventually(lambda: Verification.objects.count() == 3)
    log.stop()


@committed
def test_the_writer_thread_writes_what_waits_after_its_interval():
    log = queue(seconds=0.05)
    log.add(row())
    assert eventually(lambda: Verification.objects.count() == 1)
    log.stop()


def test_rows_wait_while_the_database_is_unreachable_then_go_in_order(monkeypatch, caplog):
    log = queue()
    for minute in range(3):
        log.add(row(minute=minute, result=f"r{minute}"))
    real = lookup_log.insert_rows

    def unreachable(rows):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(lookup_log, "insert_rows", unreachable)
    assert log.flush() == 0
    assert log.waiting() == 3
    assert "not written yet (OperationalError)" in caplog.text
    log.add(row(minute=10, result="r10"))  # a look-up while it is away
    monkeypatch.setattr(lookup_log, "insert_rows", real)
    assert log.flush() == 4
    assert list(Verification.objects.order_by("at").values_list("result", flat=True)) == [
        "r0",
        "r1",
        "r2",
        "r10",
    ]
    log.stop()


def test_a_long_outage_drops_the_oldest_rows_past_the_bound(monkeypatch, caplog):
    log = queue(max_waiting=3)
    for minute in range(5):
        log.add(row(minute=minute, result=f"r{minute}"))
    monkeypatch.setattr(
        lookup_log, "insert_rows", lambda rows: (_ for _ in ()).throw(OperationalError("down"))
    )
    log.flush()
    assert log.waiting() == 3 and log.dropped == 2
    assert "2 oldest dropped" in caplog.text
    monkeypatch.undo()
    log.flush()
    assert sorted(Verification.objects.values_list("result", flat=True)) == ["r2", "r3", "r4"]
    log.stop()


@committed
def test_a_certificate_deleted_while_its_look_up_waits_keeps_the_look_up(cert, world):
    other = certificate_issue(
        person=world.person_b, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    log = queue()
    log.add(row(cert.pk, minute=1, result="gone"))
    log.add(row(other.pk, minute=2, result="kept"))
    # The row vanishing is the point here, not how: the retention guard (which refuses a
    # young certificate's deletion) is set aside.
    with replacing():
        cert.delete()
    assert log.flush() == 2
    logged = dict(Verification.objects.values_list("result", "certificate_id"))
    assert logged == {"gone": None, "kept": other.pk}
    log.stop()


@committed
def test_a_stopping_process_writes_its_queue(settings, client, cert):
    settings.VERIFICATION_LOG_BATCH = 50
    settings.VERIFICATION_LOG_FLUSH_SECONDS = 60
    for _ in range(3):
        assert client.get(f"/api/verify/{cert.token}").status_code == 200
    assert Verification.objects.count() == 0  # queued, not written by the requests
    lookup_log._write_on_exit()  # what atexit / the worker's finalizer calls
    assert Verification.objects.filter(certificate=cert, channel="api").count() == 3


@committed
def test_the_verify_page_with_batching_logs_each_look_up(settings, client, cert):
    settings.VERIFICATION_LOG_BATCH = 2
    settings.VERIFICATION_LOG_FLUSH_SECONDS = 0.05
    for _ in range(5):
        response = client.get(f"/verify/{cert.token}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert 'data-status="valid"' in response.content.decode()
    assert lookup_log.wait_until_written()
    assert Verification.objects.filter(certificate=cert, channel="web").count() == 5


def test_a_forked_child_starts_its_own_queue(settings):
    settings.VERIFICATION_LOG_BATCH = 10
    parent = lookup_log.lookup_log()
    lookup_log._forget_in_child()  # as os.register_at_fork runs it in the child
    child = lookup_log.lookup_log()
    assert child is not parent and child.waiting() == 0
    parent.stop()


def test_without_batching_the_request_writes_its_row(client, cert):
    assert lookup_log.lookup_log() is None
    client.get(f"/api/verify/{cert.token}")
    assert Verification.objects.filter(certificate=cert).count() == 1
