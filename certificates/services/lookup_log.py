"""The verification log's writer: look-ups are written to the database together, a few
hundred rows at a time, by one thread per process instead of one INSERT per request.

On an inspection day every look-up (page or API) adds a row. Written by the request, that
row costs a round trip to PostgreSQL, the INSERT and its commit: about a tenth of what a
look-up costs the server (bench/bench_requests.py). Queued here, the request only appends
to a list; a flusher thread writes what has queued every VERIFICATION_LOG_FLUSH_SECONDS,
or at once when VERIFICATION_LOG_BATCH rows wait, in one multi-row INSERT.

What it costs: rows reach the table up to that many seconds late, and a process that is
killed outright (SIGKILL, power loss) loses the rows it had not written yet, as the
asynchronous commit of these rows already could on a database crash. A process that stops
normally writes them on its way out. When the database is unreachable, rows wait (at most
VERIFICATION_LOG_MAX_WAITING, the oldest dropped first, with a warning) and are written
when it is back. Only statistics are at stake: a verdict never waits on its log row.

VERIFICATION_LOG_BATCH = 0 (the default outside production) writes each row in the request,
as before, which is what a single-user SQLite installation and the tests want.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import threading
import time
from collections.abc import Sequence

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)

logger = logging.getLogger(__name__)

COLUMNS = "(certificate_id, at, channel, result, network, agent)"
_INSERT = f"INSERT INTO certificates_verification {COLUMNS} VALUES "
_ROW = "(%s, %s, %s, %s, %s, %s)"
# The commit of log rows does not wait for the disk (asynchronous commit, for this one
# transaction only).
_ASYNC = "SET LOCAL synchronous_commit TO OFF"

Row = Sequence  # certificate_id, at, channel, result, network, agent


def insert_rows(rows: Sequence[Row]) -> None:
    """Write rows in one statement (on this thread's connection)."""
    if not rows:
        return
    sql = _INSERT + ", ".join([_ROW] * len(rows))
    params = [value for row in rows for value in row]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    # Two statements: parameters bound by the server take one statement a message.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ASYNC)
        cursor.execute(sql, params)


def _insert_one_by_one(rows: Sequence[Row]) -> None:
    """A row whose certificate was deleted while it waited fails the batch's foreign key:
    each row alone then, such a row without its certificate (as the deletion would have
    left it had the row been written first)."""
    for row in rows:
        try:
            with transaction.atomic():
                insert_rows([row])
        except IntegrityError:
            insert_rows([(None, *row[1:])])


class LookupLog:
    """Rows waiting to be written, and the thread that writes them."""

    def __init__(self, *, batch: int, seconds: float, max_waiting: int):
        self.batch = batch
        self.seconds = seconds
        self.max_waiting = max_waiting
        self._rows: list[Row] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._in_flight = 0
        self._stopping = False
        self.dropped = 0

    def add(self, row: Row) -> None:
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= self.batch
            if self._thread is None:
                self._start()
        if full:
            self._wake.set()

    def waiting(self) -> int:
        """Rows not in the table yet (queued, or being written)."""
        with self._lock:
            return len(self._rows) + self._in_flight

    def flush(self) -> int:
        """Write every waiting row now; returns how many were written. When the database
        cannot be reached, the rows not written go back to the front of the queue."""
        with self._lock:
            rows, self._rows = self._rows, []
            self._in_flight += len(rows)
        written = 0
        try:
            size = max(self.batch, 1)
            while written < len(rows):
                chunk = rows[written : written + size]
                try:
                    insert_rows(chunk)
                except IntegrityError:
                    _insert_one_by_one(chunk)
                written += len(chunk)
        except (OperationalError, InterfaceError) as exc:
            self._requeue(rows[written:], exc)
        except DatabaseError:
            # Not a connection problem, so retrying would fail the same way for ever.
            logger.exception("verification log: %d look-ups not written", len(rows) - written)
        finally:
            with self._lock:
                self._in_flight -= len(rows)
        return written

    def _requeue(self, rows: list[Row], exc: Exception) -> None:
        with self._lock:
            self._rows[:0] = rows
            excess = len(self._rows) - self.max_waiting
            if excess > 0:
                del self._rows[:excess]
                self.dropped += excess
        logger.warning(
            "verification log: %d look-ups not written yet (%s); retrying%s",
            len(rows),
            type(exc).__name__,
            f", {excess} oldest dropped" if excess > 0 else "",
        )

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="verification-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # the thread must outlive any one batch
                logger.exception("verification log: flush failed")
            finally:
                # This thread's own connection: dropped when broken (a restarted server)
                # or past its CONN_MAX_AGE, as a request thread's would be.
                close_old_connections()
        connection.close()

    def stop(self) -> None:
        """Write what waits and stop the thread (at the process's normal exit; again is
        harmless)."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()


_log: LookupLog | None = None
_log_lock = threading.Lock()


def lookup_log() -> LookupLog | None:
    """This process's queue, or None when rows are written by the request."""
    global _log
    batch = settings.VERIFICATION_LOG_BATCH
    if batch <= 0:
        return None
    if _log is None:
        with _log_lock:
            if _log is None:
                _log = LookupLog(
                    batch=batch,
                    seconds=settings.VERIFICATION_LOG_FLUSH_SECONDS,
                    max_waiting=settings.VERIFICATION_LOG_MAX_WAITING,
                )
                # A worker process of the web server (multiprocessing) ends with os._exit,
                # which skips atexit; its finalizers still run on a normal stop.
                multiprocessing.util.Finalize(_log, _write_on_exit, exitpriority=10)
    return _log


def record(row: Row) -> None:
    """Log one look-up: queued when batching, otherwise written now."""
    log = lookup_log()
    if log is None:
        insert_rows([row])
    else:
        log.add(row)


@atexit.register
def _write_on_exit() -> None:
    if _log is not None:
        _log.stop()


def _forget_in_child() -> None:
    # A forked child (a worker of a pre-forking server) starts with the parent's rows, which
    # the parent writes, and without its thread: it starts its own queue.
    global _log
    _log = None


os.register_at_fork(after_in_child=_forget_in_child)


def wait_until_written(timeout: float = 5.0) -> bool:
    """For tests and the benchmark: True once nothing waits."""
    deadline = time.monotonic() + timeout
    while _log is not None and _log.waiting() and time.monotonic() < deadline:
        _log._wake.set()
        time.sleep(0.01)
    return _log is None or not _log.waiting()
