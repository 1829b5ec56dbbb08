"""The dashboard page at `/`: the watchlist, live, with the controls to edit it.

Its `on_load` restores the login (`AuthState.restore_session`), then starts this tab's feed task
(`QuotesState.start_feed`), in that order: the task connects with the user's credentials and
subscribes to their watchlist.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.components import add_symbol_form, watchlist, watchlist_manager
from marketpulse.pages.layout import TITLE, page_frame
from marketpulse.state import AuthState, QuotesState, WatchlistState
from marketpulse.symbols import KNOWN_SYMBOLS

DESCRIPTION = "Live market prices, streamed to your browser."


def dashboard() -> rx.Component:
    """The whole page."""
    return page_frame(
        rx.el.section(
            rx.flex(
                rx.flex(
                    rx.heading("Watchlist", as_="h2", size="3", weight="medium", id="watchlist"),
                    rx.text(
                        rx.cond(
                            AuthState.is_guest,
                            "Guest watchlist: log in to keep your changes",
                            "Prices update live",
                        ),
                        size="1",
                        color_scheme="gray",
                    ),
                    direction="column",
                    spacing="1",
                ),
                rx.flex(
                    add_symbol_form(WatchlistState.add_symbol, KNOWN_SYMBOLS),
                    watchlist_manager(
                        WatchlistState.symbols,
                        WatchlistState.remove_symbol,
                        WatchlistState.move_symbol,
                    ),
                    spacing="2",
                    align="center",
                ),
                justify="between",
                align="end",
                wrap="wrap",
                spacing="3",
                class_name="mp-section-title",
            ),
            watchlist(QuotesState.rows),
            aria_labelledby="watchlist",
        ),
        show_feed=True,
    )


def add_pages(app: rx.App) -> None:
    """Register this module's pages on `app`."""
    app.add_page(
        dashboard,
        route="/",
        title=TITLE,
        description=DESCRIPTION,
        on_load=[AuthState.restore_session, QuotesState.start_feed],
    )
