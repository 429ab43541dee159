"""The write step every import shares: all good rows in one transaction, or nothing.

The service of each app passes its good rows and a function that writes one of them (and
checks, in that app's service, that the actor may write it). Whatever happens, the decision is
the same for every import:

* a row the writer refuses (:class:`RowRefused`) is a bad row like one the parser found;
* with any bad row and not ``only_valid``, nothing is written (``refused``);
* on a dry run nothing is written either, but every write was tried and rolled back, so the
  counts of a check page are what the real import will do;
* a crash half-way leaves nothing behind (one transaction, one audit row inside it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import transaction

from documents.errors import RowError
from documents.gc_pause import cyclic_gc_paused

from .report import ImportReport

Row = TypeVar("Row")
Report = TypeVar("Report", bound=ImportReport)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


class RowRefused(Exception):
    """A writer's refusal of one good row (someone else's object, a clash the database found);
    carries the row error to report."""

    def __init__(self, error: RowError):
        super().__init__(error.reason)
        self.error = error


def run_import(
    *,
    rows: Iterable[Row],
    write_row: Callable[[Row], str | None],
    report: Report,
    only_valid: bool,
    dry_run: bool,
    audit: Callable[[Report], None] | None = None,
    progress: Callable[[int], None] | None = None,
    write_batch: Callable[[list[Row]], dict[int, str]] | None = None,
) -> Report:
    """Write every row with ``write_row`` (which returns CREATED, UPDATED, UNCHANGED or None
    for a row it counts itself) inside one transaction, each in a savepoint.

    ``report`` arrives holding the parser's errors; ``audit`` is called inside the
    transaction when the rows are written; ``progress`` with the number of rows done so far.

    ``write_batch``, when given, first writes in bulk the rows it can (a few queries for
    thousands of rows instead of several per row) and returns their outcomes by position;
    every other row then goes through ``write_row`` as before, so the report is the same.
    """
    rows = list(rows)
    with cyclic_gc_paused(), transaction.atomic():
        batched = write_batch(rows) if write_batch is not None else {}
        for done, row in enumerate(rows, start=1):
            outcome: str | None
            try:
                if done - 1 in batched:
                    outcome = batched[done - 1]
                else:
                    with transaction.atomic():
                        outcome = write_row(row)
            except RowRefused as refusal:
                report.errors.append(refusal.error)
                outcome = None
            if outcome == CREATED:
                report.created += 1
            elif outcome == UPDATED:
                report.updated += 1
            elif outcome == UNCHANGED:
                report.unchanged += 1
            if progress is not None:
                progress(done)
        # Decided after the loop: a row the writer refused counts as bad too.
        report.refused = bool(report.errors) and not only_valid
        report.written = not dry_run and not report.refused
        if report.written:
            if audit is not None:
                audit(report)
        else:
            transaction.set_rollback(True)
    return report
