"""`NewsState`: the live headlines, newest first, optionally only those about the watchlist.

The feed task hands over the newest headlines and the ones that are new since the last
showing (`_apply`); new ones are also put into a polite live region (`announcement`) so a
screen reader hears them without focus moving. The list itself is not a live region.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.display.news import NewsRow, announcement, touching
from marketpulse.state.event import event
from marketpulse.state.watchlist import WatchlistState


class NewsState(rx.State):
    """Cold state: changes when a headline arrives or the filter changes."""

    items: rx.Field[list[NewsRow]] = rx.field(default_factory=list)
    """What the feed shows (filtered when `watchlist_only`)."""
    watchlist_only: rx.Field[bool] = rx.field(False)
    announcement: rx.Field[str] = rx.field("")

    _all: list[NewsRow] = []

    @event
    async def set_watchlist_only(self, value: bool) -> None:
        self.watchlist_only = bool(value)
        watchlist = await self.get_state(WatchlistState)
        self._show(watchlist.symbols)

    def _apply(self, rows: list[NewsRow], fresh: list[NewsRow], symbols: list[str]) -> None:
        self._all = rows
        self._show(symbols)
        if self.watchlist_only:
            fresh = touching(fresh, symbols)
        if fresh:
            self.announcement = announcement(fresh, self.announcement)

    def _show(self, symbols: list[str]) -> None:
        self.items = touching(self._all, symbols) if self.watchlist_only else list(self._all)
