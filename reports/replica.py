"""Report reads from a streaming replica (`DATABASE_REPLICA_URL`), never staler than the data
version the report cache keys on.

The regulator's pages, exports and API figures run long aggregate queries; on a replica they
take no CPU or buffer cache from the exam day on the primary. Only those reads move: a view
opts in with `@reads_reports` (or `with report_reads():`), everything else, and every write,
stays on the primary.

Staleness is bounded by waiting, not by hoping. On entry the context pins the report cache's
data version, then reads the primary's WAL position, then waits (at most
`REPORTS_REPLICA_MAX_WAIT` seconds) for the replica to have replayed up to it. Every commit
counted in the pinned version bumped it after committing, so its WAL lies before that
position: figures read on the replica are exactly those of the version they are cached under.
A replica that is further behind, unreachable or not configured leaves the reads on the
primary, so a lagging replica slows nothing down and never shows an old figure.

Inside a transaction on the primary (a test case, or code that has just written) the reads stay
there too: they must see that transaction's own uncommitted rows.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError, connections

from .freshness import version_pinned

REPLICA = "replica"
log = logging.getLogger(__name__)


_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "report_read_alias", default=None
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str | None:
    """The database the current report read goes to, or None outside one."""
    return _alias.get()


def _primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        # Where WAL is inserted, not where it is written: a commit made with
        # synchronous_commit off is visible here before the WAL writer has written it.
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def _replica_has(lsn: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        # A server not in recovery is the primary itself (a set-up with one database named
        # twice): it has everything.
        cursor.execute(
            "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
        )
        return bool(cursor.fetchone()[0])


def replica_caught_up(max_wait: float) -> bool:
    """Wait up to max_wait seconds for the replica to replay what the primary has now."""
    try:
        lsn = _primary_lsn()
        deadline = time.monotonic() + max_wait
        pause = 0.005
        while not _replica_has(lsn):
            if time.monotonic() >= deadline:
                log.warning("report replica more than %.1f s behind; reading the primary", max_wait)
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        return True
    except DatabaseError:
        log.warning("report replica unreachable; reading the primary", exc_info=True)
        return False


def _choose_alias() -> str:
    if not replica_configured() or connections["default"].in_atomic_block:
        return "default"
    max_wait = settings.REPORTS_REPLICA_MAX_WAIT
    return REPLICA if replica_caught_up(max_wait) else "default"


@contextlib.contextmanager
def report_reads() -> Iterator[str]:
    """Send this block's ORM reads to the replica when it has caught up (see the module);
    yields the alias chosen."""
    outer = _alias.get()
    if outer is not None:  # nested: the outer choice stands
        yield outer
        return
    # The version first, then the primary's position: see the module on why.
    with version_pinned():
        token = _alias.set(_choose_alias())
        try:
            yield _alias.get()
        finally:
            _alias.reset(token)


def reads_reports(view: Callable) -> Callable:
    """Decorator form of report_reads() for views and API operations."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with report_reads():
            return view(*args, **kwargs)

    return wrapper


class ReportReplicaRouter:
    """Routes the reads of a report_reads() block to the replica; all else to the primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: an object read there may be linked
        # to one read here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
