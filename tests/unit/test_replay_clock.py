"""The replayed clock: sessions at the chosen speed, closed time crossed quickly, and the
session a client is shown along the way (a weekend, a holiday, the end)."""

from __future__ import annotations

import datetime as dt

import pytest

from realtime_server.market.sessions import NEW_YORK, regular_hours
from realtime_server.market.source_status import market_session
from realtime_server.sources.replay.source import replay_speed
from realtime_server.sources.replay.timeline import ReplayTimeline


def ny(month: int, day: int, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2013, month, day, hour, minute, tzinfo=NEW_YORK).timestamp() * 1000)


def session(month: int, day: int) -> tuple[int, int]:
    hours = regular_hours(dt.date(2013, month, day))
    assert hours is not None
    return hours


def test_the_speed_setting_plays_one_session_in_so_many_minutes() -> None:
    assert replay_speed(6.5) == 60.0
    assert replay_speed(1.0) == 390.0
    timeline = ReplayTimeline([session(3, 14)], 60.0, 15.0, ny(3, 14, 20))
    assert timeline.market_ms(0) == ny(3, 14, 9, 30)
    assert timeline.market_ms(60) == ny(3, 14, 10, 30)  # a wall minute: an hour
    assert timeline.market_ms(390) == ny(3, 14, 16)
    assert timeline.end_wall_s == 390 + 15
    assert timeline.market_ms(10_000) == timeline.end_ms == ny(3, 14, 20)


def test_a_weekend_and_a_holiday_pass_in_seconds_through_every_session_state() -> None:
    """Wednesday 3 July 2013, then Independence Day (closed), Friday 5th, then the weekend to
    Monday 8th: each closed stretch takes 10 wall seconds, and the session shown moves
    after -> closed -> pre -> regular through it."""
    days = [session(7, 3), session(7, 5), session(7, 8)]
    assert days[0][1] == ny(7, 3, 13)  # the eve of the holiday closes early
    timeline = ReplayTimeline(days, 390.0, 10.0, ny(7, 8, 20))
    first = (days[0][1] - days[0][0]) / 390_000  # wall seconds of the short session
    states = []
    wall = 0.0
    while wall < timeline.end_wall_s:
        states.append(market_session("us-equities", timeline.market_ms(wall)).state.value)
        wall += 0.05
    runs = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert runs == ["regular", "after", "closed", "pre"] * 2 + ["regular", "after"]
    shown_open = {
        dt.datetime.fromtimestamp(timeline.market_ms(w / 20) / 1000, NEW_YORK).date()
        for w in range(int(timeline.end_wall_s * 20))
        if market_session("us-equities", timeline.market_ms(w / 20)).state.value != "closed"
    }
    assert dt.date(2013, 7, 4) not in shown_open  # the holiday is closed all day
    # the holiday gap (13:00 on the 3rd to 09:30 on the 5th) takes the same 10 s as a night
    assert timeline.market_ms(first) == days[0][1]
    assert timeline.market_ms(first + 10) == days[1][0]
    assert timeline.market_ms(first + 5) == (days[0][1] + days[1][0]) // 2


def test_the_clock_never_runs_backwards() -> None:
    timeline = ReplayTimeline([session(3, 14), session(3, 15)], 60.0, 3.0, ny(3, 15, 20))
    moments = [timeline.market_ms(w / 10) for w in range(0, 10_000)]
    assert moments == sorted(moments)
    assert moments[-1] == ny(3, 15, 20)


def test_spans_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        ReplayTimeline([session(3, 15), session(3, 14)], 60.0, 3.0, 0)
    with pytest.raises(ValueError):
        ReplayTimeline([], 60.0, 3.0, 0)
