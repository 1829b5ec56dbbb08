"""`connection_indicator(status)`: the feed link's state as a labelled, coloured badge.

Test hook: `data-testid="connection-indicator"` and `data-state` set to the status value. It is a
`role="status"` element, so assistive technology announces state changes politely.
"""

from __future__ import annotations

import reflex as rx

LABELS: dict[str, str] = {
    "live": "Live",
    "connecting": "Connecting…",
    "reconnecting": "Reconnecting…",
    "polling": "Polling",
    "offline": "Offline",
    "unauthorized": "Not authorized",
}
COLORS: dict[str, str] = {
    "live": "green",
    "connecting": "amber",
    "reconnecting": "amber",
    "polling": "blue",
    "offline": "red",
    "unauthorized": "red",
}


def connection_indicator(status: rx.Var[str]) -> rx.Component:
    """A badge showing `status` (one of `LinkState`'s values) with a dot, a label and colour."""
    label = rx.match(status, *LABELS.items(), "Unknown")
    color = rx.match(status, *COLORS.items(), "gray")
    return rx.badge(
        rx.el.span(class_name="mp-status-dot", aria_hidden="true"),
        rx.el.span("Feed: ", class_name="mp-visually-hidden"),
        label,
        color_scheme=color,
        variant="soft",
        size="2",
        radius="full",
        class_name="mp-status",
        data_testid="connection-indicator",
        data_state=status,
        custom_attrs={"role": "status"},
    )
