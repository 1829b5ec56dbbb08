"""`WatchlistBook`: a tab's rows follow its watchlist, show moved quotes, are named by the
catalog, and page and sort by live value — rendered one way into a `TablePage`."""

from __future__ import annotations

import pickle

import pytest

from marketpulse.display.catalog import EMPTY_CATALOG
from marketpulse.display.quotes import PLACEHOLDER
from marketpulse.watchlist.book import WatchlistBook
from marketpulse.watchlist.table import SortError
from tests.support.market_data import catalog, quote

NAMES = {s: f"{s} Inc." for s in ("AAPL", "MSFT", "NVDA", "TSLA")}
CATALOG = catalog(NAMES)


def test_rows_follow_the_watchlist_and_keep_their_values() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["AAPL", "MSFT"], CATALOG)
    book.apply({"AAPL": quote("AAPL", 190.0)}, now_ms=1)
    book.follow(["MSFT", "NVDA", "AAPL"], CATALOG)
    rows = book.page().rows
    assert [r.symbol for r in rows] == ["MSFT", "NVDA", "AAPL"]
    assert rows[1].name == "NVDA Inc." and rows[1].last == PLACEHOLDER
    assert rows[2].last == "190.00" and book.last_price("AAPL") == "190.00"
    book.follow(["MSFT"], CATALOG)
    assert book.last_price("AAPL") == PLACEHOLDER and list(book.quotes) == []


def test_rows_are_named_when_the_catalog_arrives_and_keep_names_before_it() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["AAPL", "ZZZZ"], EMPTY_CATALOG)
    assert [r.name for r in book.page().rows] == ["", ""]
    book.follow(["AAPL", "ZZZZ"], CATALOG)
    assert [r.name for r in book.page().rows] == ["AAPL Inc.", ""]
    book.follow(["AAPL", "ZZZZ"], EMPTY_CATALOG)  # a new task before its catalog: names stay
    assert [r.name for r in book.page().rows] == ["AAPL Inc.", ""]


def test_quotes_of_symbols_not_watched_are_ignored() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["AAPL"], CATALOG)
    book.apply({"TSLA": quote("TSLA", 250.0)}, now_ms=1)
    assert list(book.rows) == ["AAPL"] and book.quotes == {}


def test_pages_sort_by_the_latest_quotes() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["AAPL", "MSFT", "NVDA"], CATALOG)
    book.apply({s: quote(s, p) for s, p in [("AAPL", 190.0), ("MSFT", 420.0)]}, now_ms=1)
    book.sort_by("last")
    table = book.page()
    assert (table.sort, table.descending) == ("last", True)
    assert [r.symbol for r in table.rows] == ["MSFT", "AAPL", "NVDA"]  # no quote yet: last
    book.apply({"AAPL": quote("AAPL", 500.0)}, now_ms=2)
    assert [r.symbol for r in book.page().rows] == ["AAPL", "MSFT", "NVDA"]
    book.sort_by("last")
    assert book.page().descending is False
    with pytest.raises(SortError):
        book.sort_by("nonsense")


def test_pages_turn_within_the_table() -> None:
    book = WatchlistBook(page_size=5)
    symbols = [f"S{i:03d}" for i in range(12)]
    book.follow(symbols, EMPTY_CATALOG)
    first = book.page()
    assert (first.page, first.page_count, first.total) == (0, 3, 12)
    book.turn(5)
    last = book.page()
    assert last.page == 2 and [r.symbol for r in last.rows] == ["S010", "S011"]
    book.follow(symbols[:4], EMPTY_CATALOG)
    assert book.page().page == 0  # the page was kept in range


def test_a_book_survives_a_state_manager_round_trip() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["AAPL"], CATALOG)
    book.apply({"AAPL": quote("AAPL", 190.0)}, now_ms=1)
    copy = pickle.loads(pickle.dumps(book))
    assert copy.symbols == ["AAPL"] and copy.last_price("AAPL") == "190.00"


def test_prices_are_shown_with_each_products_decimal_places() -> None:
    book = WatchlistBook(page_size=25)
    book.follow(["XBT", "DOGE"], EMPTY_CATALOG)
    book.apply({"XBT": quote("XBT", 64012.5), "DOGE": quote("DOGE", 0.123456)}, now_ms=1)
    assert [r.last for r in book.page().rows] == ["64,012.50", "0.12"]  # cents until told
    coins = catalog({"XBT": "Bitcoin", "DOGE": "Dogecoin"}, decimals={"XBT": 1, "DOGE": 5})
    book.follow(["XBT", "DOGE"], coins)
    rows = book.page().rows
    assert [r.last for r in rows] == ["64,012.5", "0.12346"]
    assert [r.flash for r in rows] == ["", ""], "shown again, not moved"
    book.apply({"DOGE": quote("DOGE", 0.12341)}, now_ms=2000)
    assert book.last_price("DOGE") == "0.12341"
    book.follow(["XBT", "DOGE", "SHIB"], coins)  # a symbol the catalog does not describe
    assert book.page().rows[2].decimals == 2
