"""`watchlist(...)`: the table of watched symbols, sortable, paged, each row driving the chart.

Columns: symbol (a button that shows the symbol on the chart), name, last (the flashing price
cell), change, change %, volume, last update time with a freshness dot, and a bell that opens
the alert dialog. Each column header is a sort button (`aria-sort` says the current order).
Only the page on screen is rendered; `table_pager` turns pages.

Under a replay (`clock`), the rows' times are shown in the replayed market's zone and their
dots aged on its replayed clock; otherwise in the browser's local time, on its clock.

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


class MarketClock:
    """A replayed market clock (a plain holder): `at` (ms, 0 = none) read at `anchored_at`,
    running at `speed`, in `zone` ("" = the browser's)."""

    def __init__(
        self, at: rx.Var[int], anchored_at: rx.Var[int], speed: NumberVar, zone: rx.Var[str]
    ) -> None:
        self.at, self.anchored_at, self.speed, self.zone = at, anchored_at, speed, zone


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
    clock: MarketClock | None = None,
) -> rx.Component:
    """The watchlist grid over `rows` (the page's `marketpulse.display.quotes.QuoteRow`s)."""
    replayed = {}
    if clock is not None:
        replayed = {
            "clock_at": clock.at,
            "clock_anchored_at": clock.anchored_at,
            "clock_speed": clock.speed,
            "time_zone": clock.zone,
        }
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
        **replayed,
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
