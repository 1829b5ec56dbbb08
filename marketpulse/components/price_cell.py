"""`price_cell(...)`: the last-price cell of a watchlist row, with its change flash.

The price sits in a span whose React `key` is the row's flash counter: a new counter value
remounts the span, which restarts the `flash-up`/`flash-down` CSS animation (`marketpulse.css`).
Test hooks: `data-field="last"` and `data-ts` (source timestamp, ms, of the value shown).
"""

from __future__ import annotations

import reflex as rx


def price_cell(
    value: rx.Var[str], ts: rx.Var[int], flash: rx.Var[str], tick: rx.Var[int]
) -> rx.Component:
    """A right-aligned, tabular-figure price that flashes up or down when `tick` changes."""
    return rx.table.cell(
        rx.el.span(
            value,
            key=tick,
            class_name=rx.match(
                flash, ("up", "mp-price flash-up"), ("down", "mp-price flash-down"), "mp-price"
            ),
        ),
        justify="end",
        class_name="mp-num mp-col-last",
        data_field="last",
        data_ts=ts,
    )
