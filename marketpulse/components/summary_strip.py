"""`summary_strip(indices, advancers, decliners, unchanged)`: the header's market-at-a-glance strip.

One compact row: each index (`marketpulse.display.summary.IndexTile`) with its value and its change
(▲/▼ and a sign beside the trend colour), then market breadth as "▲ 31 advancing · ▼ 22
declining · 2 unchanged" over a small proportional bar. On a phone the row scrolls sideways
(it is focusable then, so keyboards can scroll it too).

Test hooks: `data-testid="summary-strip"`, each tile `data-index="<name>"`, the breadth
`data-testid="market-breadth"`. Not a live region (`aria-live="off"`): it changes every second.
Styles: `widgets.css` (`mp-summary*`, `mp-index*`, `mp-breadth*`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.vars.object import ObjectVar
from reflex.vars.sequence import ArrayVar

from marketpulse.components.trend import trend_class


def _index_tile(tile: ObjectVar) -> rx.Component:
    return rx.el.li(
        rx.el.span(tile.name, class_name="mp-index-name"),
        rx.el.span(tile.value, class_name="mp-num mp-index-value"),
        rx.el.span(
            tile.change,
            rx.el.span(" (", tile.change_pct, ")", class_name="mp-index-pct"),
            class_name=trend_class(tile.trend, "mp-index-change"),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
        ),
        class_name="mp-index",
        data_index=tile.name,
        data_trend=tile.trend,
    )


def _indices(indices: ArrayVar[Sequence[Any]]) -> rx.Component:
    return rx.cond(
        indices.length() > 0,
        rx.el.ul(rx.foreach(indices, _index_tile), class_name="mp-indices", aria_label="Indices"),
        rx.el.span("Waiting for market data…", class_name="mp-muted mp-summary-empty"),
    )


def _segment(count: rx.Var[int], css: str) -> rx.Component:
    # flex-grow shares the bar in proportion to the counts; a zero count takes no room.
    return rx.el.span(class_name=f"mp-breadth-seg {css}", style={"flex_grow": count})


def _breadth(
    advancers: rx.Var[int], decliners: rx.Var[int], unchanged: rx.Var[int]
) -> rx.Component:
    return rx.el.div(
        rx.el.span(
            rx.el.span("▲ ", advancers, " advancing", class_name="mp-trend-up"),
            rx.el.span(" · ", class_name="mp-muted", aria_hidden="true"),
            rx.el.span("▼ ", decliners, " declining", class_name="mp-trend-down"),
            rx.el.span(" · ", unchanged, " unchanged", class_name="mp-muted mp-breadth-unch"),
            class_name="mp-num mp-breadth-text",
        ),
        rx.el.span(
            _segment(advancers, "mp-breadth-adv"),
            _segment(unchanged, "mp-breadth-flat"),
            _segment(decliners, "mp-breadth-dec"),
            class_name="mp-breadth-bar",
            aria_hidden="true",
        ),
        class_name="mp-breadth",
        data_testid="market-breadth",
    )


def summary_strip(
    indices: ArrayVar[Sequence[Any]],
    advancers: rx.Var[int],
    decliners: rx.Var[int],
    unchanged: rx.Var[int],
) -> rx.Component:
    """The strip over `indices` (a list of `IndexTile`) and the breadth counts."""
    return rx.el.div(
        _indices(indices),
        _breadth(advancers, decliners, unchanged),
        class_name="mp-summary",
        data_testid="summary-strip",
        role="group",
        aria_label="Market summary",
        aria_live="off",
        tab_index=0,
    )
