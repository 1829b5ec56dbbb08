"""The dashboard page at `/`: the header (name, connection indicator) and the watchlist.

Its `on_load` starts this tab's feed task (`QuotesState.start_feed`).
"""

from __future__ import annotations

import reflex as rx

from marketpulse.components import connection_indicator, watchlist
from marketpulse.state import ConnectionState, QuotesState

TITLE = "MarketPulse"
DESCRIPTION = "Live market prices, streamed to your browser."


def _header() -> rx.Component:
    return rx.el.header(
        rx.flex(
            rx.flex(
                rx.el.span(class_name="mp-logo", aria_hidden="true"),
                rx.heading(TITLE, as_="h1", size="5", weight="bold"),
                align="center",
                spacing="2",
            ),
            connection_indicator(ConnectionState.status),
            justify="between",
            align="center",
            class_name="mp-header-inner",
        ),
        class_name="mp-header",
    )


def dashboard() -> rx.Component:
    """The whole page."""
    return rx.box(
        _header(),
        rx.el.main(
            rx.el.section(
                rx.flex(
                    rx.heading("Watchlist", as_="h2", size="3", weight="medium", id="watchlist"),
                    rx.text("Prices update live", size="1", color_scheme="gray"),
                    justify="between",
                    align="baseline",
                    class_name="mp-section-title",
                ),
                watchlist(QuotesState.rows),
                aria_labelledby="watchlist",
            ),
            class_name="mp-main",
        ),
        class_name="mp-page",
    )


def add_pages(app: rx.App) -> None:
    """Register this module's pages on `app`."""
    app.add_page(
        dashboard,
        route="/",
        title=TITLE,
        description=DESCRIPTION,
        on_load=QuotesState.start_feed,
    )
