"""How often a client may call the HTTP API (`/api/snapshot`, `/api/catalog`), as the socket
limits its connection attempts and requests: a token bucket per signed-in user, one per IP
address for everyone else (guests, and requests whose token is refused).

A user's requests are counted against the user whatever address they come from, so the app's
tabs of different users behind one address do not starve each other; a guest has only an
address to be known by — except behind the app's own addresses (`FEED_APP_ADDRESSES`), where
every guest tab polls from the app's one address during an outage: those are not counted per
address (the size cap on each answer still holds). Each bucket set is an LRU of bounded size.
"""

from __future__ import annotations

from collections.abc import Callable

from realtime_server.config import Settings
from realtime_server.security import KeyedBuckets

MAX_TRACKED_KEYS = 100_000


class ApiQuota:
    """Admits HTTP API requests per user (with a valid token) or per IP address."""

    def __init__(self, settings: Settings, from_app: Callable[[str], bool]) -> None:
        self.from_app = from_app
        self.per_ip = KeyedBuckets(
            settings.api_rate_per_ip, settings.api_burst_per_ip, max_keys=MAX_TRACKED_KEYS
        )
        self.per_user = KeyedBuckets(
            settings.api_rate_per_user, settings.api_burst_per_user, max_keys=MAX_TRACKED_KEYS
        )

    def wait_s(self, ip: str, user: str | None) -> float:
        """0 when the request may go ahead (it is counted), else the seconds until it may."""
        if user is None and self.from_app(ip):
            return 0.0
        buckets, key = (self.per_user, user) if user is not None else (self.per_ip, ip)
        if buckets.try_take(key):
            return 0.0
        return buckets.retry_after(key)
