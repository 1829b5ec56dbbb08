"""The dashboard page at `/`: chart and watchlist on the left, movers, news and alerts beside.

Its `on_load` restores the login (`AuthState.restore_session`), then starts this tab's feed task
(`FeedState.start_feed`), in that order: the task connects with the user's credentials and
subscribes to what the page shows. The page only composes components over the states.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.components import (
    MarketClock,
    TableSort,
    add_symbol_form,
    alert_dialog,
    alerts_panel,
    live_chart,
    movers_panel,
    news_feed,
    table_pager,
    visibility_watcher,
    watchlist,
    watchlist_manager,
    widget_panel,
)
from marketpulse.display.chart import DEFAULT_MAX_POINTS, INTERVALS
from marketpulse.pages.layout import TITLE, page_frame
from marketpulse.state import (
    AlertsState,
    AuthState,
    CatalogState,
    ChartState,
    ConnectionState,
    FeedState,
    FreshnessState,
    LayoutState,
    MarketState,
    NewsState,
    PreferencesState,
    QuotesState,
    SourceState,
    WatchlistState,
    data_link,
)

DESCRIPTION = "Live market prices, charts and headlines, streamed to your browser."
LINK = data_link
"""The feed link as the page can vouch for it: no widget is live while the app link is down,
and every widget is stale while the feed's market data source is not ok."""
REPLAYED = MarketClock(
    SourceState.clock,
    SourceState.clock_at,
    SourceState.speed,
    rx.cond(SourceState.kind == "replay", SourceState.zone, ""),
)
"""A replay's clock (`at` is 0 under any other source): the watchlist's times are on it."""


def _chart_tools() -> list[rx.Component]:
    return [
        rx.segmented_control.root(
            *[rx.segmented_control.item(interval, value=interval) for interval in INTERVALS],
            value=ChartState.interval,
            on_change=ChartState.set_interval,
            size="1",
            aria_label="Bar interval",
            data_testid="chart-interval",
        ),
        rx.segmented_control.root(
            rx.segmented_control.item("Candles", value="candles"),
            rx.segmented_control.item("Line", value="line"),
            value=ChartState.mode,
            on_change=ChartState.set_mode,
            size="1",
            aria_label="Chart type",
            data_testid="chart-mode",
        ),
        rx.button(
            rx.cond(ChartState.paused, "Resume", "Pause"),
            on_click=ChartState.toggle_pause,
            variant="soft",
            color_scheme="gray",
            size="1",
            aria_pressed=ChartState.paused,
            data_testid="chart-pause",
        ),
        rx.button(
            rx.icon("radio", size=14, aria_hidden="true"),
            "Go live",
            on_click=ChartState.follow_live,
            variant="soft",
            size="1",
            data_testid="chart-go-live",
        ),
    ]


def _chart() -> rx.Component:
    return widget_panel(
        live_chart(
            ChartState.window,
            ChartState.tail,
            ChartState.revision,
            ChartState.mode,
            ChartState.paused,
            ChartState.go_live,
            PreferencesState.theme,
            PreferencesState.color_scheme,
            DEFAULT_MAX_POINTS,
            ChartState.label,
        ),
        widget="chart",
        title="chart",
        label=ChartState.symbol + " · " + ChartState.company,
        updated_at=FreshnessState.chart_at,
        link=LINK,
        is_open=LayoutState.chart_open,
        on_toggle=LayoutState.toggle("chart"),
        tools=_chart_tools(),
    )


def _watchlist() -> rx.Component:
    return widget_panel(
        rx.text(
            rx.cond(
                AuthState.is_guest,
                "Guest watchlist: log in to keep your changes.",
                "Your watchlist. Choose a symbol to chart it.",
            ),
            size="1",
            color_scheme="gray",
            class_name="mp-panel-note",
        ),
        watchlist(
            QuotesState.rows,
            TableSort(QuotesState.sort_key, QuotesState.descending, QuotesState.sort_by),
            ChartState.symbol,
            LINK,
            ChartState.select_symbol,
            AlertsState.open_dialog,
            REPLAYED,
        ),
        table_pager(
            QuotesState.page_label, QuotesState.page, QuotesState.page_count, QuotesState.turn_page
        ),
        widget="watchlist",
        title="Watchlist",
        updated_at=FreshnessState.quotes_at,
        link=LINK,
        tools=[
            add_symbol_form(
                WatchlistState.add_symbol, CatalogState.options, CatalogState.placeholder
            ),
            watchlist_manager(
                WatchlistState.symbols, WatchlistState.remove_symbol, WatchlistState.move_symbol
            ),
        ],
        delayed_ms=3_000,
        stale_ms=15_000,
    )


def _side() -> rx.Component:
    return rx.flex(
        widget_panel(
            movers_panel(
                MarketState.gainers,
                MarketState.losers,
                MarketState.most_active,
                ChartState.select_symbol,
                ChartState.symbol,
            ),
            widget="movers",
            title="Market movers",
            updated_at=FreshnessState.summary_at,
            link=LINK,
            is_open=LayoutState.movers_open,
            on_toggle=LayoutState.toggle("movers"),
            delayed_ms=3_000,
            stale_ms=15_000,
        ),
        widget_panel(
            news_feed(
                NewsState.items,
                NewsState.watchlist_only,
                NewsState.set_watchlist_only,
                ChartState.select_symbol,
                NewsState.announcement,
                SourceState.news,
            ),
            widget="news",
            title="News",
            updated_at=FreshnessState.news_at,
            link=LINK,
            is_open=LayoutState.news_open,
            on_toggle=LayoutState.toggle("news"),
        ),
        widget_panel(
            alerts_panel(
                AlertsState.rules, AlertsState.fired, AuthState.is_guest, AlertsState.delete_alert
            ),
            widget="alerts",
            title="Price alerts",
            updated_at=FreshnessState.news_at,
            link=LINK,
            is_open=LayoutState.alerts_open,
            on_toggle=LayoutState.toggle("alerts"),
        ),
        direction="column",
        class_name="mp-dashboard-side",
    )


def _paused_banner() -> rx.Component:
    return rx.cond(
        ConnectionState.paused,
        rx.callout(
            "Live updates are paused. Prices, charts and headlines resume where they are now "
            "when you press Resume.",
            icon="pause",
            color_scheme="amber",
            size="1",
            class_name="mp-paused-banner",
            data_testid="paused-banner",
        ),
    )


def dashboard() -> rx.Component:
    """The whole page."""
    return page_frame(
        _paused_banner(),
        rx.el.div(
            rx.flex(_chart(), _watchlist(), direction="column", class_name="mp-dashboard-main"),
            _side(),
            class_name="mp-dashboard",
        ),
        alert_dialog(
            AlertsState.dialog_open,
            AlertsState.draft_symbol,
            AlertsState.draft_price,
            AlertsState.set_dialog_open,
            AlertsState.create_alert,
        ),
        visibility_watcher(ConnectionState.set_visible),
        show_feed=True,
    )


def add_pages(app: rx.App) -> None:
    """Register this module's pages on `app`."""
    app.add_page(
        dashboard,
        route="/",
        title=TITLE,
        description=DESCRIPTION,
        on_load=[AuthState.restore_session, FeedState.start_feed],
    )
