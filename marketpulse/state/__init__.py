"""The app's Reflex states, small and split by heat.

`QuotesState` is hot (the watchlist's rows, updated several times a second) and owns the
per-tab feed task; `ConnectionState` is cold (the feed link's state, for the indicator).
"""

from marketpulse.state.connection import ConnectionState
from marketpulse.state.quotes import QuotesState

__all__ = ["ConnectionState", "QuotesState"]
