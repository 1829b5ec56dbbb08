"""`page_frame(...)`: what every page shares — header, main area, theme and announcer.

The header holds the app's name (a link home) and the source badge (where the prices come
from: on every page, asked for on mount where no feed runs), on the dashboard the market
summary strip, the connection indicator (both legs on the dashboard, the app leg elsewhere:
the feed runs only on the dashboard) with the pause control and the link details, and the user
menu. The root's classes carry the colour scheme and motion preferences; `theme_sync` applies
the light or dark theme; a visually hidden polite live region speaks opt-in price
announcements.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.components import (
    LinkFigures,
    SourceFigures,
    app_link_indicator,
    connection_indicator,
    link_details,
    pause_button,
    source_badge,
    summary_strip,
    theme_sync,
    user_menu,
)
from marketpulse.state import (
    AnnouncerState,
    AuthState,
    ConnectionState,
    MarketState,
    PreferencesState,
    SourceState,
    app_link,
    feed_link,
    feed_quality,
    feed_quality_label,
)

TITLE = "MarketPulse"

LINK = LinkFigures(
    status=feed_link,
    attempt=ConnectionState.attempt,
    next_retry_at=ConnectionState.next_retry_at,
    rtt_ms=ConnectionState.rtt_ms,
    rtt_p95_ms=ConnectionState.rtt_p95_ms,
    quality=feed_quality,
    quality_label=feed_quality_label,
    reason=ConnectionState.reason,
)

SOURCE = SourceFigures(
    kind=SourceState.kind,
    state=SourceState.state,
    label=SourceState.label,
    session=SourceState.session,
    delay=SourceState.delay,
    trouble=SourceState.trouble,
    retry_at=SourceState.retry_at,
    clock=SourceState.clock,
    clock_at=SourceState.clock_at,
    speed=SourceState.speed,
    zone=SourceState.zone,
    zone_label=SourceState.zone_label,
    announcement=SourceState.announcement,
)


def _brand() -> rx.Component:
    return rx.link(
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
    )


def _links(show_feed: bool) -> rx.Component:
    if not show_feed:
        return app_link_indicator(app_link)
    return rx.flex(
        connection_indicator(feed_link, app_link),
        link_details(LINK, ConnectionState.reconnect_now),
        pause_button(ConnectionState.paused, ConnectionState.toggle_pause),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _header(show_feed: bool) -> rx.Component:
    strip = (
        rx.box(
            summary_strip(
                MarketState.indices,
                MarketState.advancers,
                MarketState.decliners,
                MarketState.unchanged,
            ),
            class_name="mp-header-summary",
        )
        if show_feed
        else rx.fragment()
    )
    return rx.el.header(
        rx.flex(
            rx.flex(
                _brand(),
                source_badge(SOURCE, on_mount=None if show_feed else SourceState.probe),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.flex(
                _links(show_feed),
                user_menu(AuthState.username, AuthState.is_guest, AuthState.log_out),
                align="center",
                spacing="2",
                wrap="wrap",
                justify="end",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            class_name="mp-header-inner",
        ),
        strip,
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
        theme_sync(PreferencesState.theme, rx.State.is_hydrated),  # type: ignore[arg-type]  # rx.State declares it a bool; on the class it is a Var
        class_name=PreferencesState.page_class,
    )


def card_page(
    title: str, intro: rx.Component | str | rx.Var[str], *body: rx.Component
) -> rx.Component:
    """A page of one narrow card (log in, settings): its heading, a line of intro, the body."""
    return page_frame(
        rx.flex(
            rx.card(
                rx.flex(
                    rx.heading(title, as_="h2", size="5"),
                    rx.text(intro, size="2", color_scheme="gray"),
                    *body,
                    direction="column",
                    spacing="4",
                ),
                size="3",
                class_name="mp-narrow-card",
            ),
            justify="center",
        )
    )
