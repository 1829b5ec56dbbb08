"""`WatchlistBook`: a tab's rows follow its watchlist, show moved quotes and page by live value."""

from __future__ import annotations

import pickle

from marketpulse.display.quotes import PLACEHOLDER
from marketpulse.watchlist.book import WatchlistBook
from marketpulse.watchlist.table import TableView
from tests.unit.test_feed_client_events import quote


def names(symbol: str) -> str:
    return f"{symbol} Inc."


def test_rows_follow_the_watchlist_and_keep_their_values() -> None:
    book = WatchlistBook()
    book.follow(["AAPL", "MSFT"], names)
    book.apply({"AAPL": quote("AAPL", 190.0)}, now_ms=1)
    book.follow(["MSFT", "NVDA", "AAPL"], names)
    rows, _ = book.page(TableView())
    assert [r.symbol for r in rows] == ["MSFT", "NVDA", "AAPL"]
    assert rows[1].name == "NVDA Inc." and rows[1].last == PLACEHOLDER
    assert rows[2].last == "190.00" and book.last_price("AAPL") == "190.00"
    book.follow(["MSFT"], names)
    assert book.last_price("AAPL") == PLACEHOLDER and list(book.quotes) == []


def test_quotes_of_symbols_not_watched_are_ignored() -> None:
    book = WatchlistBook()
    book.follow(["AAPL"], names)
    book.apply({"TSLA": quote("TSLA", 250.0)}, now_ms=1)
    assert list(book.rows) == ["AAPL"] and book.quotes == {}


def test_pages_sort_by_the_latest_quotes() -> None:
    book = WatchlistBook()
    book.follow(["AAPL", "MSFT", "NVDA"], names)
    book.apply({s: quote(s, p) for s, p in [("AAPL", 190.0), ("MSFT", 420.0)]}, now_ms=1)
    rows, _ = book.page(TableView(sort="last", descending=True))
    assert [r.symbol for r in rows] == ["MSFT", "AAPL", "NVDA"]  # waiting for a quote: last
    book.apply({"AAPL": quote("AAPL", 500.0)}, now_ms=2)
    rows, _ = book.page(TableView(sort="last", descending=True))
    assert [r.symbol for r in rows] == ["AAPL", "MSFT", "NVDA"]


def test_a_book_survives_a_state_manager_round_trip() -> None:
    book = WatchlistBook()
    book.follow(["AAPL"], names)
    book.apply({"AAPL": quote("AAPL", 190.0)}, now_ms=1)
    copy = pickle.loads(pickle.dumps(book))
    assert copy.symbols == ["AAPL"] and copy.last_price("AAPL") == "190.00"
