"""`ChartState`: the live chart — which symbol and interval, how it is drawn, and its data.

The chart component draws `window` once per `revision` and then applies each `tail` (the few
bars that changed since the last flush) in place, so a tick costs the browser about a hundred
bytes, not the whole figure. The feed task assigns both (`_apply`); the handlers here only
change what the chart follows, which the task picks up in its next short lock (it resubscribes
the new bars channel and resets the window from that channel's snapshot).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from marketpulse.display.catalog import DEFAULT_DECIMALS
from marketpulse.display.chart import CHART_MODES, DEFAULT_INTERVAL, INTERVALS, plain_point
from marketpulse.display.quotes import PLACEHOLDER, format_price
from marketpulse.state.catalog import CatalogState
from marketpulse.state.event import event
from marketpulse.streaming.desk import ChartDelta
from marketpulse.watchlist.defaults import default_symbols
from realtime_server.protocol import SYMBOL_PATTERN


class ChartState(rx.State):
    """Warm state: a small tail a few times a second, the window on a reset."""

    symbol: rx.Field[str] = rx.field(default_factory=lambda: default_symbols()[0])
    interval: rx.Field[str] = rx.field(DEFAULT_INTERVAL)
    mode: rx.Field[str] = rx.field("candles")
    paused: rx.Field[bool] = rx.field(False)
    """The user paused the chart (it keeps collecting, and catches up on resume)."""
    go_live: rx.Field[int] = rx.field(0)
    """Bumped by "Go live": the chart follows the newest bar again."""
    window: rx.Field[list[dict[str, float]]] = rx.field(default_factory=list)
    tail: rx.Field[list[dict[str, float]]] = rx.field(default_factory=list)
    revision: rx.Field[int] = rx.field(0)
    last_price: rx.Field[str] = rx.field(PLACEHOLDER)
    company: rx.Field[str] = rx.field("")
    """The chart's company, named by the feed's catalog ("" until it arrives)."""
    _decimals: int = DEFAULT_DECIMALS
    """Decimal places of the chart's prices, from the feed's catalog."""

    @rx.var
    def label(self) -> str:
        """What the chart shows, for its accessible name (the chart appends the last price)."""
        return f"{self.symbol} {self.interval} price chart"

    @event
    async def select_symbol(self, symbol: str) -> EventSpec | None:
        symbol = str(symbol).strip().upper()
        catalog = await self.get_state(CatalogState)
        if not SYMBOL_PATTERN.fullmatch(symbol) or not catalog._offers(symbol):
            return rx.toast.error(f"{symbol[:20] or 'That'} is not a symbol this market trades.")
        if symbol != self.symbol:
            self._follow_symbol(symbol)  # the feed task names it from the catalog
        return None

    @event
    def set_interval(self, interval: str | list[str]) -> EventSpec | None:
        interval = interval if isinstance(interval, str) else "".join(interval[:1])
        if interval not in INTERVALS:
            return rx.toast.error(f"Charts come in {', '.join(INTERVALS)} bars.")
        if interval != self.interval:
            self.interval = interval
            self._clear()
        return None

    @event
    def set_mode(self, mode: str | list[str]) -> None:
        mode = mode if isinstance(mode, str) else "".join(mode[:1])
        if mode in CHART_MODES:
            self.mode = mode

    @event
    def toggle_pause(self) -> None:
        self.paused = not self.paused

    @event
    def follow_live(self) -> None:
        self.paused = False
        self.go_live += 1

    # -- the feed task's side (not events) -----------------------------------------------------

    def _follows(self) -> tuple[str, str]:
        """The (interval, symbol) whose bars the chart needs."""
        return self.interval, self.symbol

    def _apply(self, delta: ChartDelta) -> None:
        if delta.reset:
            self.window = [plain_point(point) for point in delta.points]
            self.tail = []
            self.revision += 1
        else:
            self.tail = [plain_point(point) for point in delta.points]
        if delta.points:
            self.last_price = format_price(delta.points[-1]["c"], self._decimals)

    def _describe(self, company: str, decimals: int) -> None:
        """Name the chart's company and quote its prices as the feed's catalog says."""
        self.company, self._decimals = company, decimals

    def _follow_symbol(self, symbol: str) -> None:
        """Chart `symbol` instead (the feed does not trade the one followed)."""
        self.symbol, self.company, self._decimals = symbol, "", DEFAULT_DECIMALS
        self._clear()

    def _clear(self) -> None:
        self.window, self.tail, self.last_price = [], [], PLACEHOLDER
        self.revision += 1
