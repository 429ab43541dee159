"""Crediting study time from player heartbeats: pure rules, proven with a fake clock.

The player reports every few seconds: which lesson, the playback position, the client (tab)
and a sequence number. The server credits the time between two heartbeats only when all of
these hold (provincial rules since 2024: no fast-forward, no idling, no double study):

- time is the server's: the interval is measured between the server's receipt times, and an
  interval longer than `max_gap` (the player was closed, the phone slept) credits nothing;
- only positions actually watched: the interval's segment must start within what was
  already watched (seeking ahead of the furthest watched point credits nothing until the
  learner is back within watched ground) and must move forward;
- at most 1x speed: the credit is the smaller of the server time elapsed and the playback
  advanced, so watching at 2x credits the real minutes, never the video's;
- one lesson at a time per person: while one client is studying, heartbeats from another
  tab or device credit nothing;
- idle detection: the server asks the learner to respond at random moments; from the moment
  a question goes unanswered past its deadline until it is answered, nothing is credited;
- heartbeats out of order, repeated, for an unknown client or with impossible positions are
  ignored and reported.

The state is a small value object the caller stores (in the database or a cache) per
person; `beat` returns the new state and what to credit, never mutating its input.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

# Heartbeat outcomes the caller logs; only "credited" adds time.
CREDITED = "credited"
SEEK_AHEAD = "seek_ahead"
BACKWARDS = "backwards"
GAP = "gap"
IDLE = "idle"
OTHER_CLIENT = "other_client"
OUT_OF_ORDER = "out_of_order"
IMPOSSIBLE = "impossible"
STARTED = "started"


@dataclass(frozen=True)
class Rules:
    max_gap: dt.timedelta = dt.timedelta(seconds=60)
    # Playback drift tolerated between client and server clocks, per interval.
    tolerance: dt.timedelta = dt.timedelta(seconds=2)
    challenge_deadline: dt.timedelta = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class StreamState:
    """Where one person's study stands: the active lesson and client and their progress."""

    lesson_id: int | None = None
    client_id: str = ""
    last_seq: int = 0
    last_at: dt.datetime | None = None
    last_position: float = 0.0
    # Furthest point watched per lesson, in seconds: {lesson_id: seconds}.
    furthest: tuple[tuple[int, float], ...] = ()
    # An idle check that must be answered by `challenge_due` to keep earning credit.
    challenge_id: str = ""
    challenge_due: dt.datetime | None = None

    def furthest_in(self, lesson_id: int) -> float:
        return dict(self.furthest).get(lesson_id, 0.0)

    def with_furthest(self, lesson_id: int, seconds: float) -> tuple[tuple[int, float], ...]:
        values = dict(self.furthest)
        values[lesson_id] = max(values.get(lesson_id, 0.0), seconds)
        return tuple(sorted(values.items()))


@dataclass(frozen=True)
class Heartbeat:
    lesson_id: int
    client_id: str
    seq: int
    position: float  # seconds into the video, as the player reports it
    duration: float  # the lesson's length in seconds (from the server's lesson record)
    at: dt.datetime  # the server's receipt time


@dataclass(frozen=True)
class Outcome:
    state: StreamState
    credit: dt.timedelta
    result: str


def idle_time(state: StreamState, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """The part of [start, end] after an unanswered idle check fell due."""
    if not state.challenge_id or state.challenge_due is None or state.challenge_due >= end:
        return dt.timedelta(0)
    return end - max(start, state.challenge_due)


def is_active(state: StreamState, at: dt.datetime, rules: Rules = Rules()) -> bool:
    """Is the stream still going at `at` (its last report no older than `max_gap`)?"""
    return state.last_at is not None and at - state.last_at <= rules.max_gap


def stream_refusal(
    state: StreamState, client_id: str, seq: int, at: dt.datetime, rules: Rules = Rules()
) -> str | None:
    """Why a report may not move the stream, or None: one client at a time, each client's
    reports in order, never back in the server's time. Videos and reading pages alike."""
    active = is_active(state, at, rules)
    if active and client_id != state.client_id:
        return OTHER_CLIENT
    if active and seq <= state.last_seq:
        return OUT_OF_ORDER
    if state.last_at is not None and at < state.last_at:
        return OUT_OF_ORDER
    return None


def stream_moved(
    state: StreamState,
    *,
    lesson_id: int,
    client_id: str,
    seq: int,
    at: dt.datetime,
    position: float,
) -> StreamState:
    """The stream after an accepted report: this page, client, report and position."""
    return dataclasses.replace(
        state,
        lesson_id=lesson_id,
        client_id=client_id,
        last_seq=seq,
        last_at=at,
        last_position=position,
    )


def beat(state: StreamState, hb: Heartbeat, rules: Rules = Rules()) -> Outcome:
    """Apply one heartbeat; return the new state, the time to credit and why."""
    zero = dt.timedelta(0)
    if (
        hb.position < 0
        or hb.duration <= 0
        or hb.position > hb.duration + rules.tolerance.total_seconds()
    ):
        return Outcome(state, zero, IMPOSSIBLE)
    refusal = stream_refusal(state, hb.client_id, hb.seq, hb.at, rules)
    if refusal:
        return Outcome(state, zero, refusal)
    active = is_active(state, hb.at, rules)
    new = stream_moved(
        state,
        lesson_id=hb.lesson_id,
        client_id=hb.client_id,
        seq=hb.seq,
        at=hb.at,
        position=hb.position,
    )
    if not active or hb.lesson_id != state.lesson_id:
        # A new stream: nothing to credit yet; the next heartbeat measures from here. A
        # player resumed a little past the furthest point (it played on while its last
        # heartbeat was lost) may go on from there: those seconds are never credited, so
        # skipping them gains nothing, and blocking the rest of the lesson would be unfair.
        if hb.position - state.furthest_in(hb.lesson_id) <= rules.max_gap.total_seconds():
            new = dataclasses.replace(new, furthest=state.with_furthest(hb.lesson_id, hb.position))
        return Outcome(new, zero, STARTED if not active else GAP)

    elapsed = hb.at - state.last_at
    advance = hb.position - state.last_position
    furthest = state.furthest_in(hb.lesson_id)
    tolerance = rules.tolerance.total_seconds()
    if advance < 0:
        return Outcome(new, zero, BACKWARDS)
    if state.last_position > furthest + tolerance:
        # The segment starts beyond what was watched: the learner skipped ahead.
        return Outcome(new, zero, SEEK_AHEAD)
    if advance > elapsed.total_seconds() * 4 + tolerance:
        # Far more video than time: a seek within this interval, not fast playback.
        return Outcome(new, zero, SEEK_AHEAD)
    credit = min(elapsed, dt.timedelta(seconds=advance))
    idle = idle_time(state, state.last_at, hb.at)
    credit = max(zero, credit - idle)
    new = dataclasses.replace(new, furthest=state.with_furthest(hb.lesson_id, hb.position))
    return Outcome(new, credit, IDLE if idle and not credit else CREDITED)


def challenge_issue(
    state: StreamState, challenge_id: str, now: dt.datetime, rules: Rules = Rules()
) -> StreamState:
    """Ask the learner to respond; unanswered past the deadline, credit stops."""
    return dataclasses.replace(
        state, challenge_id=challenge_id, challenge_due=now + rules.challenge_deadline
    )


def challenge_answer(
    state: StreamState, challenge_id: str, now: dt.datetime
) -> tuple[StreamState, bool]:
    """A response clears the check; the idle time before it stays uncredited.

    The stream restarts from the response, so the interval spanning the idle time is not
    credited afterwards either.
    """
    if not state.challenge_id or challenge_id != state.challenge_id:
        return state, False
    late = state.challenge_due is not None and now > state.challenge_due
    return (
        dataclasses.replace(
            state, challenge_id="", challenge_due=None, last_at=now if late else state.last_at
        ),
        True,
    )


def reading_credit(
    opened: dt.datetime, now: dt.datetime, minimum: dt.timedelta, already: dt.timedelta
) -> dt.timedelta:
    """Documents and text: time on the page counts, up to the configured reading time."""
    return max(dt.timedelta(0), min(now - opened, minimum) - already)
