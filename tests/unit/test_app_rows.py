"""`reshape_rows` (`display.quotes`) and symbol names: the rows follow the watchlist's order."""

from __future__ import annotations

from marketpulse.catalog import KNOWN_SYMBOLS, company_name
from marketpulse.display.quotes import QuoteRow, reshape_rows
from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST


def test_existing_rows_are_kept_as_copies_new_ones_are_placeholders() -> None:
    aapl = QuoteRow(symbol="AAPL", name="Apple Inc.", last="228.50", ts=5, tick=3)
    msft = QuoteRow(symbol="MSFT", name="Microsoft Corp.", last="420.10", ts=6)
    rows = reshape_rows([aapl, msft], ["MSFT", "NFLX", "AAPL"], company_name)
    assert [row.symbol for row in rows] == ["MSFT", "NFLX", "AAPL"]
    assert rows[0] == msft and rows[0] is not msft
    assert rows[2] == aapl and rows[2] is not aapl
    assert rows[1] == QuoteRow(symbol="NFLX", name="Netflix Inc.")


def test_removed_symbols_disappear() -> None:
    rows = reshape_rows([QuoteRow(symbol="AAPL", name="A")], [], company_name)
    assert rows == []


def test_the_known_universe_names_every_default_symbol() -> None:
    assert len(KNOWN_SYMBOLS) == 55
    assert set(DEFAULT_WATCHLIST) <= set(KNOWN_SYMBOLS)
    assert company_name("GOOGL") == DEFAULT_WATCHLIST["GOOGL"]
    assert company_name("NFLX") == "Netflix Inc."
    assert company_name("ZZZZ") == ""


def test_a_configured_default_watchlist_keeps_well_formed_symbols_in_order(monkeypatch) -> None:
    from marketpulse.catalog import default_symbols
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
