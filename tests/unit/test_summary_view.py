"""`summary_view` (`display.summary`): a feed summary in the strings the header shows."""

from __future__ import annotations

from marketpulse.display.summary import (
    IndexTile,
    MoverRow,
    SummaryView,
    index_tile,
    mover_row,
    summary_view,
)
from realtime_server.protocol import IndexLevel, Mover, Summary
from tests.support.market_data import catalog

MINUS = "\N{MINUS SIGN}"
TS = 1_700_000_000_000


def make_summary(**overrides: object) -> Summary:
    fields: dict[str, object] = {
        "ts": TS,
        "indices": [
            IndexLevel(name="MP Composite", value=1020.456, change=20.456, change_pct=2.0),
            IndexLevel(name="MP Energy", value=987.5, change=-12.5, change_pct=-1.25),
            IndexLevel(name="MP Financials", value=1000.0, change=0.0, change_pct=0.0),
        ],
        "advancers": 31,
        "decliners": 22,
        "unchanged": 2,
        "gainers": [Mover(symbol="NVDA", last=1234.5, change_pct=4.321, volume=45_600_000)],
        "losers": [Mover(symbol="INTC", last=21.07, change_pct=-3.5, volume=9_500)],
        "most_active": [
            Mover(symbol="AAPL", last=228.5, change_pct=0.0, volume=1_200_000_000),
            Mover(symbol="ZZZZ", last=1.0, change_pct=0.1, volume=950),
        ],
    }
    fields.update(overrides)
    return Summary.model_validate(fields)


NAMES = {"NVDA": "NVIDIA Corp.", "INTC": "Intel Corp.", "AAPL": "Apple Inc."}
CATALOG = catalog(NAMES)
"""Names as the feed's catalog gives them."""


def test_index_tiles_carry_arrow_sign_and_trend() -> None:
    tiles = summary_view(make_summary(), CATALOG).indices
    assert tiles == [
        IndexTile("MP Composite", "1,020.46", "▲ +20.46", "+2.00%", "up"),
        IndexTile("MP Energy", "987.50", f"▼ {MINUS}12.50", f"{MINUS}1.25%", "down"),
        IndexTile("MP Financials", "1,000.00", "0.00", "0.00%", "flat"),
    ]


def test_breadth_and_timestamp_pass_through() -> None:
    view = summary_view(make_summary(), CATALOG)
    assert (view.advancers, view.decliners, view.unchanged, view.ts) == (31, 22, 2, TS)


def test_movers_keep_the_feed_ranking_and_get_names() -> None:
    view = summary_view(make_summary(), CATALOG)
    assert view.gainers == [MoverRow("NVDA", "NVIDIA Corp.", "1,234.50", "+4.32%", "45.60M", "up")]
    assert view.losers == [
        MoverRow("INTC", "Intel Corp.", "21.07", f"{MINUS}3.50%", "9.5K", "down")
    ]
    assert [row.symbol for row in view.most_active] == ["AAPL", "ZZZZ"]
    assert view.most_active[0].volume == "1.20B"
    assert view.most_active[0].trend == "flat"


def test_an_unknown_symbol_gets_an_empty_name() -> None:
    row = mover_row(Mover(symbol="ZZZZ", last=1.0, change_pct=0.1, volume=950), CATALOG)
    assert (row.name, row.volume, row.trend) == ("", "950", "up")


def test_an_empty_summary_shapes_to_empty_lists() -> None:
    empty = make_summary(
        indices=[],
        advancers=0,
        decliners=0,
        unchanged=0,
        gainers=[],
        losers=[],
        most_active=[],
        ts=0,
    )
    assert summary_view(empty, CATALOG) == SummaryView()


def test_the_trend_follows_the_index_change_not_its_value() -> None:
    tile = index_tile(IndexLevel(name="X", value=5.0, change=-0.001, change_pct=-0.0001))
    assert tile.trend == "down"
    assert tile.change == f"▼ {MINUS}0.00"
