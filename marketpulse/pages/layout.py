"""`page_frame(...)`: what every page shares — header, main area, theme and announcer.

The header holds the app's name (a link home), the connection indicator (both legs on the
dashboard, the app leg elsewhere: the feed runs only on the dashboard) and the user menu. The
root's classes carry the colour scheme and motion preferences; `theme_sync` applies the light
or dark theme; a visually hidden polite live region speaks opt-in price announcements.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.components import (
    app_link_indicator,
    connection_indicator,
    theme_sync,
    user_menu,
)
from marketpulse.state import AnnouncerState, AuthState, ConnectionState, SettingsState, app_link

TITLE = "MarketPulse"


def _header(show_feed: bool) -> rx.Component:
    links = (
        connection_indicator(ConnectionState.status, app_link)
        if show_feed
        else app_link_indicator(app_link)
    )
    return rx.el.header(
        rx.flex(
            rx.link(
                rx.flex(
                    rx.el.span(class_name="mp-logo", aria_hidden="true"),
                    rx.heading(TITLE, as_="h1", size="5", weight="bold", class_name="mp-title"),
                    align="center",
                    spacing="2",
                ),
                href="/",
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.flex(
                links,
                user_menu(AuthState.username, AuthState.is_guest, AuthState.log_out),
                align="center",
                spacing="2",
            ),
            justify="between",
            align="center",
            class_name="mp-header-inner",
        ),
        class_name="mp-header",
    )


def page_frame(*children: rx.Component, show_feed: bool = False) -> rx.Component:
    """The page around `children` (the main area's content)."""
    return rx.box(
        _header(show_feed),
        rx.el.main(*children, class_name="mp-main"),
        rx.el.div(
            AnnouncerState.text,
            class_name="mp-visually-hidden",
            aria_live="polite",
            aria_atomic="true",
            data_testid="price-announcer",
        ),
        theme_sync(SettingsState.theme, rx.State.is_hydrated),
        class_name=SettingsState.page_class,
    )
