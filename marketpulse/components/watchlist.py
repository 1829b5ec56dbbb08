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

from collections.abc import Callable

import reflex as rx
from reflex.vars.object import ObjectVar

from marketpulse.components.alert_dialog import alert_row_button
from marketpulse.components.freshness import freshness_dot
from marketpulse.components.price_cell import price_cell
from marketpulse.components.time_format import local_time
from marketpulse.components.trend import trend_class

ROW_DELAYED_MS = 15_000
ROW_STALE_MS = 60_000
"""A symbol may trade less often than the whole feed: a row turns delayed, then stale, later."""

COLUMNS = [
    ("symbol", "Symbol", "start", "mp-col-symbol"),
    ("name", "Name", "start", "mp-col-name"),
    ("last", "Last", "end", "mp-col-last"),
    ("change", "Change", "end", "mp-col-change"),
    ("change_pct", "Change %", "end", "mp-col-pct"),
    ("volume", "Volume", "end", "mp-col-volume"),
    ("updated", "Updated", "end", "mp-col-time"),
]

Handler = Callable[..., rx.event.EventSpec]


class TableSort:
    """The vars and handler of the table's sort (a plain holder)."""

    def __init__(self, key: rx.Var[str], descending: rx.Var[bool], on_sort: Handler) -> None:
        self.key = key
        self.descending = descending
        self.on_sort = on_sort


def _sort_header(column: str, title: str, justify: str, css: str, sort: TableSort) -> rx.Component:
    active = sort.key == column
    return rx.table.column_header_cell(
        rx.el.button(
            title,
            rx.cond(
                active,
                rx.cond(
                    sort.descending,
                    rx.icon("arrow-down", size=12, aria_hidden="true"),
                    rx.icon("arrow-up", size=12, aria_hidden="true"),
                ),
            ),
            type="button",
            on_click=sort.on_sort(column),
            class_name=f"mp-sort mp-sort-{justify}",
            data_sort=column,
        ),
        justify=justify,
        class_name=css,
        scope="col",
        aria_sort=rx.cond(active, rx.cond(sort.descending, "descending", "ascending"), "none"),
    )


def _header(sort: TableSort) -> rx.Component:
    return rx.table.header(
        rx.table.row(
            *[_sort_header(*column, sort) for column in COLUMNS],
            rx.table.column_header_cell(
                rx.el.span("Alert", class_name="mp-visually-hidden"),
                class_name="mp-col-alert",
                scope="col",
            ),
        )
    )


def _row(
    row: ObjectVar,
    selected: rx.Var[str],
    link: rx.Var[str],
    on_select: Handler,
    on_alert: Handler,
) -> rx.Component:
    is_selected = row.symbol == selected
    return rx.table.row(
        rx.table.row_header_cell(
            rx.el.button(
                row.symbol,
                type="button",
                on_click=on_select(row.symbol),
                class_name="mp-symbol-button",
                aria_label="Show " + row.symbol + " on the chart",
                aria_pressed=is_selected,
            ),
            class_name="mp-col-symbol",
            scope="row",
        ),
        rx.table.cell(rx.text(row.name, color_scheme="gray"), class_name="mp-col-name"),
        price_cell(row.last, row.ts, row.flash, row.tick),
        rx.table.cell(
            row.change, justify="end", class_name=trend_class(row.trend, "mp-col-change")
        ),
        rx.table.cell(
            row.change_pct, justify="end", class_name=trend_class(row.trend, "mp-col-pct")
        ),
        rx.table.cell(row.volume, justify="end", class_name="mp-num mp-col-volume"),
        rx.table.cell(
            rx.flex(
                local_time(row.ts),
                freshness_dot(row.ts, ROW_DELAYED_MS, ROW_STALE_MS, link),
                align="center",
                justify="end",
                spacing="2",
            ),
            justify="end",
            class_name="mp-num mp-muted mp-col-time",
        ),
        rx.table.cell(alert_row_button(row.symbol, on_alert), class_name="mp-col-alert"),
        data_symbol=row.symbol,
        data_selected=is_selected,
        class_name=rx.cond(is_selected, "mp-row-selected", ""),
        align="center",
    )


def watchlist(
    rows: rx.Var[list],
    sort: TableSort,
    selected: rx.Var[str],
    link: rx.Var[str],
    on_select: Handler,
    on_alert: Handler,
) -> rx.Component:
    """The watchlist table over `rows` (the page's `marketpulse.rows.QuoteRow`s)."""
    return rx.table.root(
        _header(sort),
        rx.table.body(rx.foreach(rows, lambda row: _row(row, selected, link, on_select, on_alert))),
        variant="surface",
        size="2",
        width="100%",
        class_name="mp-watchlist",
        aria_live="off",
    )


def table_pager(
    label: rx.Var[str], page: rx.Var[int], page_count: rx.Var[int], on_turn: Handler
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
