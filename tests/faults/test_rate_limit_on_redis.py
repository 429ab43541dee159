"""The verify limit counted in Redis without a round trip per look-up (config/rate_limit.py):
far from the limit a process reports its count every tenth of a second; near it, every
look-up, so the limit stops a network where it did."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from config import rate_limit

KEY = "tests:rate"


def shared_count() -> int:
    client = cache.client.get_client(write=True)
    return int(client.get(cache.client.make_key(KEY)) or 0)


def test_far_from_the_limit_counts_are_reported_together(on_redis):
    assert all(rate_limit.allowed(KEY, 60, 1000) for _ in range(30))
    # The first look-up opened the shared window; the others wait for the next report.
    assert shared_count() == 1
    time.sleep(rate_limit.SYNC_SECONDS + 0.05)
    assert rate_limit.allowed(KEY, 60, 1000)
    assert shared_count() == 31


def test_near_the_limit_every_look_up_is_counted_and_the_limit_holds(on_redis):
    allowed = [rate_limit.allowed(KEY, 60, 40) for _ in range(45)]
    assert allowed == [True] * 40 + [False] * 5
    assert shared_count() == 45


def test_other_processes_count_is_seen_at_the_next_report(on_redis):
    assert rate_limit.allowed(KEY, 60, 100)
    client = cache.client.get_client(write=True)
    client.incrby(cache.client.make_key(KEY), 99)  # another web process's look-ups
    time.sleep(rate_limit.SYNC_SECONDS + 0.05)
    assert not rate_limit.allowed(KEY, 60, 100)


def test_a_new_window_starts_afresh(on_redis):
    assert all(rate_limit.allowed(KEY, 1, 4) for _ in range(4))
    assert not rate_limit.allowed(KEY, 1, 4)
    time.sleep(1.1)
    assert rate_limit.allowed(KEY, 1, 4)


@pytest.mark.django_db
def test_while_redis_is_down_each_look_up_counts_in_memory(on_redis):
    on_redis.kill()
    allowed = [rate_limit.allowed(KEY, 60, 3) for _ in range(5)]
    assert allowed == [True, True, True, False, False]
