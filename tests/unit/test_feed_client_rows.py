"""What feed quotes become in the watchlist (`display.quotes`): formats, trend, flash limit."""

from __future__ import annotations

import dataclasses

import pytest

from marketpulse.display.quotes import (
    FLASH_MIN_INTERVAL_MS,
    QuoteRow,
    apply_quote,
    apply_quotes,
    format_change,
    format_change_pct,
    format_volume,
    initial_rows,
)
from realtime_server.protocol import Quote
from tests.support.market_data import quote

MINUS = "\N{MINUS SIGN}"


def moved(q: Quote, last: float, change: float = 0.0, ts: int | None = None) -> Quote:
    return q.model_copy(update={"last": last, "change": change, "ts": ts or q.ts + 1})


@pytest.mark.parametrize(
    ("change", "text"), [(1.234, "▲ +1.23"), (-0.5, f"▼ {MINUS}0.50"), (0.0, "0.00")]
)
def test_change_has_arrow_and_sign(change: float, text: str) -> None:
    assert format_change(change) == text


@pytest.mark.parametrize(
    ("pct", "text"), [(0.654, "+0.65%"), (-12.0, f"{MINUS}12.00%"), (0.0, "0.00%")]
)
def test_change_pct_has_sign(pct: float, text: str) -> None:
    assert format_change_pct(pct) == text


@pytest.mark.parametrize(
    ("volume", "text"),
    [(950, "950"), (12_345, "12.3K"), (4_560_000, "4.56M"), (1_200_000_000, "1.20B")],
)
def test_volume_is_compact(volume: int, text: str) -> None:
    assert format_volume(volume) == text


def test_initial_rows_follow_the_watchlist_order() -> None:
    rows = initial_rows({"MSFT": "Microsoft", "AAPL": "Apple"})
    assert [(r.symbol, r.name, r.ts, r.last) for r in rows] == [
        ("MSFT", "Microsoft", 0, "—"),
        ("AAPL", "Apple", 0, "—"),
    ]


def test_first_quote_fills_the_row_without_flashing() -> None:
    row = apply_quote(QuoteRow("AAPL", "Apple"), quote("AAPL", 228.5, ts=1000), now_ms=5000)
    assert (row.last, row.ts, row.flash, row.tick) == ("228.50", 1000, "", 0)


def test_price_moves_flash_in_their_direction() -> None:
    first = quote("AAPL", 100.0, ts=1000)
    row = apply_quote(QuoteRow("AAPL", "Apple"), first, now_ms=0)
    up = apply_quote(row, moved(first, 101.0, change=1.0), now_ms=10_000)
    assert (up.flash, up.tick, up.trend) == ("up", 1, "up")
    down = apply_quote(up, moved(first, 99.0, change=-1.0), now_ms=20_000)
    assert (down.flash, down.tick, down.trend) == ("down", 2, "down")


def test_unchanged_price_does_not_flash() -> None:
    first = quote("AAPL", 100.0, ts=1000)
    row = apply_quote(QuoteRow("AAPL", "Apple"), first, now_ms=0)
    same = apply_quote(row, moved(first, 100.0), now_ms=10_000)
    assert same.tick == 0
    assert same.ts == first.ts + 1


def test_at_most_three_flashes_per_second_but_every_value_is_shown() -> None:
    first = quote("AAPL", 100.0, ts=1000)
    row = apply_quote(QuoteRow("AAPL", "Apple"), first, now_ms=0)
    for step in range(20):  # a new price every 50 ms for one second
        row = apply_quote(row, moved(first, 100.0 + step + 1), now_ms=10_000 + step * 50)
        assert row.last == f"{100.0 + step + 1:,.2f}"
    assert row.tick <= 3
    assert FLASH_MIN_INTERVAL_MS * 3 >= 1000


def test_apply_quotes_updates_only_quoted_symbols() -> None:
    rows = initial_rows({"AAPL": "Apple", "MSFT": "Microsoft"})
    updated = apply_quotes(rows, {"price:MSFT": quote("MSFT", 420.0)}, now_ms=0)
    assert updated[0] == rows[0]
    assert updated[0] is not rows[0]  # fresh rows, never the (possibly proxied) inputs
    assert updated[1].last == "420.00"
    assert dataclasses.asdict(updated[1])["symbol"] == "MSFT"
