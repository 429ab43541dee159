"""A data version for the report cache: any committed change to what the figures read
bumps it, so a cached table is served only while nothing under it has changed (exact), and
is otherwise recomputed on the next request."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "reports:data-version"
CACHE_SECONDS = 6 * 3600


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set: any new value invalidates
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)


# The version a report read pinned before it chose where to read (reports/replica.py): the
# figures it computes are those of that version, so they are cached under it.
_pinned: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "reports_pinned_version", default=None
)


@contextlib.contextmanager
def version_pinned() -> Iterator[int]:
    """Read the data version once for a block; cached() inside it uses that version."""
    pinned = _pinned.get()
    if pinned is not None:
        yield pinned
        return
    token = _pinned.set(data_version())
    try:
        yield _pinned.get()
    finally:
        _pinned.reset(token)


def _version() -> int:
    pinned = _pinned.get()
    return data_version() if pinned is None else pinned


def data_changed(**kwargs) -> None:
    transaction.on_commit(_bump)


def cached(parts: tuple, compute):
    """compute() once per (parts, data version); parts must identify the query fully.

    On a busy day (an exam day bumps the version with every submitted paper) an entry
    computed under an older version is still served for REPORTS_MAX_STALE_SECONDS
    (production: 60 s; elsewhere 0, i.e. always exact), so a room of regulators watching the
    dashboard does not recompute a county's figures for every paper handed in."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"reports:figures:{digest}"
    version = _version()
    entry = cache.get(key)
    if entry is not None:
        entry_version, computed_at, value = entry
        max_stale = settings.REPORTS_MAX_STALE_SECONDS
        if entry_version == version or time.time() - computed_at < max_stale:
            return value
    value = compute()
    cache.set(key, (version, time.time(), value), timeout=CACHE_SECONDS)
    return value
