"""The market summary: indices, breadth and movers, computed from the latest quotes.

`SummaryBuilder.build` turns the quotes book's current quotes into one `protocol.Summary` in
wire form (a plain dict). It is a pure function of its inputs, cheap enough to run on a timer
over hundreds of symbols.

* Indices are equal-weighted price-relative indices based at 1000 at the previous close:
  `value = 1000 * mean(last / prev_close)` over the constituents. "MP Composite" holds every
  instrument; each sector index (`SECTOR_INDICES`) holds the instruments of its sectors and is
  left out when it has none. A constituent without a quote yet counts at its previous close.
* Breadth counts quoted instruments by the sign of `change`.
* Movers are quoted instruments ranked by `change_pct` (gainers: rising names only, highest
  first; losers: falling names only, lowest first) and by `volume` (most active). Ties go to
  the alphabetically first symbol, so the lists are deterministic.

Quotes for symbols outside the builder's instruments are ignored.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import Any

from realtime_server.sources.base import Instrument

INDEX_BASE = 1000.0
COMPOSITE_INDEX = "MP Composite"
SECTOR_INDICES: tuple[tuple[str, frozenset[str]], ...] = (
    ("MP Technology", frozenset({"Technology", "Communication Services"})),
    ("MP Financials", frozenset({"Financials"})),
    ("MP Energy", frozenset({"Energy"})),
)
"""Sector indices in display order: name and the sectors whose instruments it holds."""


class SummaryBuilder:
    """Builds the `summary` channel's data for a fixed set of instruments."""

    def __init__(
        self,
        instruments: Iterable[Instrument | str],
        sectors_of: Mapping[str, str] | None = None,
        top_n: int = 5,
    ) -> None:
        """`instruments` are `Instrument`s or bare symbols; `sectors_of` maps symbol to sector
        and, where it has an entry, overrides an `Instrument`'s own sector."""
        if top_n < 0:
            raise ValueError("top_n must be >= 0")
        self.top_n = top_n
        sectors = dict(sectors_of or {})
        symbols: list[str] = []
        for item in instruments:
            if isinstance(item, str):
                symbols.append(item)
            else:
                symbols.append(item.symbol)
                sectors.setdefault(item.symbol, item.sector)
        self._symbols = tuple(dict.fromkeys(symbols))
        names = [COMPOSITE_INDEX]
        members: list[list[str]] = [list(self._symbols)]
        for name, index_sectors in SECTOR_INDICES:
            held = [sym for sym in self._symbols if sectors.get(sym) in index_sectors]
            if held:
                names.append(name)
                members.append(held)
        self._index_names = tuple(names)
        self._index_sizes = tuple(len(held) for held in members)
        # For each symbol, the positions of the indices it belongs to.
        self._indices_of: dict[str, tuple[int, ...]] = {
            sym: tuple(i for i, held in enumerate(members) if sym in held) for sym in self._symbols
        }

    @property
    def index_names(self) -> tuple[str, ...]:
        """The indices this builder reports, in order (those with constituents only)."""
        return self._index_names

    def build(self, quotes: Mapping[str, Mapping[str, Any]], ts: int) -> dict[str, Any]:
        """The summary of `quotes` (symbol -> wire quote) as of `ts`, in wire form."""
        # Each constituent contributes last/prev_close; unquoted ones contribute 1.0, so start
        # every index's sum at its size and add the excess (ratio - 1) of quoted names.
        excess = [0.0] * len(self._index_names)
        advancers = decliners = unchanged = 0
        quoted: list[Mapping[str, Any]] = []
        for sym, positions in self._indices_of.items():
            quote = quotes.get(sym)
            if quote is None:
                continue
            quoted.append(quote)
            prev_close = quote["prev_close"]
            if prev_close > 0:
                ratio_excess = quote["last"] / prev_close - 1.0
                for i in positions:
                    excess[i] += ratio_excess
            change = quote["change"]
            if change > 0:
                advancers += 1
            elif change < 0:
                decliners += 1
            else:
                unchanged += 1
        indices = []
        for name, size, extra in zip(self._index_names, self._index_sizes, excess, strict=True):
            value = INDEX_BASE * (1.0 + extra / size)
            change = value - INDEX_BASE
            indices.append(
                {
                    "name": name,
                    "value": round(value, 2),
                    "change": round(change, 2),
                    "change_pct": round(100.0 * change / INDEX_BASE, 2),
                }
            )
        n = self.top_n
        rising = [q for q in quoted if q["change_pct"] > 0]
        falling = [q for q in quoted if q["change_pct"] < 0]
        gainers = heapq.nsmallest(n, rising, key=lambda q: (-q["change_pct"], q["symbol"]))
        losers = heapq.nsmallest(n, falling, key=lambda q: (q["change_pct"], q["symbol"]))
        active = heapq.nsmallest(n, quoted, key=lambda q: (-q["volume"], q["symbol"]))
        return {
            "ts": ts,
            "indices": indices,
            "advancers": advancers,
            "decliners": decliners,
            "unchanged": unchanged,
            "gainers": [_mover(q) for q in gainers],
            "losers": [_mover(q) for q in losers],
            "most_active": [_mover(q) for q in active],
        }


def _mover(quote: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "symbol": quote["symbol"],
        "last": quote["last"],
        "change_pct": quote["change_pct"],
        "volume": quote["volume"],
    }
