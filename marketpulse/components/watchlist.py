"""`watchlist(rows)`: the table of watched symbols (symbol, name, last, change, %, volume, time).

Rows carry `data-symbol`. The table is deliberately not a live region (`aria-live="off"`):
prices change several times a second and must not flood screen readers. Narrow screens drop the
name, volume and time columns (`marketpulse.css`).
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import CustomVarOperationReturn, var_operation, var_operation_return
from reflex.vars.number import NumberVar
from reflex.vars.object import ObjectVar

from marketpulse.components.price_cell import price_cell


@var_operation
def local_time(ts: NumberVar) -> CustomVarOperationReturn[str]:
    """`HH:MM:SS` in the browser's time zone for a ms timestamp, or `—` for 0 (no value yet)."""
    return var_operation_return(
        js_expression=(
            f"({ts} > 0 ? new Date({ts}).toLocaleTimeString(undefined, "
            "{hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false}) : '—')"
        ),
        var_type=str,
    )


def _trend_class(trend: rx.Var[str], extra: str) -> rx.Var[str]:
    return rx.match(
        trend,
        ("up", f"mp-num mp-trend-up {extra}"),
        ("down", f"mp-num mp-trend-down {extra}"),
        f"mp-num mp-trend-flat {extra}",
    )


def _header() -> rx.Component:
    columns = [
        ("Symbol", "start", "mp-col-symbol"),
        ("Name", "start", "mp-col-name"),
        ("Last", "end", "mp-col-last"),
        ("Change", "end", "mp-col-change"),
        ("Change %", "end", "mp-col-pct"),
        ("Volume", "end", "mp-col-volume"),
        ("Updated", "end", "mp-col-time"),
    ]
    return rx.table.header(
        rx.table.row(
            *[
                rx.table.column_header_cell(title, justify=justify, class_name=css, scope="col")
                for title, justify, css in columns
            ]
        )
    )


def _row(row: ObjectVar) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(row.symbol, weight="bold"), class_name="mp-col-symbol", scope="row"
        ),
        rx.table.cell(rx.text(row.name, color_scheme="gray"), class_name="mp-col-name"),
        price_cell(row.last, row.ts, row.flash, row.tick),
        rx.table.cell(
            row.change, justify="end", class_name=_trend_class(row.trend, "mp-col-change")
        ),
        rx.table.cell(
            row.change_pct, justify="end", class_name=_trend_class(row.trend, "mp-col-pct")
        ),
        rx.table.cell(row.volume, justify="end", class_name="mp-num mp-col-volume"),
        rx.table.cell(local_time(row.ts), justify="end", class_name="mp-num mp-muted mp-col-time"),
        data_symbol=row.symbol,
        align="center",
    )


def watchlist(rows: rx.Var[list]) -> rx.Component:
    """The watchlist table over `rows` (a list of `marketpulse.rows.QuoteRow`)."""
    return rx.table.root(
        _header(),
        rx.table.body(rx.foreach(rows, _row)),
        variant="surface",
        size="2",
        width="100%",
        class_name="mp-watchlist",
        aria_live="off",
    )
