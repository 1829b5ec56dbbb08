"""The app's Reflex states, small and split by heat.

Hot: `QuotesState` (the visible watchlist rows, several times a second) and `FreshnessState`
(when each widget's data last arrived). Warm: `ChartState` (a small tail per flush),
`MarketState` (summary and movers, twice a second). Cold: `NewsState`, `AlertsState`,
`ConnectionState` (the feed link and the user's live-update controls), `CatalogState` (what
the feed trades), `WatchlistState`,
`PreferencesState`, `LayoutState` (collapsed widgets), `AuthState` (who the tab is),
`AccountState` (password changes), `AnnouncerState`. `FeedState`
owns the tab's one feed task, which writes all of the above in short locks.
`SourceState` is where the prices come from (the header's source badge), and `data_link` the
link every widget's freshness reads.
"""

from marketpulse.state.account import AccountState
from marketpulse.state.alerts import AlertsState
from marketpulse.state.announcer import AnnouncerState
from marketpulse.state.auth import AuthState
from marketpulse.state.catalog import CatalogState
from marketpulse.state.chart import ChartState
from marketpulse.state.connection import (
    ConnectionState,
    app_link,
    feed_link,
    feed_quality,
    feed_quality_label,
)
from marketpulse.state.feed import FeedState
from marketpulse.state.freshness import FreshnessState
from marketpulse.state.layout import LayoutState
from marketpulse.state.market import MarketState
from marketpulse.state.news import NewsState
from marketpulse.state.preferences import PreferencesState
from marketpulse.state.quotes import QuotesState
from marketpulse.state.source import SourceState, data_link
from marketpulse.state.watchlist import WatchlistState

__all__ = [
    "AccountState",
    "AlertsState",
    "AnnouncerState",
    "AuthState",
    "CatalogState",
    "ChartState",
    "ConnectionState",
    "FeedState",
    "FreshnessState",
    "LayoutState",
    "MarketState",
    "NewsState",
    "PreferencesState",
    "QuotesState",
    "SourceState",
    "WatchlistState",
    "app_link",
    "data_link",
    "feed_link",
    "feed_quality",
    "feed_quality_label",
]
