"""The market summary's display values: a feed `Summary` turned into the strings the header shows.

Pure Python (no Reflex), so the shaping is unit-tested on its own. It reuses the watchlist's
formatters (`marketpulse.display.quotes`): prices with thousands separators, changes with
▲/▼ and a plus or minus sign (U+2212), so colour is never the only cue, and compact
volumes. `SummaryView()` with no arguments is the "no summary yet" value: no indices, zero
breadth, empty mover lists.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from marketpulse.display.catalog import Catalog
from marketpulse.display.quotes import (
    format_change,
    format_change_pct,
    format_price,
    format_volume,
    trend_of,
)
from realtime_server.protocol import IndexLevel, Mover, Summary


@dataclasses.dataclass
class IndexTile:
    """One index in the summary strip."""

    name: str
    value: str
    change: str
    """Points since the previous close, e.g. `▲ +12.34`."""
    change_pct: str
    trend: str
    """up, down or flat: the change colour."""


@dataclasses.dataclass
class MoverRow:
    """One row of a movers list (top gainers, top losers, most active)."""

    symbol: str
    name: str
    last: str
    change_pct: str
    volume: str
    trend: str
    """up, down or flat, from the sign of `change_pct`."""


@dataclasses.dataclass
class SummaryView:
    """Everything the summary strip and the movers panel show, in display form."""

    indices: list[IndexTile] = dataclasses.field(default_factory=list)
    advancers: int = 0
    decliners: int = 0
    unchanged: int = 0
    gainers: list[MoverRow] = dataclasses.field(default_factory=list)
    losers: list[MoverRow] = dataclasses.field(default_factory=list)
    most_active: list[MoverRow] = dataclasses.field(default_factory=list)
    ts: int = 0
    """Source timestamp (ms since the epoch) of the summary shown; 0 before the first one."""


def index_tile(level: IndexLevel) -> IndexTile:
    """The tile for one index level."""
    return IndexTile(
        name=level.name,
        value=format_price(level.value),
        change=format_change(level.change),
        change_pct=format_change_pct(level.change_pct),
        trend=trend_of(level.change),
    )


def mover_row(mover: Mover, catalog: Catalog) -> MoverRow:
    """The row for one mover, named and quoted as `catalog` says ("" when unknown)."""
    return MoverRow(
        symbol=mover.symbol,
        name=catalog.name(mover.symbol),
        last=format_price(mover.last, catalog.price_decimals(mover.symbol)),
        change_pct=format_change_pct(mover.change_pct),
        volume=format_volume(mover.volume),
        trend=trend_of(mover.change_pct),
    )


def _rows(movers: Iterable[Mover], catalog: Catalog) -> list[MoverRow]:
    return [mover_row(mover, catalog) for mover in movers]


def summary_view(summary: Summary, catalog: Catalog) -> SummaryView:
    """The display form of `summary`, in the feed's order (indices as listed, movers ranked)."""
    return SummaryView(
        indices=[index_tile(level) for level in summary.indices],
        advancers=summary.advancers,
        decliners=summary.decliners,
        unchanged=summary.unchanged,
        gainers=_rows(summary.gainers, catalog),
        losers=_rows(summary.losers, catalog),
        most_active=_rows(summary.most_active, catalog),
        ts=summary.ts,
    )
