"""The source badge's words (`marketpulse.display.source`): what a user is told about where the
prices come from, for each kind of source, each session and each state of its health."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marketpulse.display.source import (
    TIMES,
    announcement,
    duration_words,
    reanchor,
    source_view,
)
from realtime_server.protocol import MarketSessionState, SourceKind, SourceState, SourceStatus

NY = ZoneInfo("America/New_York")
MIN = 60_000
REPLAY_CLOCK = int(dt.datetime(2013, 3, 14, 7, 20, tzinfo=NY).timestamp() * 1000)
"""A replayed Thursday, 07:20 New York: pre-market."""


def simulator(**changes: object) -> SourceStatus:
    fields: dict[str, object] = {
        "name": "simulator",
        "kind": SourceKind.SIMULATED,
        "label": "Simulated market",
        "state": SourceState.OK,
        "clock": 1_700_000_000_000,
        "session": MarketSessionState.ALWAYS,
    }
    return SourceStatus.model_validate(fields | changes)


def replay(**changes: object) -> SourceStatus:
    fields: dict[str, object] = {
        "name": "replay",
        "kind": SourceKind.REPLAY,
        "label": "Replay",
        "state": SourceState.OK,
        "clock": REPLAY_CLOCK,
        "speed": 60.0,
        "session": MarketSessionState.PRE,
        "next_session_change": REPLAY_CLOCK + 130 * MIN,
        "next_session": MarketSessionState.REGULAR,
    }
    return simulator(**fields | changes)


def coinbase(**changes: object) -> SourceStatus:
    fields: dict[str, object] = {
        "name": "coinbase",
        "kind": SourceKind.LIVE,
        "label": "Live · Coinbase",
        "news": "none",
    }
    return simulator(**fields | changes)


def test_the_simulator_says_it_is_simulated_and_never_closes() -> None:
    view = source_view(simulator(), received_at_ms=5)
    assert (view.kind, view.state, view.label) == ("simulated", "ok", "Simulated market")
    assert (view.session, view.delay, view.trouble, view.retry_at) == ("Open 24/7", "", "", 0)
    assert view.news == "generated"
    assert (view.clock, view.clock_at) == (0, 0)  # no clock of its own to show: it is now
    assert (view.zone, view.zone_label) == ("UTC", "UTC")


def test_a_replay_names_its_replayed_day_and_speed_and_anchors_its_clock() -> None:
    view = source_view(replay(), received_at_ms=1_000)
    assert view.label == f"Replay · 14 Mar 2013 · {TIMES}60"
    assert view.session == "Pre-market · opens in 2 h 10 min"
    assert (view.clock, view.clock_at, view.speed) == (REPLAY_CLOCK, 1_000, 60.0)
    assert (view.zone, view.zone_label) == ("America/New_York", "ET")


def test_the_replayed_date_is_the_markets_date_not_utcs() -> None:
    evening = int(dt.datetime(2013, 3, 14, 21, 30, tzinfo=NY).timestamp() * 1000)  # 01:30 UTC
    view = source_view(replay(clock=evening, session=MarketSessionState.CLOSED), 0)
    assert view.label == f"Replay · 14 Mar 2013 · {TIMES}60"
    assert source_view(replay(speed=1.5), 0).label.endswith(f"· {TIMES}1.5")


def test_a_live_source_is_named_with_its_venue() -> None:
    view = source_view(coinbase(), 0)
    assert (view.kind, view.label, view.session, view.news) == (
        "live",
        "Live · Coinbase",
        "Open 24/7",
        "none",
    )


@pytest.mark.parametrize(
    ("session", "until_min", "next_session", "words"),
    [
        ("pre", 25, "regular", "Pre-market · opens in 25 min"),
        ("regular", 185, "after", "Market open · closes in 3 h 5 min"),
        ("after", 120, "closed", "After hours"),
        ("closed", 130, "pre", "Market closed · pre-market in 2 h 10 min"),
        ("closed", 130, "regular", "Market closed · opens in 2 h 10 min"),
        ("closed", None, None, "Market closed"),
        ("always", None, None, "Open 24/7"),
    ],
)
def test_the_session_line_counts_down_on_the_markets_clock(
    session: str, until_min: int | None, next_session: str | None, words: str
) -> None:
    change = None if until_min is None else REPLAY_CLOCK + until_min * MIN
    status = replay(session=session, next_session_change=change, next_session=next_session)
    assert source_view(status, 0).session == words


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (1, "1 min"),
        (25 * MIN - 1, "25 min"),  # a countdown rounds up: never "opens in 0 min"
        (60 * MIN, "1 h"),
        (130 * MIN, "2 h 10 min"),
        (47 * 60 * MIN, "47 h"),
        (56 * 60 * MIN, "2 d 8 h"),  # Friday's close to Monday's pre-market
        (72 * 60 * MIN, "3 d"),
    ],
)
def test_durations_read_as_a_trader_says_them(ms: int, words: str) -> None:
    assert duration_words(ms) == words


@pytest.mark.parametrize(
    ("delay_ms", "words"), [(0, ""), (30_000, "Delayed 30 s"), (15 * MIN, "Delayed 15 min")]
)
def test_a_delayed_feed_says_how_late_it_is(delay_ms: int, words: str) -> None:
    assert source_view(coinbase(delay_ms=delay_ms), 0).delay == words


@pytest.mark.parametrize(
    ("state", "reason", "trouble"),
    [
        ("retrying", "Coinbase unreachable", "Coinbase unreachable"),
        (
            "retrying",
            "Coinbase went  silent\n(nothing for 30 s)",
            "Coinbase went silent (nothing for 30 s)",
        ),
        ("retrying", "", "Coinbase unreachable"),
        ("starting", "Connecting to Coinbase", "Connecting to Coinbase"),
        ("starting", "", "Coinbase starting"),
        ("down", "Coinbase refused the API key", "Coinbase refused the API key"),
        ("down", "", "Coinbase stopped"),
    ],
)
def test_a_source_in_trouble_says_what_is_wrong_in_its_own_words(
    state: str, reason: str, trouble: str
) -> None:
    view = source_view(coinbase(state=state, reason=reason, retry_at=9_000), 0)
    assert (view.state, view.trouble) == (state, trouble)
    assert view.retry_at == (9_000 if state == "retrying" else 0)


def test_a_source_that_is_ok_has_no_trouble_whatever_its_reason_says() -> None:
    view = source_view(coinbase(reason="stale text", retry_at=9_000), 0)
    assert (view.trouble, view.retry_at) == ("", 0)


def test_a_replay_that_stopped_without_a_reason_is_told_so() -> None:
    assert source_view(replay(state="down"), 0).trouble == "Replay stopped"


def test_the_clock_is_anchored_again_only_when_the_replay_moves_off_its_anchor() -> None:
    first = source_view(replay(), received_at_ms=0)
    assert reanchor(None, first)
    on_track = source_view(replay(clock=REPLAY_CLOCK + 60 * 1_000), received_at_ms=1_000)
    assert not reanchor(first, on_track)  # a second later, a minute on at x60
    jumped = source_view(replay(clock=REPLAY_CLOCK + 17 * 60 * MIN), received_at_ms=2_000)
    assert reanchor(first, jumped)  # overnight skipped
    paused = source_view(replay(), received_at_ms=3_000)
    assert reanchor(first, paused)
    assert reanchor(first, source_view(replay(speed=120.0), received_at_ms=0))
    assert reanchor(first, source_view(simulator(), received_at_ms=0))


def test_going_down_and_coming_back_are_announced_once_each() -> None:
    ok = source_view(coinbase(), 0)
    down = source_view(coinbase(state="retrying", reason="Coinbase went silent"), 0)
    assert announcement(None, down) == ""  # a page opening on a down source: the badge says it
    assert announcement(ok, ok) == ""
    assert announcement(ok, down) == ("Market data source down: Coinbase went silent, retrying.")
    assert announcement(down, down) == ""
    assert announcement(down, ok) == "Market data source back: Live · Coinbase."
    stopped = source_view(coinbase(state="down"), 0)
    assert announcement(down, stopped) == ""  # still not ok: already told
    assert announcement(ok, stopped) == "Market data source down: Coinbase stopped."
