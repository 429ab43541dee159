"""A rate limit shared by every web process without a cache round trip per request.

The certificate look-up is limited per network (a scraper walking certificate numbers is
stopped), and an inspection day sends hundreds of look-ups a second from networks nowhere
near their limit: counting each of them in Redis (one round trip, and Redis's own time on
the same cores) cost a good part of the look-up. Here each process counts locally and
adds its count to the shared one (the fixed window of config.cache.count_in_window) at most
every `SYNC_SECONDS` while the network is far from its limit, and on every request once
it is near: past half of the limit, or with a twentieth of it counted locally. So a
network is stopped at its limit as before, give or take a twentieth of it per process for
a tenth of a second. Without Redis (local-memory cache, or Redis unreachable) every
request is counted at once, as before.

Hand-written rather than a library (django-ratelimit, django-axes): those count every request
in the cache, the round trip this module exists to avoid, and none shares a window between
processes with a local count in front of it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.core.cache import caches

from config.cache import (
    UNREACHABLE,
    ResilientRedisCache,
    add_in_redis_window,
    count_in_window,
)
from config.process_memory import register_reset

SYNC_SECONDS = 0.1
_MAX_KEYS = 10_000  # networks tracked per process; beyond, counted one by one
_lock = threading.Lock()


@dataclass
class _Tally:
    window_ends: float  # time.monotonic(), as the shared window's TTL said
    shared: int = 0  # the shared count at the last report (this process's part included)
    pending: int = 0  # counted here since
    reported_at: float = float("-inf")


_tallies: dict[str, _Tally] = {}


def allowed(key: str, seconds: int, limit: int, *, alias: str = "default") -> bool:
    """Count one more request under `key`; False once the window holds more than `limit`."""
    cache = caches[alias]
    if not isinstance(cache, ResilientRedisCache) or cache.on_fallback:
        return count_in_window(key, seconds, alias=alias) <= limit
    now = time.monotonic()
    with _lock:
        tally = _tallies.get(key)
        if tally is None or now >= tally.window_ends:
            if tally is None and len(_tallies) >= _MAX_KEYS:
                _forget_ended(now)
            if len(_tallies) >= _MAX_KEYS:
                return count_in_window(key, seconds, alias=alias) <= limit
            tally = _tallies[key] = _Tally(window_ends=now + seconds)
        tally.pending += 1
        near = tally.shared + tally.pending > limit // 2 or tally.pending >= max(1, limit // 20)
        if not near and now - tally.reported_at < SYNC_SECONDS:
            return True
        sending, tally.pending, tally.reported_at = tally.pending, 0, now
    try:
        total, ttl = add_in_redis_window(cache, key, seconds, sending)
    except UNREACHABLE as exc:
        cache._unreachable("rate limit", exc)
        return count_in_window(key, seconds, alias=alias) <= limit
    with _lock:
        tally.shared = max(tally.shared, total)  # a report of another thread may be newer
        if ttl > 0:
            tally.window_ends = now + ttl
    return total <= limit


def _forget_ended(now: float) -> None:
    for key in [key for key, tally in _tallies.items() if now >= tally.window_ends]:
        del _tallies[key]


@register_reset
def forget() -> None:
    """Drop every local count (tests; a process starting afresh)."""
    with _lock:
        _tallies.clear()
