"""`connection_indicator(status, app_link)`: both legs of the link behind the prices.

Two labelled, coloured badges: the browser ↔ app leg (Reflex's websocket; `app_link` is live,
connecting or reconnecting) and the app ↔ feed leg (`status`, one of `LinkState`'s values; pages
pass `state.feed_link`, which reads as the app leg while that is down: a dead app cannot report
its feed, and a badge must not say Live for it).

Test hooks: the feed badge keeps `data-testid="connection-indicator"` with `data-state` set to
`status`; the app badge has `data-testid="app-link-indicator"` and its own `data-state`. Both are
`role="status"` elements, so assistive technology announces state changes politely.
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
APP_LABELS: dict[str, str] = {
    "live": "Online",
    "connecting": "Connecting…",
    "reconnecting": "Reconnecting…",
}
APP_COLORS: dict[str, str] = {"live": "green", "connecting": "amber", "reconnecting": "red"}


def _badge(
    caption: str,
    spoken: str,
    state: rx.Var[str],
    labels: dict[str, str],
    colors: dict[str, str],
    test_id: str,
) -> rx.Component:
    return rx.badge(
        rx.el.span(class_name="mp-status-dot", aria_hidden="true"),
        rx.el.span(caption, class_name="mp-leg-caption", aria_hidden="true"),
        rx.el.span(spoken, class_name="mp-visually-hidden"),
        rx.match(state, *labels.items(), "Unknown"),
        color_scheme=rx.match(state, *colors.items(), "gray"),
        variant="soft",
        # Step-12 text: the soft badges' step-11 text falls short of 4.5:1 in the light theme.
        high_contrast=True,
        size="2",
        radius="full",
        class_name="mp-status",
        data_testid=test_id,
        data_state=state,
        custom_attrs={"role": "status"},
    )


def app_link_indicator(app_link: rx.Var[str]) -> rx.Component:
    """The browser ↔ app leg's badge alone (pages without a feed connection)."""
    return _badge(
        "App", "Connection to the app: ", app_link, APP_LABELS, APP_COLORS, "app-link-indicator"
    )


def connection_indicator(status: rx.Var[str], app_link: rx.Var[str] | None = None) -> rx.Component:
    """The app leg's badge (when `app_link` is given) and the feed leg's badge, side by side."""
    feed = _badge("Feed", "Price feed: ", status, LABELS, COLORS, "connection-indicator")
    if app_link is None:
        return feed
    return rx.flex(
        app_link_indicator(app_link),
        feed,
        spacing="2",
        align="center",
        class_name="mp-links",
        role="group",
        aria_label="Connection",
    )
