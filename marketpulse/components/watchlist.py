"""`watchlist(...)`: the table of watched symbols, sortable, paged, each row driving the chart.

Columns: symbol (a button that shows the symbol on the chart), name, last (the flashing price
cell), change, change %, volume, last update time with a freshness dot, and a bell that opens
the alert dialog. Each column header is a sort button (`aria-sort` says the current order).
Only the page on screen is rendered; `table_pager` turns pages.

Rows carry `data-symbol` (and `data-selected` on the chart's symbol). The table is deliberately
not a live region (`aria-live="off"`): prices change several times a second and must not flood
screen readers. Narrow screens drop the name, volume and time columns (`marketpulse.css`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.event import EventCallback, EventType
from reflex.vars.number import NumberVar

from marketpulse.components.live_grid import LiveGrid

ROW_DELAYED_MS = 15_000
ROW_STALE_MS = 60_000
"""A symbol may trade less often than the whole feed: a row turns delayed, then stale, later."""

Handler = EventType[str]
"""A handler of the symbol or column a grid cell passes."""


class TableSort:
    """The vars and handler of the table's sort (a plain holder)."""

    def __init__(self, key: rx.Var[str], descending: rx.Var[bool], on_sort: Handler) -> None:
        self.key = key
        self.descending = descending
        self.on_sort = on_sort


def watchlist(
    rows: rx.Var[Sequence[Any]],
    sort: TableSort,
    selected: rx.Var[str],
    link: rx.Var[str],
    on_select: Handler,
    on_alert: Handler,
) -> rx.Component:
    """The watchlist grid over `rows` (the page's `marketpulse.display.quotes.QuoteRow`s)."""
    return LiveGrid.create(
        rows=rows,
        sort_key=sort.key,
        descending=sort.descending,
        selected=selected,
        link=link,
        row_delayed_ms=ROW_DELAYED_MS,
        row_stale_ms=ROW_STALE_MS,
        on_sort=sort.on_sort,
        on_select=on_select,
        on_alert=on_alert,
    )


def table_pager(
    label: rx.Var[str],
    page: NumberVar[int],
    page_count: NumberVar[int],
    on_turn: EventCallback[int],
) -> rx.Component:
    """Previous / next page buttons and "Page 2 of 4"; nothing when everything fits one page."""
    return rx.cond(
        page_count > 1,
        rx.flex(
            rx.button(
                rx.icon("chevron-left", size=14, aria_hidden="true"),
                "Previous",
                on_click=on_turn(-1),
                disabled=page <= 0,
                variant="soft",
                size="1",
                data_testid="page-previous",
            ),
            rx.text(label, size="1", class_name="mp-num", data_testid="page-label"),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=14, aria_hidden="true"),
                on_click=on_turn(1),
                disabled=page >= page_count - 1,
                variant="soft",
                size="1",
                data_testid="page-next",
            ),
            justify="end",
            align="center",
            spacing="2",
            class_name="mp-pager",
        ),
    )
