"""The maintained figures: each current employment's report flags, and per-enterprise sums
(EnterpriseFigures) and per-enterprise-and-category sums (EnterpriseCategoryFigures) of
them, kept up to date so that today's roll-ups are sums over small rows (reports/rollups.py).

Computed by one function, `_insert_rows`, from the live query itself: figures.annotated()
for the date, filtered to the employments asked for, written by INSERT ... SELECT. The rules
are not written a second time, so the maintained flags are the live ones by construction.

Kept current three ways:
- a committed change to what the flags read (a certificate, hours, an exam, a 三违, a job,
  an enterprise; reports/signals.py) queues the people or enterprise it touches in
  FiguresQueue after the commit; a task drains the whole queue in one batch (deduplicated)
  REPORTS_FIGURES_DELAY seconds later, and beat drains it every minute in case a send was
  lost (broker down). A change of rules (post requirements, hours rules, certificate types,
  industries, study settings) queues a full rebuild.
- time: a flag moves with the date only at dates written on the rows it reads: a
  certificate's valid_from, the day after its valid_until or review date, 30 and 90 days
  before those (expiring_30/90); a credited day; an exam's day; a hire, a leaving; a
  三违's first and last day off the job; 1 January (the year's hours and exams). The daily
  task refreshes exactly the people with such a date in (as_of, today] and sets as_of to
  today (`_due_people`); a new year rebuilds everything.
- `manage.py refresh_report_figures` (or a rule change) rebuilds everything.

Every write takes a table lock first (PostgreSQL; SQLite writes one at a time anyway), then
deletes the rows it recomputes and inserts them again in the same transaction: two refreshes
never interleave, and refreshing twice gives the same rows. A refresh reads the data after
taking the lock, so the last refresh to run has seen every commit queued before it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CreditEntry, ViolationRetraining
from question_banks.models import Attempt
from roster.models import Employment, Enterprise

from . import figures
from .freshness import _bump
from .models import (
    MAINTAINED_FLAGS,
    EmploymentFigures,
    EnterpriseCategoryFigures,
    EnterpriseFigures,
    FiguresQueue,
    MaintainedFiguresState,
)

log = logging.getLogger(__name__)
CHUNK = 500  # ids per statement (SQLite before 3.32 allows 999 parameters)
DRAIN_TASK = "reports.tasks.refresh_report_figures_task"
DRAIN_SENT_KEY = "reports:figures:drain-sent"
_ROW_COLUMNS = ["employment_id", "person_id", "enterprise_id", "category", "employment_form"]


def _chunks(ids: Iterable[int | None]) -> Iterable[list[int]]:
    ordered = sorted({pk for pk in ids if pk is not None})
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _q(name: str) -> str:
    return connections["default"].ops.quote_name(name)


def _execute(sql: str, params: list | tuple = ()) -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _lock() -> None:
    """Serialize the writers (readers are not blocked); inside the caller's transaction."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        table = _q(EmploymentFigures._meta.db_table)
        _execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        # The flags' query has some eighty correlated subqueries: see figures.grouped.
        _execute("SET LOCAL jit = off")


# --------------------------------------------------------------------------- computing rows


def _insert_rows(where: Q | None, on: dt.date) -> int:
    """INSERT the flags of the employments in force on `on` (those matching `where`)."""
    inner = figures.annotated(on=on, enterprises=Enterprise.objects.all())
    if where is not None:
        inner = inner.filter(where)
    # Explicit aliases: the SELECT's column names are then ours, whatever Django calls them.
    aliases = {f"m_{c}": c for c in _ROW_COLUMNS}
    sources = ["pk", "person_id", "enterprise_id", "category", "employment_form"]
    inner = inner.order_by().values(
        *figures.FLAGS, **{a: F(s) for a, s in zip(aliases, sources, strict=True)}
    )
    sql, params = inner.query.sql_with_params()
    columns = [*_ROW_COLUMNS, *MAINTAINED_FLAGS]
    selected = [*(f"t.{_q(a)}" for a in aliases), *(f"t.{_q(f)}" for f in MAINTAINED_FLAGS)]
    table = _q(EmploymentFigures._meta.db_table)
    return _execute(
        f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) "
        f"SELECT {', '.join(selected)} FROM ({sql}) t",
        params,
    )


def _sum_enterprises(enterprise_ids: Iterable[int] | None) -> None:
    """Recompute EnterpriseFigures and EnterpriseCategoryFigures from EmploymentFigures (all
    of them when ids is None)."""
    rows = _q(EmploymentFigures._meta.db_table)
    summed = ", ".join(f"SUM({_q(f)})" for f in MAINTAINED_FLAGS)
    for table, keys in (
        (EnterpriseFigures, ["enterprise_id"]),
        (EnterpriseCategoryFigures, ["enterprise_id", "category"]),
    ):
        sums = _q(table._meta.db_table)
        grouping = ", ".join(_q(k) for k in keys)
        columns = f"{grouping}, {', '.join(_q(c) for c in ['people', *MAINTAINED_FLAGS])}"
        select = f"SELECT {grouping}, COUNT(*), {summed} FROM {rows}"
        if enterprise_ids is None:
            _execute(f"DELETE FROM {sums}")
            _execute(f"INSERT INTO {sums} ({columns}) {select} GROUP BY {grouping}")
            continue
        for chunk in _chunks(enterprise_ids):
            marks = ", ".join(["%s"] * len(chunk))
            _execute(f"DELETE FROM {sums} WHERE enterprise_id IN ({marks})", chunk)
            _execute(
                f"INSERT INTO {sums} ({columns}) {select} WHERE enterprise_id IN ({marks}) "
                f"GROUP BY {grouping}",
                chunk,
            )


def _refresh(person_ids: Iterable[int], enterprise_ids: Iterable[int], on: dt.date) -> int:
    """Recompute the rows of these people's and enterprises' employments (under the lock)."""
    touched: set[int] = set()
    inserted = 0
    batches = [("person_id", c) for c in _chunks(person_ids)]
    batches += [("enterprise_id", c) for c in _chunks(enterprise_ids)]
    rows = _q(EmploymentFigures._meta.db_table)
    for field, chunk in batches:
        where = Q(**{f"{field}__in": chunk})
        # Their rows now, and any row of an employment that matches now (a job whose
        # person or enterprise changed): both go before the new rows come in.
        jobs = Employment.objects.filter(where).values("pk")
        old = EmploymentFigures.objects.filter(where | Q(employment__in=jobs))
        touched.update(old.values_list("enterprise_id", flat=True))
        sql, params = old.values("pk").query.sql_with_params()
        _execute(f"DELETE FROM {rows} WHERE employment_id IN (SELECT * FROM ({sql}) old)", params)
        inserted += _insert_rows(where, on)
        touched.update(
            EmploymentFigures.objects.filter(where).values_list("enterprise_id", flat=True)
        )
    _sum_enterprises(touched)
    return inserted


def _rebuild(on: dt.date) -> int:
    _execute(f"DELETE FROM {_q(EmploymentFigures._meta.db_table)}")
    inserted = _insert_rows(None, on)
    _sum_enterprises(None)
    MaintainedFiguresState.objects.update_or_create(
        pk=1, defaults={"as_of": on, "rebuilt_at": timezone.now()}
    )
    return inserted


# --------------------------------------------------------------------------- time


def _end_of(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def _due_people(since: dt.date, today: dt.date) -> set[int]:
    """The people one of whose flags may differ between `since` and `today` (same year):
    those with a date in (since, today] at which figures.annotated's conditions turn."""

    def crossed(field: str, shift: int = 0) -> Q:
        # field + shift days in (since, today]  <=>  field in (since - shift, today - shift]
        delta = dt.timedelta(days=shift)
        return Q(**{f"{field}__gt": since - delta, f"{field}__lte": today - delta})

    certificate_dates = (
        crossed("valid_from")
        | crossed("valid_until", 1)  # no longer in force the day after
        | crossed("next_review_on", 1)  # review overdue the day after
        | crossed("valid_until", -30)  # due within 30 days from 30 days before
        | crossed("valid_until", -90)
        | crossed("next_review_on", -30)
        | crossed("next_review_on", -90)
    )
    people: set[int] = set()
    people.update(Certificate.objects.filter(certificate_dates).values_list("person_id", flat=True))
    people.update(CreditEntry.objects.filter(crossed("on")).values_list("person_id", flat=True))
    violations = ViolationRetraining.objects.filter(
        crossed("off_job_from") | crossed("returned_on")
    )
    people.update(violations.values_list("person_id", flat=True))
    exams = Attempt.objects.filter(finished_at__gte=_end_of(since), finished_at__lt=_end_of(today))
    people.update(exams.values_list("person_id", flat=True))
    jobs = Employment.objects.filter(crossed("hire_date") | crossed("ended_on"))
    people.update(jobs.values_list("person_id", flat=True))
    return people


def _state() -> MaintainedFiguresState | None:
    return MaintainedFiguresState.objects.filter(pk=1).first()


def _move_on(state: MaintainedFiguresState, today: dt.date) -> int:
    """Bring figures as of state.as_of to today (under the lock)."""
    if state.as_of.year != today.year:
        return _rebuild(today)
    refreshed = _refresh(_due_people(state.as_of, today), (), today)
    MaintainedFiguresState.objects.filter(pk=1).update(as_of=today)
    return refreshed


# --------------------------------------------------------------------------- services


def employment_figures_rebuild(*, today: dt.date | None = None) -> int:
    """Every employment's flags from scratch, as of today; returns the rows written."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock()
        last = FiguresQueue.objects.order_by("-pk").values_list("pk", flat=True).first()
        rows = _rebuild(today)
        if last is not None:  # what was queued before the rebuild is in it
            FiguresQueue.objects.filter(pk__lte=last).delete()
    transaction.on_commit(_bump)
    return rows


def employment_figures_move_on(*, today: dt.date | None = None) -> int:
    """Daily: the flags that change with the date, moved on to today (a first run builds
    everything); returns the rows written."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock()
        state = _state()
        if state is None:
            rows = _rebuild(today)
        elif state.as_of < today:
            rows = _move_on(state, today)
        else:
            rows = 0
    transaction.on_commit(_bump)
    return rows


def employment_figures_drain(*, today: dt.date | None = None) -> int:
    """Recompute what the queue names, in one batch (each person or enterprise once);
    returns the rows written. Before the first build nothing is kept: the queue is emptied."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock()
        entries = list(
            FiguresQueue.objects.order_by("pk").values_list(
                "pk", "person_id", "enterprise_id", "everything"
            )
        )
        if not entries:
            return 0
        state = _state()
        rows = 0
        if state is not None:
            if any(everything for _pk, _p, _e, everything in entries):
                rows = _rebuild(today)
            else:
                if state.as_of < today:
                    rows += _move_on(state, today)
                people = {p for _pk, p, _e, _all in entries if p is not None}
                enterprises = {e for _pk, _p, e, _all in entries if e is not None}
                rows += _refresh(people, enterprises, today)
        FiguresQueue.objects.filter(pk__lte=entries[-1][0]).delete()
    transaction.on_commit(_bump)
    return rows


# --------------------------------------------------------------------------- queueing


_pending = threading.local()


def _pending_items() -> set[tuple[str, int]]:
    items = getattr(_pending, "items", None)
    if items is None:
        items = _pending.items = set()
    return items


def figures_queue(
    *,
    person_ids: Iterable[int | None] = (),
    enterprise_ids: Iterable[int | None] = (),
    everything: bool = False,
) -> None:
    """Queue these people's / enterprises' figures (or all) once the transaction commits.

    Called by reports.signals for every save and delete of what the flags read. Within a
    transaction the items collect in memory; the first on-commit callback writes them all
    in one INSERT and sends one task (the later ones find nothing left)."""
    items = _pending_items()
    items.update(("p", pk) for pk in person_ids if pk is not None)
    items.update(("e", pk) for pk in enterprise_ids if pk is not None)
    if everything:
        items.add(("*", 0))
    # robust: the change has committed; a failed write of the queue is logged, not raised
    # at the caller (the minute's drain and the daily move-on still come).
    transaction.on_commit(_flush, robust=True)


def figures_changed(
    *,
    person_ids: Iterable[int | None] = (),
    enterprise_ids: Iterable[int | None] = (),
    everything: bool = False,
) -> None:
    """For services that write in bulk (no signals): the report cache's version bumped and
    the figures queued, as reports.signals does for a save."""
    figures_queue(person_ids=person_ids, enterprise_ids=enterprise_ids, everything=everything)
    transaction.on_commit(_bump)


def _flush() -> None:
    items = _pending_items()
    if not items:
        return  # an earlier callback of the same commit wrote them
    _pending.items = set()
    if not MaintainedFiguresState.objects.filter(pk=1).exists():
        # Never built (tests, a fresh install): reads use the live query, and the first
        # build computes everything, so there is nothing to keep current. One read instead
        # of a write and a task for every save of a bulk load such as seed_demo.
        return
    FiguresQueue.objects.bulk_create(
        [
            FiguresQueue(
                person_id=pk if kind == "p" else None,
                enterprise_id=pk if kind == "e" else None,
                everything=kind == "*",
            )
            for kind, pk in sorted(items)
        ]
    )
    _schedule_drain()


def _schedule_drain() -> None:
    """One drain task per REPORTS_FIGURES_DELAY seconds: the changes of that window are
    drained together. Without a broker (tests, `make run`) it runs here and now.

    Called after the commit: a broker that refuses the task (down, out of memory,
    read-only) is logged by send_or_leave, never raised at the caller whose change has
    committed; the queued rows are already written, so the beat's minute drain
    ("drain-report-figures") catches the figures up."""
    from django.core.cache import cache

    from config.celery import send_or_leave, tasks_inline

    delay = settings.REPORTS_FIGURES_DELAY
    # The key lapses a second before the task runs, so a change just after it was read
    # sends the next one; at worst two tasks drain one window (the second finds less).
    if not tasks_inline() and not cache.add(
        DRAIN_SENT_KEY, time.time(), timeout=max(int(delay) - 1, 1)
    ):
        return
    send_or_leave(
        DRAIN_TASK,
        sweep="the minute's beat drain of the report figures",
        run_if_down=False,
        options={"countdown": delay},
    )
