"""`MarketState`: the market at a glance — index levels, breadth, and the movers lists.

Fed by the tab's feed task from the `summary` channel (rebuilt by the feed server about twice
a second); the header's summary strip and the movers widget read it. The movers lists are
left alone while that widget is folded, and caught up when it opens.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.display.catalog import Catalog
from marketpulse.display.summary import IndexTile, MoverRow, summary_view
from realtime_server.protocol import Summary


class MarketState(rx.State):
    """Warm state: changes at the summary's cadence."""

    indices: rx.Field[list[IndexTile]] = rx.field(default_factory=list)
    advancers: rx.Field[int] = rx.field(0)
    decliners: rx.Field[int] = rx.field(0)
    unchanged: rx.Field[int] = rx.field(0)
    gainers: rx.Field[list[MoverRow]] = rx.field(default_factory=list)
    losers: rx.Field[list[MoverRow]] = rx.field(default_factory=list)
    most_active: rx.Field[list[MoverRow]] = rx.field(default_factory=list)

    def _apply(self, summary: Summary, movers: bool, catalog: Catalog) -> None:
        """Show `summary` in the header strip, and in the movers lists when `movers` (the
        widget is open: a folded one is sent nothing)."""
        view = summary_view(summary, catalog)
        self.indices = view.indices
        self.advancers, self.decliners, self.unchanged = (
            view.advancers,
            view.decliners,
            view.unchanged,
        )
        if movers:
            self.gainers, self.losers = view.gainers, view.losers
            self.most_active = view.most_active
