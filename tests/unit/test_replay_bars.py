"""Trading days: a `1D` bar is a regular session keyed by its date; a quote's day is a session."""

from __future__ import annotations

import datetime as dt

from realtime_server.market.bars import BarAggregator
from realtime_server.market.quotes import QuoteBook
from realtime_server.market.sessions import NEW_YORK
from realtime_server.market.trading_days import (
    NewYorkSessions,
    TradingDays,
    UtcDays,
    trading_days,
)
from realtime_server.sources.base import Instrument, Tick


def ny(day: int, hour: int, minute: int = 0, month: int = 3) -> int:
    return int(dt.datetime(2013, month, day, hour, minute, tzinfo=NEW_YORK).timestamp() * 1000)


def utc_midnight(day: int, month: int = 3) -> int:
    return int(dt.datetime(2013, month, day, tzinfo=dt.UTC).timestamp() * 1000)


def tick(price: float, ts: int, size: int = 100, volume: int = 0) -> Tick:
    return Tick("ACME", price, size, price, price, 0, 0, volume, ts)


def daily(days: TradingDays) -> BarAggregator:
    return BarAggregator({"1D": 86_400_000, "1h": 3_600_000}, days=days)


def test_a_daily_bar_is_the_regular_session_keyed_by_its_date() -> None:
    agg = daily(NewYorkSessions())
    assert agg.apply(tick(9.0, ny(14, 8))) == [("bars:1h:ACME", agg.latest("1h", "ACME"))]
    for price, at in [
        (10.0, ny(14, 9, 30)),
        (12.0, ny(14, 11)),
        (8.0, ny(14, 14)),
        (11.0, ny(14, 15, 59)),
    ]:
        agg.apply(tick(price, at))
    agg.apply(tick(20.0, ny(14, 17)))  # after-hours: in the hourly bars, in no daily bar
    (bar,) = agg.recent("1D", "ACME")
    assert bar["start"] == utc_midnight(14)  # the session date, whatever the time zone
    assert (bar["open"], bar["high"], bar["low"], bar["close"]) == (10.0, 12.0, 8.0, 11.0)
    assert (bar["volume"], bar["trades"], bar["closed"]) == (400, 4, False)
    # it ends with the session (16:00 New York), not at midnight UTC
    assert agg.close_due(ny(14, 15, 59)) == []
    closed = [b for channel, b in agg.close_due(ny(14, 16)) if channel == "bars:1D:ACME"]
    assert closed == [{**bar, "closed": True}]


def test_the_next_session_opens_the_next_daily_bar_across_a_weekend_and_an_early_close() -> None:
    agg = daily(NewYorkSessions())
    agg.apply(tick(10.0, ny(15, 10)))  # Friday
    updates = agg.apply(tick(11.0, ny(18, 9, 30)))  # Monday
    assert [(b["start"], b["closed"]) for c, b in updates if c == "bars:1D:ACME"] == [
        (utc_midnight(15), True),
        (utc_midnight(18), False),
    ]
    early = daily(NewYorkSessions())  # the day after Thanksgiving closes at 13:00
    early.apply(tick(10.0, ny(29, 12, 59, month=11)))
    early.apply(tick(10.5, ny(29, 13, 30, month=11)))  # after that close: no daily bar
    (bar,) = early.recent("1D", "ACME")
    assert (bar["close"], bar["trades"]) == (10.0, 1)
    assert [c for c, _ in early.close_due(ny(29, 13, month=11))] == ["bars:1D:ACME"]


def test_a_market_that_never_closes_keeps_utc_days() -> None:
    agg = daily(UtcDays())
    agg.apply(tick(10.0, utc_midnight(16) + 1))
    agg.apply(tick(11.0, utc_midnight(17) - 1))  # a Saturday, late: the same UTC day
    (bar,) = agg.recent("1D", "ACME")
    assert (bar["start"], bar["close"], bar["trades"]) == (utc_midnight(16), 11.0, 2)
    assert isinstance(trading_days("always"), UtcDays)
    assert isinstance(trading_days("us-equities"), NewYorkSessions)


def test_a_new_york_session_resets_the_quote_at_its_first_trade() -> None:
    """21:00 New York is the next UTC date, yet the same session; the next day's first trade
    starts a new day whose previous close is the last session's last price."""
    book = QuoteBook([Instrument("ACME", "Acme", "Industrials", 50.0)], NewYorkSessions())
    book.apply(tick(51.0, ny(14, 9, 30), volume=100))
    late = book.apply(tick(52.0, ny(14, 21), volume=200))  # 01:00 UTC on the 15th
    assert (late["open"], late["prev_close"], late["change"], late["volume"]) == (
        51.0,
        50.0,
        2.0,
        200,
    )
    first = book.apply(tick(53.0, ny(15, 9, 30), volume=100))
    assert (first["open"], first["high"], first["low"]) == (53.0, 53.0, 53.0)
    assert (first["prev_close"], first["change"], first["volume"]) == (52.0, 1.0, 100)
