"""`TabSubscription`: one tab's `FeedClient`, kept subscribed to exactly what the tab wants.

The tab's background task reads a `FeedPlan` inside its short state lock and then, outside the
lock, hands it to `reconcile(plan)`. That starts (when none is running) a sync of the plan as
a task of its own, so the task keeps applying feed events while the sync waits on the network;
`completed()` hands over the result once it is done. A sync does this:

- another user (log in / log out): close the client and connect again with the new user's
  tokens, which the client mints itself, when it needs one, through `mint(subject)` — at
  connect, after `token_expired`, and for the in-band `refresh` before expiry;
- the feed refused the credentials (`unauthorized`): connect again at most every
  `UNAUTHORIZED_RETRY_S`;
- while live: the first time, ask for the catalog; subscribe the channels that were added
  (one request for the lot, one per channel only when the lot is refused, to find the
  culprit), unsubscribe those removed, and `modify` the update rate when it changed. Refused
  channels are reported (in the result), never retried.

The client is started with no channels and every channel is subscribed here, so one symbol the
feed does not trade can never keep the rest of the watchlist from streaming. The client itself
fails over between the URLs and resubscribes what it holds after a reconnection; channels it
could not resubscribe come back as `SubscriptionRefused` events, noted here on their way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from marketpulse.feed import (
    ConnectionStatus,
    FeedClient,
    FeedClientConfig,
    FeedError,
    FeedEvent,
    FeedMetricsSnapshot,
    FeedRequestError,
    LinkState,
    SubscriptionRefused,
    guest,
)
from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.refusals import REFUSED_CODES

logger = logging.getLogger(__name__)

UNAUTHORIZED_RETRY_S = 30.0
CLOSE_TIMEOUT_S = 2.0
"""How long closing a feed client may take before it is abandoned."""

Mint = Callable[[str], str]
"""Mints a fresh feed token for a subject (local signing: no I/O)."""


class TabSubscription:
    """Owns one feed client at a time for one tab; see the module docstring."""

    def __init__(
        self,
        config: FeedClientConfig,
        urls: Sequence[str],
        mint: Mint,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not urls:
            raise ValueError("give at least one feed URL")
        self._config = config
        self._urls = list(urls)
        self._mint = mint
        self._clock = clock
        self._client: FeedClient | None = None
        self._reading: asyncio.Future[list[FeedEvent]] | None = None
        self._syncing: asyncio.Future[SyncResult] | None = None
        self._subject = ""
        self._held: set[str] = set()
        self._refused: set[str] = set()
        self._throttle_ms = 0
        self._catalogued = False
        self._started_at = 0.0

    @property
    def client(self) -> FeedClient | None:
        """The current feed client (for requests such as alerts), or None before `start`."""
        return self._client

    @property
    def state(self) -> LinkState:
        return self._client.state if self._client is not None else LinkState.IDLE

    def status(self) -> ConnectionStatus | None:
        return self._client.status if self._client is not None else None

    def metrics(self) -> FeedMetricsSnapshot | None:
        return self._client.metrics() if self._client is not None else None

    def start(self, plan: FeedPlan) -> None:
        """Connect (in the background) as the plan's user; channels follow in syncs."""
        self._subject = plan.subject
        self._held = set()
        self._refused = set()  # a new connection (perhaps another user) may be allowed more
        self._throttle_ms = plan.throttle_ms
        self._catalogued = False
        self._started_at = self._clock()
        self._client = FeedClient(self._config)
        subject = plan.subject
        provider = (lambda: self._mint(subject)) if subject else guest
        self._client.start(self._urls, [], plan.throttle_ms, token_provider=provider)

    async def next_events(self, wait_s: float) -> list[FeedEvent]:
        """The next run of feed events; `[]` after `wait_s` seconds or when a sync finished.

        The read in progress survives a timeout (it is awaited again next time), so no event is
        ever lost to one.
        """
        if self._client is None:
            await asyncio.sleep(wait_s)
            return []
        if self._reading is None:
            self._reading = asyncio.ensure_future(self._client.next_events())
        reading = self._reading
        waiting: set[asyncio.Future[list[FeedEvent]] | asyncio.Future[SyncResult]] = {reading}
        if self._syncing is not None and not self._syncing.done():
            waiting.add(self._syncing)
        done, _ = await asyncio.wait(waiting, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        if reading not in done:
            return []
        self._reading = None
        events = [] if reading.cancelled() else reading.result()
        for event in events:
            if isinstance(event, SubscriptionRefused):
                self._held.difference_update(event.channels)
                self._refused.update(event.channels)
        return events

    def reconcile(self, plan: FeedPlan) -> None:
        """Start syncing the connection to `plan`, unless a sync is still running."""
        if self._syncing is None:
            self._syncing = asyncio.ensure_future(self.sync(plan))

    def completed(self) -> SyncResult | None:
        """The result of the sync that finished since the last call, if any."""
        syncing = self._syncing
        if syncing is None or not syncing.done():
            return None
        self._syncing = None
        return syncing.result()

    async def sync(self, plan: FeedPlan) -> SyncResult:
        """Make the connection and its subscriptions match `plan` (network I/O; no lock held)."""
        result = SyncResult(plan=plan)
        if plan.subject != self._subject or self._refusal_due():
            why = "another user" if plan.subject != self._subject else "retrying a refusal"
            await self._restart(plan, why)
            result.restarted = True
        elif self.state is LinkState.LIVE:
            await self._reconcile(plan, result)
        return result

    async def reconnect_now(self, plan: FeedPlan) -> None:
        """Drop the current connection and connect again at once (the user asked to)."""
        await self._cancel_sync()
        await self._restart(plan, "reconnect requested")

    async def close(self) -> None:
        """Stop syncing and reading, and close the client. Safe to call more than once."""
        await self._cancel_sync()
        await self._close_client()

    # -- internals ----------------------------------------------------------------------------

    def _refusal_due(self) -> bool:
        return (
            self.state is LinkState.UNAUTHORIZED
            and self._clock() - self._started_at >= UNAUTHORIZED_RETRY_S
        )

    async def _cancel_sync(self) -> None:
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await syncing

    async def _restart(self, plan: FeedPlan, why: str) -> None:
        logger.info("feed subscription connecting again: %s", why)
        await self._close_client()
        self.start(plan)

    async def _close_client(self) -> None:
        reading, self._reading = self._reading, None
        if reading is not None:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reading
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_TIMEOUT_S):
                    await client.close()

    async def _reconcile(self, plan: FeedPlan, result: SyncResult) -> None:
        client = self._client
        assert client is not None
        wanted = [channel for channel in plan.channels if channel not in self._refused]
        added = [channel for channel in wanted if channel not in self._held]
        removed = sorted(self._held.difference(wanted))
        try:
            if not self._catalogued:
                result.catalog = await client.catalog()
                self._catalogued = True
            if added:
                await self._subscribe(client, added, plan.throttle_ms, result)
                self._throttle_ms = plan.throttle_ms
            if removed:
                await client.unsubscribe(removed)
                self._held.difference_update(removed)
            if plan.throttle_ms != self._throttle_ms:
                await client.modify(throttle_ms=plan.throttle_ms)
                self._throttle_ms = plan.throttle_ms
        except FeedError as exc:
            # Not connected, timed out, malformed: the next sync tries again.
            logger.info("feed subscription update deferred: %s", exc)

    async def _subscribe(
        self, client: FeedClient, channels: list[str], throttle_ms: int, result: SyncResult
    ) -> None:
        try:
            self._held.update((await client.subscribe(channels, throttle_ms)).channels)
            return
        except FeedRequestError as exc:
            if exc.code not in REFUSED_CODES:
                raise
            if len(channels) == 1:
                self._refuse(channels[0], exc.code, result)
                return
        for channel in channels:  # find which ones the feed refuses
            try:
                self._held.update((await client.subscribe([channel], throttle_ms)).channels)
            except FeedRequestError as exc:
                if exc.code not in REFUSED_CODES:
                    raise
                self._refuse(channel, exc.code, result)

    def _refuse(self, channel: str, code: str, result: SyncResult) -> None:
        self._refused.add(channel)
        result.refused[channel] = code
