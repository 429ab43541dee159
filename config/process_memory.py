"""What each process keeps in memory between requests, and one way to forget all of it.

Several modules keep a per-process copy of something that does not change, or changes
rarely, because reading it per request cost more than the request's own work (a paper's
slots, exam texts, the public key ring, the local rate-limit counts, the session-free
lane's index of URL patterns). Each registers how to empty its copy here, once, next to
the copy; a test starts from an empty process with `reset_all()` (tests/conftest.py), so a
new cache needs no new line in the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable

_resets: list[Callable[[], None]] = []


def register_reset(reset: Callable[[], None]) -> Callable[[], None]:
    """Remember how to empty one per-process copy; returns `reset` (usable as a decorator)."""
    if reset not in _resets:
        _resets.append(reset)
    return reset


def reset_all() -> None:
    """Empty every registered copy (tests; nothing in a running server calls it)."""
    for reset in _resets:
        reset()
