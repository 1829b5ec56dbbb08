"""HTTP polling fallback: `GET /api/snapshot?channels=...` with the socket's credentials.

Used while the socket is down (after several failed attempts, or at once when a proxy blocks
the WebSocket). One `fetch` is one request; the pacing, URL rotation and turning snapshots
into updates are the link's and the sequencer's jobs.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from marketpulse.feed.errors import FeedConnectError, FeedError
from marketpulse.feed.messages import SnapshotResponse, parse_snapshot_response
from realtime_server.protocol import MAX_CHANNELS_PER_REQUEST

SNAPSHOT_PATH = "/api/snapshot"


class SnapshotPoller:
    """Fetches snapshots over HTTP with one reusable aiohttp session."""

    def __init__(self, timeout_s: float = 5.0) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self.requests = 0
        self.failures = 0

    async def fetch(
        self, base_url: str, channels: Sequence[str], token: str | None
    ) -> SnapshotResponse:
        """One snapshot of `channels` (at most 500, the protocol's limit per request).

        Raises `FeedRequestError` for a refusal the server explained (401 token_expired, 403
        forbidden, ...), `FeedConnectError` when there was no usable answer.
        """
        if not 0 < len(channels) <= MAX_CHANNELS_PER_REQUEST:
            raise ValueError(f"poll 1-{MAX_CHANNELS_PER_REQUEST} channels at a time")
        self.requests += 1
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = base_url.rstrip("/") + SNAPSHOT_PATH
        try:
            async with self._http().get(
                url, params={"channels": ",".join(channels)}, headers=headers
            ) as response:
                body = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            self.failures += 1
            raise FeedConnectError(f"poll of {url} failed: {exc!r}") from None
        try:
            return parse_snapshot_response(body)
        except FeedError:  # a refusal, or a body that is not a snapshot
            self.failures += 1
            raise

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session
