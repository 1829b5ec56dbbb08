"""`alert_dialog(...)`: creating a price alert from a watchlist row.

`alert_dialog` is the page's one dialog, controlled by state (`open`, `symbol`): a row's bell
(in the watchlist grid) asks the state to set the symbol and open it. Its form sends the raw
`{symbol, condition, threshold, note}` strings to `on_submit` (the state parses them with
`marketpulse.display.alerts.parse_alert_form`; the message of an `AlertFormError` may come back as
`error`, shown inline as an alert). On close, focus returns to the bell button of the symbol,
since the dialog has no trigger of its own for Radix to return it to.

Test hooks: `data-testid="alert-dialog"`, `"alert-form"`, `"alert-form-error"`, `"alert-create"`.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec, EventType
from reflex.vars.sequence import StringVar

from marketpulse.components.scripts import client_script
from marketpulse.display.alerts import MAX_NOTE
from marketpulse.display.quotes import PLACEHOLDER

Handler = Callable[[rx.Var[str]], EventSpec]

CONDITIONS: tuple[tuple[str, str], ...] = (
    ("above", "Rises to or above a price"),
    ("below", "Falls to or below a price"),
    ("move_pct", "Moves by a percentage, up or down"),
)


def _focus_alert_button(symbol: rx.Var[str]) -> EventSpec:
    selector = f'`[data-testid="alert-button"][data-alert-symbol="${{CSS.escape({symbol!s})}}"]`'
    return client_script(f"document.querySelector({selector})?.focus()", symbol)


def _condition_field() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend("Alert me when the price", class_name="mp-label"),
        rx.radio_group.root(
            *[
                rx.radio_group.item(label, value=value, class_name="mp-alert-condition")
                for value, label in CONDITIONS
            ],
            name="condition",
            default_value="above",
            size="2",
            class_name="mp-alert-conditions",
        ),
        class_name="mp-alert-fieldset",
    )


def _threshold_field(last_price: StringVar) -> rx.Component:
    # The label and hint follow the chosen condition through CSS (`:has` on the checked radio),
    # so the form stays uncontrolled and needs no round trip to the state.
    known = (last_price != "") & (last_price != PLACEHOLDER)
    return rx.flex(
        rx.el.label(
            rx.el.span("Price", class_name="mp-alert-for-price"),
            rx.el.span("Move, in percent", class_name="mp-alert-for-pct"),
            html_for="mp-alert-threshold",
            class_name="mp-label",
        ),
        rx.input(
            id="mp-alert-threshold",
            name="threshold",
            placeholder=rx.cond(known, last_price, ""),
            input_mode="decimal",
            auto_complete="off",
            aria_required="true",
            aria_describedby="mp-alert-threshold-hint",
            size="2",
        ),
        rx.text(
            rx.el.span(
                rx.cond(known, "Last price " + last_price + ".", "No price yet."),
                class_name="mp-alert-for-price",
            ),
            rx.el.span(
                rx.cond(known, "From " + last_price + ", for example 5.", "For example 5."),
                class_name="mp-alert-for-pct",
            ),
            " The alert fires once.",
            id="mp-alert-threshold-hint",
            size="1",
            class_name="mp-muted",
        ),
        direction="column",
        spacing="1",
    )


def _note_field() -> rx.Component:
    return rx.flex(
        rx.el.label("Note (optional)", html_for="mp-alert-note", class_name="mp-label"),
        rx.input(
            id="mp-alert-note",
            name="note",
            max_length=MAX_NOTE,
            auto_complete="off",
            placeholder="e.g. earnings on Thursday",
            size="2",
        ),
        direction="column",
        spacing="1",
    )


def _error(error: rx.Var[str] | None) -> rx.Component:
    if error is None:
        return rx.fragment()
    return rx.cond(
        error != "",
        rx.callout(
            error,
            icon="triangle_alert",
            color_scheme="red",
            size="1",
            role="alert",
            data_testid="alert-form-error",
        ),
    )


def _actions() -> rx.Component:
    return rx.flex(
        rx.dialog.close(
            rx.button("Cancel", type="button", variant="soft", color_scheme="gray", size="2")
        ),
        rx.button("Create", type="submit", size="2", data_testid="alert-create"),
        justify="end",
        spacing="2",
    )


def alert_dialog(
    open: rx.Var[bool],
    symbol: StringVar,
    last_price: StringVar,
    on_open_change: EventType[bool],
    on_submit: EventType[dict],
    error: rx.Var[str] | None = None,
) -> rx.Component:
    """The create-alert dialog for `symbol`, open while `open`; Escape, Cancel and the overlay
    send `False` to `on_open_change`; Create sends the form's fields to `on_submit`. `error`,
    when given and not empty, is shown above the buttons."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Create an alert for " + symbol),
            rx.dialog.description(
                "Get notified when the price reaches your level.", class_name="mp-dialog-note"
            ),
            rx.form(
                rx.el.input(type="hidden", name="symbol", value=symbol),
                rx.flex(
                    _condition_field(),
                    _threshold_field(last_price),
                    _note_field(),
                    _error(error),
                    _actions(),
                    direction="column",
                    spacing="4",
                ),
                on_submit=on_submit,
                class_name="mp-alert-form",
                data_testid="alert-form",
            ),
            on_close_auto_focus=_focus_alert_button(symbol),
            max_width="440px",
            class_name="mp-alert-dialog",
            data_testid="alert-dialog",
        ),
        open=open,
        on_open_change=on_open_change,
    )
