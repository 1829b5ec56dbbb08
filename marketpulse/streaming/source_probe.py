"""`SourceProbe`: the newest word on the feed's source this app process has, for pages that run
no feed task.

Only the dashboard streams; the header's source badge is on every page. A page without a feed
asks the process's probe once when it opens: the newest view any tab's feed task remembered
(`remember`) while it is at most `max_age_ms` old, or else one `GET /api/snapshot?channels=
source` to the feed (the first of its URLs that answers), remembered in turn for the next page.
So pages cost the feed at most one request per `max_age_ms` per app process, however many are
opened. A feed that cannot be asked gives None: the badge then says the source is unknown,
never guesses.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from marketpulse.display.source import SourceView, source_view
from marketpulse.feed import FeedError
from marketpulse.feed.messages import snapshot_items
from marketpulse.feed.polling import SnapshotPoller
from realtime_server.protocol import SOURCE_CHANNEL, SourceStatus

logger = logging.getLogger(__name__)

Fetch = Callable[[str, str | None], Awaitable[SourceStatus | None]]
"""Asks one feed URL (with a token, or as a guest) for its source's status."""


async def fetch_status(url: str, token: str | None, timeout_s: float = 3.0) -> SourceStatus | None:
    """The `source` channel's value from one feed's `/api/snapshot` (None if it has none)."""
    poller = SnapshotPoller(timeout_s)
    try:
        response = await poller.fetch(url, [SOURCE_CHANNEL], token)
    finally:
        await poller.close()
    found = snapshot_items(response.snapshot.get(SOURCE_CHANNEL))
    return next((item for item in found if isinstance(item, SourceStatus)), None)


class SourceProbe:
    """The newest `SourceView` seen in this process, and the one fetch that refreshes it."""

    def __init__(self, max_age_ms: int = 5_000, fetch: Fetch = fetch_status) -> None:
        self.max_age_ms = max_age_ms
        self._fetch = fetch
        self._latest: tuple[SourceView, int] | None = None
        self._lock: asyncio.Lock | None = None

    def remember(self, view: SourceView, at_ms: int) -> None:
        """A tab's feed task just showed `view` (received at `at_ms`, the app's clock)."""
        if self._latest is None or at_ms >= self._latest[1]:
            self._latest = (view, at_ms)

    def recent(self, now_ms: int) -> SourceView | None:
        """The remembered view, if it is at most `max_age_ms` old."""
        if self._latest is None or now_ms - self._latest[1] > self.max_age_ms:
            return None
        return self._latest[0]

    async def latest(
        self, urls: Sequence[str], token: str | None, now: Callable[[], int]
    ) -> SourceView | None:
        """A recent view, asking the feed (one request at a time) when none is remembered."""
        if (view := self.recent(now())) is not None:
            return view
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if (view := self.recent(now())) is not None:
                return view  # another page asked while this one waited
            for url in urls:
                try:
                    status = await self._fetch(url, token)
                except FeedError as exc:
                    logger.info("source status not available from %s: %s", url, exc)
                    continue
                if status is not None:
                    at = now()
                    view = source_view(status, at)
                    self.remember(view, at)
                    return view
        return None


SOURCE_PROBE = SourceProbe()
"""The app process's probe (one per worker: each keeps its own newest view)."""
