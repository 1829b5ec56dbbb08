"""`/incremental`: MarketPulse's own `live_chart`, fed the way the app feeds it.

The background task folds each flush's bars into a `Desk` outside the state lock, as the feed
events the tab's feed client hands over (a `ChannelReset` snapshot, then one `Batch` per flush),
and, inside one short lock, takes the chart's delta from it and assigns it exactly as
`marketpulse.state.chart.ChartState._apply` does: the whole `window` (and a bumped `revision`)
on a reset, else the small `tail`, and `last_price` either way. The state's vars carry the
same names and types as `ChartState`'s, so its deltas are the app's, byte for byte, but for
the state's name.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import reflex as rx

from chart_app.bars import SYMBOL, BarStream
from chart_app.cadence import UPDATE_S, Cadence
from marketpulse.components.live_chart import live_chart
from marketpulse.display.quotes import PLACEHOLDER, format_price
from marketpulse.feed import Batch, ChannelReset, FeedEvent
from marketpulse.streaming.desk import ChartDelta, Desk
from realtime_server.protocol import Bar, Update, bars_channel


def _flush(channel: str, bars: list[Bar], *, reset: bool = False) -> list[FeedEvent]:
    """One flush of the bars channel as the tab's feed client hands it over."""
    if reset:
        return [ChannelReset(items={channel: tuple(bars)}, positions={}, reason="subscribe")]
    updates = [Update(channel=channel, seq=0, data=bar) for bar in bars]
    return [Batch(server_ts=_now_ms(), updates=updates)]


class IncrementalState(rx.State):
    """The chart's vars, as in `ChartState`, and a switch that stops the stream."""

    mode: str = "candles"
    paused: bool = False
    go_live: int = 0
    window: list[dict[str, float]] = []
    tail: list[dict[str, float]] = []
    revision: int = 0
    last_price: str = PLACEHOLDER
    points: int = 300
    stopped: bool = False
    _lease: str = ""

    @rx.event
    def stop(self) -> None:
        self.stopped = True

    def _apply(self, delta: ChartDelta) -> None:
        # marketpulse.state.chart.ChartState._apply
        if delta.reset:
            self.window = [dict(point) for point in delta.points]
            self.tail = []
            self.revision += 1
        else:
            self.tail = [dict(point) for point in delta.points]
        if delta.points:
            self.last_price = format_price(delta.points[-1]["c"])

    @rx.event(background=True)
    async def run(self) -> None:
        lease = uuid.uuid4().hex
        async with self:
            cadence = Cadence.of(self.router.url.query_parameters)
            self._lease, self.stopped, self.points = lease, False, cadence.points
        stream = BarStream(
            cadence.interval, cadence.interval_ms, cadence.updates_per_bar, cadence.seed
        )
        channel = bars_channel(cadence.interval, SYMBOL)
        desk = Desk(chart_points=cadence.points)
        desk.follow_chart(channel)
        desk.fold(_flush(channel, stream.history(cadence.points), reset=True), _now_ms())
        due = time.monotonic()
        while True:
            async with self:
                if self._lease != lease or self.stopped:
                    return
                delta = desk.take_chart()
                if delta is not None:
                    self._apply(delta)
            due += UPDATE_S
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            desk.fold(_flush(channel, stream.next()), _now_ms())


def _now_ms() -> int:
    return int(time.time() * 1000)


def page() -> rx.Component:
    return rx.el.main(
        rx.el.div(
            live_chart(
                window=IncrementalState.window,
                tail=IncrementalState.tail,
                revision=IncrementalState.revision,
                mode=IncrementalState.mode,
                paused=IncrementalState.paused,
                go_live=IncrementalState.go_live,
                theme=rx.Var.create("light"),
                scheme=rx.Var.create("red-green"),
                max_points=IncrementalState.points,
                label=f"{SYMBOL} price chart",
            ),
            id="chart-box",
            style={"width": "1000px"},
        ),
        rx.el.button("Stop", id="stop", on_click=IncrementalState.stop),
        style={"padding": "16px"},
    )
