"""The app's Reflex states, small and split by heat.

Hot: `QuotesState` (the watchlist's rows, updated several times a second; it owns the per-tab
feed task). Cold: `ConnectionState` (the feed link's state), `WatchlistState` (the symbols),
`SettingsState` (preferences), `AuthState` (who is logged in, the feed token), `AnnouncerState`
(the spoken price summary). Later issues add bars, news, summary and alerts states beside them.
"""

from marketpulse.state.announcer import AnnouncerState
from marketpulse.state.auth import AuthState
from marketpulse.state.connection import ConnectionState, app_link
from marketpulse.state.quotes import QuotesState
from marketpulse.state.settings import SettingsState
from marketpulse.state.watchlist import WatchlistState

__all__ = [
    "AnnouncerState",
    "AuthState",
    "ConnectionState",
    "QuotesState",
    "SettingsState",
    "WatchlistState",
    "app_link",
]
