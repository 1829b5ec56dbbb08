"""The summary builder: index math, breadth, movers and their ties, wire shape."""

from __future__ import annotations

import pytest

from realtime_server.market.quotes import QuoteBook
from realtime_server.market.summary import SummaryBuilder
from realtime_server.protocol import Summary
from realtime_server.sources.base import Instrument
from realtime_server.sources.market_model import MarketSimulator
from realtime_server.sources.universe import DEFAULT_UNIVERSE

TS = 1_700_000_000_000

INSTRUMENTS = [
    Instrument("AAA", "Aaa Corp", "Technology", 100.0),
    Instrument("BBB", "Bbb Inc.", "Communication Services", 50.0),
    Instrument("CCC", "Ccc Bank", "Financials", 20.0),
    Instrument("DDD", "Ddd Pharma", "Health Care", 10.0),
    Instrument("EEE", "Eee Labs", "Health Care", 40.0),
]


def quote(symbol: str, last: float, prev_close: float, volume: int) -> dict:
    change = last - prev_close
    return {
        "symbol": symbol,
        "last": last,
        "bid": last,
        "ask": last,
        "bid_size": 100,
        "ask_size": 100,
        "open": prev_close,
        "high": max(last, prev_close),
        "low": min(last, prev_close),
        "prev_close": prev_close,
        "change": round(change, 4),
        "change_pct": round(100.0 * change / prev_close, 4),
        "volume": volume,
        "vwap": last,
        "ts": TS,
    }


QUOTES = {
    "AAA": quote("AAA", 110.0, 100.0, 5_000),  # +10%
    "BBB": quote("BBB", 45.0, 50.0, 9_000),  # -10%
    "CCC": quote("CCC", 21.0, 20.0, 5_000),  # +5%
    "DDD": quote("DDD", 10.0, 10.0, 1_000),  # unchanged
    "EEE": quote("EEE", 42.0, 40.0, 7_000),  # +5%
}


def assert_wire(summary: dict) -> None:
    assert Summary.model_validate(summary).model_dump(mode="json") == summary


def indices(summary: dict) -> dict[str, tuple[float, float, float]]:
    return {i["name"]: (i["value"], i["change"], i["change_pct"]) for i in summary["indices"]}


def test_index_math_and_skipped_indices() -> None:
    summary = SummaryBuilder(INSTRUMENTS).build(QUOTES, TS)
    assert summary["ts"] == TS
    assert indices(summary) == {
        "MP Composite": (1020.0, 20.0, 2.0),  # mean(1.1, 0.9, 1.05, 1.0, 1.05) = 1.02
        "MP Technology": (1000.0, 0.0, 0.0),  # Technology + Communication: mean(1.1, 0.9)
        "MP Financials": (1050.0, 50.0, 5.0),
    }  # no Energy names: no MP Energy
    assert [i["name"] for i in summary["indices"]] == [
        "MP Composite",
        "MP Technology",
        "MP Financials",
    ]
    assert_wire(summary)


def test_unquoted_constituents_count_at_previous_close() -> None:
    quotes = {sym: q for sym, q in QUOTES.items() if sym != "EEE"}
    summary = SummaryBuilder(INSTRUMENTS).build(quotes, TS)
    assert indices(summary)["MP Composite"] == (1010.0, 10.0, 1.0)
    assert summary["advancers"] + summary["decliners"] + summary["unchanged"] == 4


def test_index_uses_the_quotes_previous_close() -> None:
    quotes = dict(QUOTES, CCC=quote("CCC", 21.0, 21.0, 5_000))  # a new day rolled prev_close
    assert indices(SummaryBuilder(INSTRUMENTS).build(quotes, TS))["MP Financials"][0] == 1000.0


def test_breadth_counts() -> None:
    summary = SummaryBuilder(INSTRUMENTS).build(QUOTES, TS)
    assert (summary["advancers"], summary["decliners"], summary["unchanged"]) == (3, 1, 1)


def test_movers_order_and_ties() -> None:
    summary = SummaryBuilder(INSTRUMENTS, top_n=2).build(QUOTES, TS)
    assert [m["symbol"] for m in summary["gainers"]] == ["AAA", "CCC"]  # CCC ties EEE at +5%
    assert [m["symbol"] for m in summary["losers"]] == ["BBB"]  # falling names only
    assert [m["symbol"] for m in summary["most_active"]] == ["BBB", "EEE"]
    assert summary["gainers"][0] == {
        "symbol": "AAA",
        "last": 110.0,
        "change_pct": 10.0,
        "volume": 5000,
    }
    full = SummaryBuilder(INSTRUMENTS, top_n=5).build(QUOTES, TS)
    assert [m["symbol"] for m in full["gainers"]] == ["AAA", "CCC", "EEE"]
    assert [m["symbol"] for m in full["most_active"]] == ["BBB", "EEE", "AAA", "CCC", "DDD"]
    assert_wire(full)


def test_ties_break_by_symbol_whatever_the_input_order() -> None:
    flat = {sym: quote(sym, 11.0, 10.0, 100) for sym in ["ZZZ", "MMM", "AAA", "QQQ"]}
    reordered = dict(reversed(list(flat.items())))
    builder = SummaryBuilder(flat, {sym: "Energy" for sym in flat}, top_n=3)
    for quotes in (flat, reordered):
        summary = builder.build(quotes, TS)
        assert [m["symbol"] for m in summary["gainers"]] == ["AAA", "MMM", "QQQ"]
        assert [m["symbol"] for m in summary["most_active"]] == ["AAA", "MMM", "QQQ"]
    assert builder.index_names == ("MP Composite", "MP Energy")


def test_bare_symbols_with_sector_map_and_override() -> None:
    builder = SummaryBuilder(["AAA", "CCC"], {"AAA": "Energy", "CCC": "Financials"})
    assert builder.index_names == ("MP Composite", "MP Financials", "MP Energy")
    override = SummaryBuilder(INSTRUMENTS, {"CCC": "Energy"})
    assert override.index_names == ("MP Composite", "MP Technology", "MP Energy")


def test_empty_and_foreign_quotes() -> None:
    builder = SummaryBuilder(INSTRUMENTS)
    summary = builder.build({"XYZ": quote("XYZ", 2.0, 1.0, 10)}, TS)
    assert all(i["value"] == 1000.0 and i["change"] == 0.0 for i in summary["indices"])
    assert (summary["advancers"], summary["decliners"], summary["unchanged"]) == (0, 0, 0)
    assert summary["gainers"] == summary["losers"] == summary["most_active"] == []
    assert_wire(summary)
    with pytest.raises(ValueError):
        SummaryBuilder(INSTRUMENTS, top_n=-1)


def test_over_the_simulated_universe() -> None:
    instruments = [entry.instrument() for entry in DEFAULT_UNIVERSE]
    book = QuoteBook(instruments)
    sim = MarketSimulator(seed=1, start_ms=TS)
    for t in sim.opening() + [sim.step()[1] for _ in range(2_000)]:
        book.apply(t)
    quotes = {sym: q for sym in book.symbols if (q := book.quote(sym)) is not None}
    summary = SummaryBuilder(instruments).build(quotes, TS)
    assert_wire(summary)
    names = [i["name"] for i in summary["indices"]]
    assert names == ["MP Composite", "MP Technology", "MP Financials", "MP Energy"]
    assert summary["advancers"] + summary["decliners"] + summary["unchanged"] == len(instruments)
    ratios = [q["last"] / q["prev_close"] for q in quotes.values()]
    assert summary["indices"][0]["value"] == pytest.approx(
        1000 * sum(ratios) / len(ratios), abs=0.01
    )
    pcts = [m["change_pct"] for m in summary["gainers"]]
    assert pcts == sorted(pcts, reverse=True) and len(pcts) == 5
    assert pcts[0] == max(q["change_pct"] for q in quotes.values())
    volumes = [m["volume"] for m in summary["most_active"]]
    assert volumes == sorted(volumes, reverse=True)
    assert volumes[0] == max(q["volume"] for q in quotes.values())
