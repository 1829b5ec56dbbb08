"""Sorting and paging of the watchlist table (`marketpulse.watchlist.table`)."""

from __future__ import annotations

import pytest

from marketpulse.display.quotes import QuoteRow
from marketpulse.watchlist.table import (
    PAGE_SIZE,
    SortError,
    TableView,
    page_count,
    visible_rows,
)
from realtime_server.protocol import Quote


def quote(symbol: str, last: float, change_pct: float, volume: int) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last, ask=last, bid_size=1, ask_size=1, open=last,
        high=last, low=last, prev_close=last, change=change_pct, change_pct=change_pct,
        volume=volume, vwap=last, ts=1,
    )  # fmt: skip


ROWS = {
    "AAPL": QuoteRow(symbol="AAPL", name="Apple Inc.", price=200.0, ts=3),
    "MSFT": QuoteRow(symbol="MSFT", name="Microsoft Corp.", price=400.0, ts=1),
    "KO": QuoteRow(symbol="KO", name="The Coca-Cola Co.", price=60.0, ts=2),
    "NFLX": QuoteRow(symbol="NFLX", name="Netflix Inc."),  # no quote yet
}
QUOTES = {
    "AAPL": quote("AAPL", 200.0, 1.5, 10),
    "MSFT": quote("MSFT", 400.0, -0.5, 30),
    "KO": quote("KO", 60.0, 0.2, 20),
}
SYMBOLS = ["MSFT", "NFLX", "AAPL", "KO"]


def order(view: TableView) -> list[str]:
    rows, _ = visible_rows(SYMBOLS, ROWS, QUOTES, view)
    return [row.symbol for row in rows]


def test_the_default_is_the_watchlists_own_order() -> None:
    assert order(TableView()) == SYMBOLS


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("last", ["MSFT", "AAPL", "KO", "NFLX"]),
        ("change_pct", ["AAPL", "KO", "MSFT", "NFLX"]),
        ("volume", ["MSFT", "KO", "AAPL", "NFLX"]),
        ("symbol", ["AAPL", "KO", "MSFT", "NFLX"]),
        ("name", ["AAPL", "MSFT", "KO", "NFLX"]),
        ("updated", ["AAPL", "KO", "MSFT", "NFLX"]),
    ],
)
def test_sorting_by_a_column_puts_rows_without_a_quote_last(
    column: str, expected: list[str]
) -> None:
    assert order(TableView().sorted_by(column)) == expected


def test_sorting_by_the_same_column_again_flips_the_direction() -> None:
    view = TableView().sorted_by("last").sorted_by("last")
    assert not view.descending and order(view) == ["KO", "AAPL", "MSFT", "NFLX"]


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(SortError):
        TableView().sorted_by("password")


def test_only_one_page_of_rows_is_visible_and_pages_stay_in_range() -> None:
    symbols = [f"S{i:03d}" for i in range(PAGE_SIZE * 2 + 3)]
    rows = {s: QuoteRow(symbol=s, name=s) for s in symbols}
    assert page_count(len(symbols)) == 3 and page_count(0) == 1
    first, _ = visible_rows(symbols, rows, {}, TableView())
    assert [r.symbol for r in first] == symbols[:PAGE_SIZE]
    last, view = visible_rows(symbols, rows, {}, TableView(page=9))
    assert view.page == 2 and [r.symbol for r in last] == symbols[-3:]
    assert TableView(page=2).turned(5, 3).page == 2 and TableView().turned(-1, 3).page == 0


def test_visible_rows_are_copies() -> None:
    rows, _ = visible_rows(SYMBOLS, ROWS, QUOTES, TableView())
    assert rows[0] == ROWS["MSFT"] and rows[0] is not ROWS["MSFT"]
