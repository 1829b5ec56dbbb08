"""`add_symbol_form(...)` and `watchlist_manager(...)`: adding, removing and ordering symbols.

The add form offers the feed's catalog as suggestions (a `<datalist>`), but any text is sent:
the state validates it and says why in a toast. The manager is a dialog listing the watchlist
with move-up, move-down and remove buttons, kept apart from the live price table so the hot
table stays lean. Test hooks: `data-testid="add-symbol-input"`, `"add-symbol-button"`,
`"manage-watchlist"`, and `data-manage-symbol` on each of the dialog's rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx
from reflex.event import EventCallback, EventType
from reflex.vars.number import NumberVar
from reflex.vars.sequence import ArrayVar, StringVar

SUGGESTIONS_ID = "mp-symbol-suggestions"


def add_symbol_form(
    on_submit: EventType[dict], options: ArrayVar, placeholder: rx.Var[str] | str = "Add a symbol"
) -> rx.Component:
    """A one-field form that sends `{"symbol": ...}` to `on_submit` and clears itself;
    `options` (a list var of `{symbol, name}`) are its suggestions, `placeholder` its hint."""
    return rx.form(
        rx.flex(
            rx.input(
                name="symbol",
                placeholder=placeholder,
                aria_label="Symbol to add",
                auto_complete="off",
                max_length=15,
                list=SUGGESTIONS_ID,
                size="2",
                data_testid="add-symbol-input",
                class_name="mp-add-input",
            ),
            rx.button(
                rx.icon("plus", size=16, aria_hidden="true"),
                "Add",
                type="submit",
                size="2",
                data_testid="add-symbol-button",
            ),
            rx.el.datalist(
                rx.foreach(options, lambda o: rx.el.option(value=o.symbol, label=o.name)),
                id=SUGGESTIONS_ID,
            ),
            spacing="2",
            align="center",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
    )


def _manager_row(
    symbol: StringVar,
    index: NumberVar[int],
    count: NumberVar[int],
    on_remove: EventCallback[str],
    on_move: EventCallback[str, int],
) -> rx.Component:
    return rx.flex(
        rx.text(symbol, weight="bold", class_name="mp-manage-symbol"),
        rx.flex(
            rx.icon_button(
                rx.icon("arrow-up", size=14),
                on_click=on_move(symbol, -1),
                disabled=index == 0,
                variant="soft",
                size="1",
                aria_label="Move " + symbol + " up",
            ),
            rx.icon_button(
                rx.icon("arrow-down", size=14),
                on_click=on_move(symbol, 1),
                disabled=index == count - 1,
                variant="soft",
                size="1",
                aria_label="Move " + symbol + " down",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=on_remove(symbol),
                color_scheme="red",
                variant="soft",
                size="1",
                aria_label="Remove " + symbol,
            ),
            spacing="1",
        ),
        justify="between",
        align="center",
        class_name="mp-manage-row",
        data_manage_symbol=symbol,
    )


def watchlist_manager(
    symbols: ArrayVar[Sequence[str]],
    on_remove: EventCallback[str],
    on_move: EventCallback[str, int],
) -> rx.Component:
    """A "Manage" button opening a dialog to reorder and remove the watchlist's symbols."""
    count = symbols.length()
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("list-ordered", size=16, aria_hidden="true"),
                "Manage",
                variant="soft",
                color_scheme="gray",
                size="2",
                data_testid="manage-watchlist",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Manage your watchlist"),
            rx.dialog.description(
                "Reorder or remove symbols. Changes apply at once.", class_name="mp-dialog-note"
            ),
            rx.scroll_area(
                rx.flex(
                    rx.foreach(
                        symbols,
                        lambda symbol, index: _manager_row(
                            symbol, index, count, on_remove, on_move
                        ),
                    ),
                    direction="column",
                    spacing="1",
                ),
                type="auto",
                scrollbars="vertical",
                class_name="mp-manage-list",
            ),
            rx.flex(
                rx.dialog.close(rx.button("Done", variant="soft", size="2")),
                justify="end",
                margin_top="1rem",
            ),
            max_width="420px",
        ),
    )
