"""`reshape_rows` (`display.quotes`), the catalog's names, and the default watchlist."""

from __future__ import annotations

from marketpulse.display.catalog import EMPTY_CATALOG, Catalog
from marketpulse.display.quotes import QuoteRow, reshape_rows
from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST, default_symbols
from realtime_server.protocol import CatalogAck, Instrument
from tests.support.market_data import catalog

NAMES = {"AAPL": "Apple Inc.", "MSFT": "Microsoft Corp.", "NFLX": "Netflix Inc."}
CATALOG = catalog(NAMES)


def test_existing_rows_are_kept_as_copies_new_ones_are_placeholders() -> None:
    aapl = QuoteRow(symbol="AAPL", name="Apple Inc.", last="228.50", ts=5, tick=3)
    msft = QuoteRow(symbol="MSFT", name="Microsoft Corp.", last="420.10", ts=6)
    rows = reshape_rows([aapl, msft], ["MSFT", "NFLX", "AAPL"], CATALOG)
    assert [row.symbol for row in rows] == ["MSFT", "NFLX", "AAPL"]
    assert rows[0] == msft and rows[0] is not msft
    assert rows[2] == aapl and rows[2] is not aapl
    assert rows[1] == QuoteRow(symbol="NFLX", name="Netflix Inc.")
    assert reshape_rows([], ["ZZZZ"], CATALOG) == [QuoteRow(symbol="ZZZZ", name="")]


def test_removed_symbols_disappear() -> None:
    rows = reshape_rows([QuoteRow(symbol="AAPL", name="A")], [], CATALOG)
    assert rows == []


def test_the_catalog_names_and_offers_what_the_feed_trades() -> None:
    ack = CatalogAck(
        id="c",
        source="simulator",
        instruments=[
            Instrument(symbol="AAPL", name="Apple Inc.", sector="Technology"),
            Instrument(symbol="KO", name="The Coca-Cola Co.", sector="Consumer Staples"),
        ],
    )
    catalog = Catalog.of(ack)
    assert catalog.known and catalog.source == "simulator"
    assert catalog.name("KO") == "The Coca-Cola Co." and catalog.name("ZZZZ") == ""
    assert catalog.offers("AAPL") and not catalog.offers("ZZZZ")
    assert catalog.names == {"AAPL": "Apple Inc.", "KO": "The Coca-Cola Co."}


def test_before_the_catalog_arrives_nothing_is_named_and_nothing_refused() -> None:
    assert not EMPTY_CATALOG.known
    assert EMPTY_CATALOG.name("AAPL") == ""
    assert EMPTY_CATALOG.offers("ANYTHING")


def test_a_configured_default_watchlist_keeps_well_formed_symbols_in_order(monkeypatch) -> None:
    from marketpulse.config import get_config

    monkeypatch.setenv("MARKETPULSE_DEFAULT_WATCHLIST", '["nflx", "S042", "no way", "KO", "NFLX"]')
    get_config.cache_clear()
    try:
        assert default_symbols() == ["NFLX", "S042", "KO"]
        monkeypatch.setenv("MARKETPULSE_DEFAULT_WATCHLIST", '["a b", "1X"]')
        get_config.cache_clear()
        assert default_symbols() == list(DEFAULT_WATCHLIST), "nothing usable: the built-in list"
    finally:
        monkeypatch.delenv("MARKETPULSE_DEFAULT_WATCHLIST")
        get_config.cache_clear()
