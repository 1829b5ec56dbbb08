"""`MarketState`: the market at a glance — index levels, breadth, and the movers lists.

Fed by the tab's feed task from the `summary` channel (rebuilt by the feed server about twice
a second); the header's summary strip and the movers widget read it.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.summary_view import IndexTile, MoverRow, summary_view
from marketpulse.symbols import company_name
from realtime_server.protocol import Summary


class MarketState(rx.State):
    """Warm state: changes at the summary's cadence."""

    indices: list[IndexTile] = []
    advancers: int = 0
    decliners: int = 0
    unchanged: int = 0
    gainers: list[MoverRow] = []
    losers: list[MoverRow] = []
    most_active: list[MoverRow] = []

    def _apply(self, summary: Summary) -> None:
        view = summary_view(summary, company_name)
        self.indices = view.indices
        self.advancers, self.decliners, self.unchanged = (
            view.advancers,
            view.decliners,
            view.unchanged,
        )
        self.gainers, self.losers, self.most_active = view.gainers, view.losers, view.most_active
