"""`movers_panel(gainers, losers, most_active, on_select)`: the market movers widget.

Three compact lists side by side (stacked on a phone): top gainers, top losers, most active.
Each row (`marketpulse.display.summary.MoverRow`) shows symbol, name, last, change % (trend colour,
▲/▼ and a sign) and volume, and is a native button: click, Enter or Space calls
`on_select(symbol)`. Lists are not tabs, so every row stays in the DOM and one glance shows all
three. Hidden words ("last", "change", "volume") give each button a spoken name that says what
its numbers are; the visible column captions are hidden from assistive technology instead.

Test hooks: `data-testid="movers"`, rows `data-mover="<SYM>"` and `data-list` in
`gainers|losers|most_active`. Not a live region. Styles: `widgets.css` (`mp-movers*`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventCallback
from reflex.vars.object import ObjectVar
from reflex.vars.sequence import ArrayVar

from marketpulse.components.trend import trend_class

LISTS: tuple[tuple[str, str, str], ...] = (
    ("gainers", "Top gainers", "No gainers yet"),
    ("losers", "Top losers", "No losers yet"),
    ("most_active", "Most active", "No trades yet"),
)
"""(data-list value, heading, text of an empty list), in display order."""

Select = EventCallback[str]


def _hidden(text: str) -> rx.Component:
    return rx.el.span(text, class_name="mp-visually-hidden")


def _arrow(trend: rx.Var[str]) -> rx.Component:
    return rx.el.span(
        rx.match(trend, ("up", "▲ "), ("down", "▼ "), ""),
        aria_hidden="true",
    )


def _row(
    row: ObjectVar, list_key: str, on_select: Select, selected: rx.Var[str] | None
) -> rx.Component:
    current = (
        {}
        if selected is None
        else {"aria_current": rx.cond(selected == row.symbol, "true", "false")}
    )
    return rx.el.li(
        rx.el.button(
            rx.el.span(
                rx.el.span(row.symbol, class_name="mp-mover-symbol"),
                rx.el.span(row.name, class_name="mp-mover-name"),
                class_name="mp-mover-id",
            ),
            rx.el.span(_hidden("last "), row.last, class_name="mp-num mp-mover-last"),
            rx.el.span(
                _hidden("change "),
                _arrow(row.trend),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
                row.change_pct,
                class_name=trend_class(row.trend, "mp-mover-pct"),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
            ),
            rx.el.span(_hidden("volume "), row.volume, class_name="mp-num mp-mover-vol"),
            type="button",
            class_name="mp-mover",
            on_click=on_select(row.symbol),  # type: ignore[call-overload]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
            data_mover=row.symbol,
            data_list=list_key,
            **current,
        ),
        class_name="mp-mover-item",
    )


def _heading(level: int) -> Callable[..., rx.Component]:
    """`rx.el.h1` … `rx.el.h6`: the lists' titles sit one level below the panel's own title."""
    return getattr(rx.el, f"h{min(max(level, 1), 6)}")


def _captions() -> rx.Component:
    return rx.el.div(
        rx.el.span("Symbol"),
        rx.el.span("Last"),
        rx.el.span("Chg %"),
        rx.el.span("Vol"),
        class_name="mp-mover mp-mover-captions",
        aria_hidden="true",
    )


def _list(
    rows: ArrayVar[Sequence[Any]],
    list_key: str,
    title: str,
    empty: str,
    on_select: Select,
    selected: rx.Var[str] | None,
    heading_level: int,
) -> rx.Component:
    heading_id = f"mp-movers-{list_key}"
    return rx.el.div(
        _heading(heading_level)(title, class_name="mp-movers-title", id=heading_id),
        _captions(),
        rx.cond(
            rows.length() > 0,
            rx.el.ul(
                rx.foreach(rows, lambda row: _row(row, list_key, on_select, selected)),
                class_name="mp-movers-rows",
                aria_labelledby=heading_id,
            ),
            rx.el.p(empty, class_name="mp-muted mp-movers-empty"),
        ),
        class_name="mp-movers-list",
        data_list=list_key,
    )


def movers_panel(
    gainers: ArrayVar[Sequence[Any]],
    losers: ArrayVar[Sequence[Any]],
    most_active: ArrayVar[Sequence[Any]],
    on_select: Select,
    selected: rx.Var[str] | None = None,
    heading_level: int = 3,
) -> rx.Component:
    """The three movers lists (each a list of `MoverRow`); a row's press calls
    `on_select(symbol)`. With `selected` (the chosen symbol), that row gets `aria-current`."""
    rows = {"gainers": gainers, "losers": losers, "most_active": most_active}
    return rx.el.div(
        *[
            _list(rows[key], key, title, empty, on_select, selected, heading_level)
            for key, title, empty in LISTS
        ],
        class_name="mp-movers",
        data_testid="movers",
        aria_live="off",
    )
