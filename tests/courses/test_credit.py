"""A 10-minute lesson played in every way issue 4 names, on a fake clock."""

import datetime as dt

from courses.credit import (
    IMPOSSIBLE,
    OTHER_CLIENT,
    OUT_OF_ORDER,
    Heartbeat,
    StreamState,
    beat,
    challenge_answer,
    challenge_issue,
    reading_credit,
    stream_refusal,
)

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LESSON, DURATION = 7, 600.0


class Player:
    """Sends heartbeats like the page does; the clock and positions are ours to move."""

    def __init__(self, state=None, client="tab-A"):
        self.state = state or StreamState()
        self.client = client
        self.seq = 0
        self.credited = dt.timedelta(0)
        self.results = []

    def beat(self, second, position, client=None, seq=None, lesson=LESSON):
        self.seq += 1
        hb = Heartbeat(
            lesson_id=lesson,
            client_id=client or self.client,
            seq=self.seq if seq is None else seq,
            position=position,
            duration=DURATION,
            at=T0 + dt.timedelta(seconds=second),
        )
        outcome = beat(self.state, hb)
        self.state = outcome.state
        self.credited += outcome.credit
        self.results.append(outcome.result)
        return outcome


def minutes(delta):
    return delta.total_seconds() / 60


def test_watching_normally_credits_ten_minutes():
    player = Player()
    for t in range(0, 601, 10):
        player.beat(t, t)
    assert minutes(player.credited) == 10


def test_seeking_ahead_credits_only_what_was_watched():
    player = Player()
    for t in range(0, 121, 10):
        player.beat(t, t)  # 2 minutes watched
    player.beat(130, 400)  # jump to 6:40
    for n, t in enumerate(range(140, 341, 10), start=1):
        player.beat(t, 400 + 10 * n)  # plays on to 10:00, ahead of what was watched
    assert minutes(player.credited) == 2


def test_seeking_back_to_the_furthest_point_resumes_credit():
    player = Player()
    for t in range(0, 121, 10):
        player.beat(t, t)
    player.beat(130, 400)  # skip ahead: nothing
    player.beat(140, 120)  # back to where they were
    for n, t in enumerate(range(150, 631, 10), start=1):
        player.beat(t, 120 + 10 * n)
    assert minutes(player.credited) == 10


def test_double_speed_credits_the_real_minutes_only():
    player = Player()
    for t in range(0, 301, 10):
        player.beat(t, 2 * t)  # the whole video in 5 minutes
    assert minutes(player.credited) == 5


def test_a_second_tab_does_not_double_the_credit():
    player = Player()
    for tab_b_seq, t in enumerate(range(0, 601, 10), start=1):
        player.beat(t, t)
        hb = Heartbeat(
            LESSON + 1, "tab-B", tab_b_seq, t, DURATION, T0 + dt.timedelta(seconds=t + 1)
        )
        outcome = beat(player.state, hb)
        assert outcome.result == OTHER_CLIENT and outcome.credit == dt.timedelta(0)
    assert minutes(player.credited) == 10


def test_forged_heartbeats_credit_nothing():
    player = Player()
    for t in range(0, 301, 10):
        player.beat(t, t)
    before = player.credited
    assert player.beat(310, 900).result == IMPOSSIBLE  # beyond the video's end
    assert player.beat(310, 310, seq=3).result == OUT_OF_ORDER  # a replayed sequence number
    replay = Heartbeat(LESSON, "tab-A", 999, 305, DURATION, T0 + dt.timedelta(seconds=200))
    assert beat(player.state, replay).result == OUT_OF_ORDER  # stamped earlier than the last
    assert player.credited == before


def test_an_unanswered_idle_check_stops_credit_from_its_deadline():
    player = Player()
    for t in range(0, 301, 10):
        player.beat(t, t)
    player.state = challenge_issue(player.state, "c1", T0 + dt.timedelta(seconds=300))
    for t in range(310, 601, 10):
        player.beat(t, t)  # the video plays on; nobody is there (挂机)
    assert minutes(player.credited) == 6  # 5 minutes, plus one to the check's deadline


def test_answering_the_idle_check_late_credits_nothing_for_the_idle_time():
    player = Player()
    for t in range(0, 301, 10):
        player.beat(t, t)
    player.state = challenge_issue(player.state, "c1", T0 + dt.timedelta(seconds=300))
    for t in range(310, 421, 10):
        player.beat(t, t)
    player.state, ok = challenge_answer(player.state, "c1", T0 + dt.timedelta(seconds=425))
    assert ok
    for t in range(430, 611, 10):
        player.beat(t, t - 10)
    # 0-360 credited (6 min), 360-425 idle, then 425-610 credited up to the video's end.
    assert round(minutes(player.credited), 2) == round((360 + 180) / 60, 2)


def test_a_long_gap_credits_nothing_for_the_gap():
    player = Player()
    for t in range(0, 301, 10):
        player.beat(t, t)
    player.beat(900, 310)  # the phone slept for ten minutes
    for n, t in enumerate(range(910, 1201, 10), start=1):
        player.beat(t, 310 + 10 * n)
    assert player.credited == dt.timedelta(seconds=300 + 290)


def test_documents_credit_time_on_page_up_to_the_reading_time():
    minimum = dt.timedelta(minutes=5)
    assert reading_credit(
        T0, T0 + dt.timedelta(minutes=3), minimum, dt.timedelta(0)
    ) == dt.timedelta(minutes=3)
    assert reading_credit(
        T0, T0 + dt.timedelta(minutes=9), minimum, dt.timedelta(minutes=3)
    ) == dt.timedelta(minutes=2)


def test_the_stream_checks_that_players_and_reading_pages_share():
    # courses.services.study's reading clock asks the same function as beat().
    state = StreamState(lesson_id=LESSON, client_id="tab-A", last_seq=5, last_at=T0)
    soon = T0 + dt.timedelta(seconds=10)
    assert stream_refusal(state, "tab-B", 1, soon) == OTHER_CLIENT
    assert stream_refusal(state, "tab-A", 5, soon) == OUT_OF_ORDER
    assert stream_refusal(state, "tab-A", 6, T0 - dt.timedelta(seconds=1)) == OUT_OF_ORDER
    assert stream_refusal(state, "tab-A", 6, soon) is None
    # After a gap longer than max_gap the stream is over: another tab may start afresh.
    assert stream_refusal(state, "tab-B", 1, T0 + dt.timedelta(minutes=5)) is None
