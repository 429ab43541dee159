"""The Redis cache, made to outlive Redis (ARCHITECTURE.md rule 1: a trainee's exam must not
fail because the cache is gone).

django-redis's IGNORE_EXCEPTIONS would answer "nothing" when Redis is unreachable: counters
(`incr`) then return None and rate limits either crash or stop limiting. Instead, while Redis
cannot be reached, each operation falls back to a local-memory cache of this process: pages
keep working, and sign-in and verify rate limits keep counting (per process, so at most
processes x limit, instead of not at all). Once Redis answers again, it is used again; what
was counted or cached locally meanwhile is simply forgotten.

Socket timeouts (settings) make a hung Redis count as unreachable instead of hanging requests,
and after a failure Redis is left alone for a few seconds, so a hung Redis costs one timeout
now and then rather than one per cache call.
"""

from __future__ import annotations

import inspect
import logging
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)
_LOG_EVERY_SECONDS = 60
_RETRY_AFTER_SECONDS = 5
# Per process and Redis location, shared by every thread's cache object.
_down_until: dict[str, float] = {}
_last_logged: dict[str, float] = {}
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "has_key",
    "incr",
    "decr",
    "incr_version",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._where = str(server)
        # LocMemCache keeps its data per name: every thread of the process shares this one.
        self._local = LocMemCache(
            f"redis-fallback:{self._where}", {"TIMEOUT": self.default_timeout}
        )

    @property
    def on_fallback(self) -> bool:
        """True while this process serves the cache from its own memory (Redis unreachable
        at the last attempt, and not retried yet)."""
        return self._redis_down()

    def _redis_down(self) -> bool:
        return time.monotonic() < _down_until.get(self._where, 0.0)

    def _unreachable(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        _down_until[self._where] = now + _RETRY_AFTER_SECONDS
        if now - _last_logged.get(self._where, -_LOG_EVERY_SECONDS) >= _LOG_EVERY_SECONDS:
            _last_logged[self._where] = now
            log.warning(
                "Redis cache unreachable (%s: %s); using this process's memory meanwhile",
                operation,
                exc,
            )


def _with_fallback(name: str):
    primary = getattr(RedisCache, name)
    accepted = set(inspect.signature(getattr(LocMemCache, name)).parameters)

    def operation(self, *args, **kwargs):
        if not self._redis_down():
            try:
                return primary(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._unreachable(name, exc)
        local = {k: v for k, v in kwargs.items() if k in accepted}
        return getattr(self._local, name)(*args, **local)

    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = primary.__doc__
    return operation


for _name in _OPERATIONS:
    setattr(ResilientRedisCache, _name, _with_fallback(_name))


def count_in_window(key: str, seconds: int, *, alias: str = "default") -> int:
    """Count one more event under `key` in a fixed window of `seconds` that starts with the
    first event, and return the count (rate limits). With Redis, one round trip: SET NX EX
    then INCR, pipelined (the verify endpoint's limit is counted on every look-up)."""
    cache = caches[alias]
    if isinstance(cache, ResilientRedisCache) and not cache.on_fallback:
        try:
            return add_in_redis_window(cache, key, seconds)[0]
        except UNREACHABLE as exc:
            cache._unreachable("incr", exc)
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh window
        cache.set(key, 1, seconds)
        return 1


def add_in_redis_window(
    cache: ResilientRedisCache, key: str, seconds: int, count: int = 1
) -> tuple[int, float]:
    """Add `count` to the fixed window under `key` (opened for `seconds` if there is none),
    in one round trip: the window's total and the seconds it has left. Raises what Redis
    raises when it cannot be reached."""
    client = cache.client.get_client(write=True)
    name = cache.client.make_key(key)
    pipe = client.pipeline(transaction=False)
    pipe.set(name, 0, ex=seconds, nx=True)
    pipe.incrby(name, count)
    pipe.pttl(name)
    _, total, ttl_ms = pipe.execute()
    return int(total), max(int(ttl_ms), 0) / 1000
