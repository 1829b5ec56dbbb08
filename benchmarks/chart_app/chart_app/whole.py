"""`/whole`: the baseline, `rx.plotly` given a whole `go.Figure` rebuilt on every update.

The same stream, window and cadence as `/incremental`; candlesticks over volume on two rows
of one figure (plotly's defaults otherwise, template included, as a first version would
have it). Every update assigns a new figure, so Reflex sends the whole figure each time.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import plotly.graph_objects as go
import reflex as rx
from plotly.subplots import make_subplots

from chart_app.bars import BarStream
from chart_app.cadence import UPDATE_S, Cadence
from marketpulse.display.chart import ChartPoint, merge_points


def figure_of(points: list[ChartPoint]) -> go.Figure:
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.75, 0.25], vertical_spacing=0.03
    )
    x = [p["t"] for p in points]
    fig.add_trace(
        go.Candlestick(
            x=x,
            open=[p["o"] for p in points],
            high=[p["h"] for p in points],
            low=[p["l"] for p in points],
            close=[p["c"] for p in points],
            name="Price",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(go.Bar(x=x, y=[p["v"] for p in points], name="Volume"), row=2, col=1)
    fig.update_layout(
        height=320,
        margin={"l": 8, "r": 56, "t": 8, "b": 28},
        showlegend=False,
        hovermode="x unified",
        xaxis_rangeslider_visible=False,
        uirevision=1,
    )
    fig.update_xaxes(type="date")
    return fig


class WholeState(rx.State):
    figure: go.Figure = go.Figure()
    points: int = 0
    stopped: bool = False
    _lease: str = ""

    @rx.event
    def stop(self) -> None:
        self.stopped = True

    @rx.event(background=True)
    async def run(self) -> None:
        lease = uuid.uuid4().hex
        async with self:
            cadence = Cadence.of(self.router.url.query_parameters)
            self._lease, self.stopped = lease, False
        stream = BarStream(
            cadence.interval, cadence.interval_ms, cadence.updates_per_bar, cadence.seed
        )
        window = merge_points([], stream.history(cadence.points), cadence.points)
        due = time.monotonic()
        while True:
            figure = figure_of(window)
            async with self:
                if self._lease != lease or self.stopped:
                    return
                self.figure = figure
                if self.points != len(window):
                    self.points = len(window)
            due += UPDATE_S
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            window = merge_points(window, stream.next(), cadence.points)


def page() -> rx.Component:
    return rx.el.main(
        rx.el.div(
            rx.plotly(data=WholeState.figure),
            id="chart-box",
            style={"width": "1000px"},
            data_points=WholeState.points,
        ),
        rx.el.button("Stop", id="stop", on_click=WholeState.stop),
        style={"padding": "16px"},
    )
