"""Signals the roster sends, so that apps above it keep their own rows in step with the
rosters without the roster importing them (as question_banks.signals does for grading).

`jobs_changed` is sent inside the transaction that changed people's current jobs: hired,
moved or transferred, left, or their department, post or category changed. Listeners do
their own work after the commit (transaction.on_commit), so a failure there never undoes a
roster change, and a change rolled back tells nobody."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.dispatch import Signal

# kwargs: person_ids (a frozenset of Person ids).
jobs_changed = Signal()


def jobs_changed_send(person_ids: Iterable[int | None]) -> None:
    ids = frozenset(pk for pk in person_ids if pk)
    if ids:
        jobs_changed.send(sender=None, person_ids=ids)


def after_commit_for_people(
    key: str, person_ids: Iterable[int], run: Callable[[list[int]], None]
) -> None:
    """Run `run(sorted ids)` after the commit, once for all the people named in the
    transaction under `key`: an import that changes a thousand people's jobs one row at a
    time asks for one sync, not a thousand. Each signal registers a callback, and the first
    to run takes every id collected so far (the others find none); ids of a transaction that
    rolled back wait for the next run, which only finds them already in step."""
    connection = transaction.get_connection()
    pending: set[int] = connection.__dict__.setdefault("_people_changed", {}).setdefault(key, set())
    pending.update(person_ids)

    def flush() -> None:
        ids = sorted(pending)
        pending.clear()
        if ids:
            run(ids)

    transaction.on_commit(flush)
