"""The app's feed client: pure Python over python-socketio, no Reflex import.

`FeedClient` talks to the feed server's `/feed` namespace; `events` defines what it hands its
consumer (`Batch`, `LinkStateChanged`) and how a run of them is coalesced; `errors` its exceptions.
"""

from marketpulse.feed.client import FeedClient
from marketpulse.feed.errors import (
    FeedConnectError,
    FeedError,
    FeedNotConnectedError,
    FeedProtocolError,
    FeedRequestError,
    FeedTimeoutError,
    FeedUnauthorizedError,
)
from marketpulse.feed.events import Coalesced, FeedEvent, LinkState, LinkStateChanged, coalesce

__all__ = [
    "Coalesced",
    "FeedClient",
    "FeedConnectError",
    "FeedError",
    "FeedEvent",
    "FeedNotConnectedError",
    "FeedProtocolError",
    "FeedRequestError",
    "FeedTimeoutError",
    "FeedUnauthorizedError",
    "LinkState",
    "LinkStateChanged",
    "coalesce",
]
