"""The quotes book: day statistics, change figures and day rollover."""

from __future__ import annotations

from realtime_server.market.quotes import QuoteBook
from realtime_server.sources.base import Instrument, Tick

DAY_MS = 86_400_000
T0 = 20_000 * DAY_MS + 3_600_000  # an hour into some UTC day


def tick(price: float, ts: int, volume: int) -> Tick:
    return Tick("ACME", price, 100, price - 0.01, price + 0.01, 200, 300, volume, ts)


def book() -> QuoteBook:
    return QuoteBook([Instrument("ACME", "Acme Corp", "Industrials", 50.0)])


def test_first_tick_opens_the_day_against_previous_close() -> None:
    quote = book().apply(tick(51.0, T0, 100))
    assert quote["open"] == quote["high"] == quote["low"] == quote["last"] == 51.0
    assert quote["prev_close"] == 50.0
    assert quote["change"] == 1.0
    assert quote["change_pct"] == 2.0
    assert quote["ts"] == T0


def test_high_low_track_the_day() -> None:
    b = book()
    for i, price in enumerate([51.0, 53.5, 49.25, 50.5]):
        quote = b.apply(tick(price, T0 + i, 100 * (i + 1)))
    assert (quote["open"], quote["high"], quote["low"]) == (51.0, 53.5, 49.25)
    assert quote["volume"] == 400
    assert b.quote("ACME") is quote
    assert b.quoted_count == 1


def test_new_utc_day_rolls_previous_close() -> None:
    b = book()
    b.apply(tick(52.0, T0, 100))
    quote = b.apply(tick(52.5, T0 + DAY_MS, 100))
    assert quote["prev_close"] == 52.0
    assert quote["open"] == quote["low"] == 52.5
    assert quote["change"] == 0.5


def test_unknown_symbols_are_not_in_the_book() -> None:
    b = book()
    assert "ACME" in b
    assert "ZZZ" not in b
    assert b.quote("ACME") is None
