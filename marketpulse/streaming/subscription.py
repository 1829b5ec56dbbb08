"""`FeedSession`: one tab's feed client, kept subscribed to exactly what the tab wants.

The tab's background task reads a `FeedPlan` inside its short state lock and then, outside the
lock, hands it to `reconcile(plan)`. That starts (when none is running) a sync of the plan as
a task of its own, so the task keeps applying feed events while the sync waits on the network;
`completed()` hands over the result once it is done. A sync does this:

- credentials changed (log in / log out): close the client and connect again with the new ones;
- a fresh token for the same user: the client is given it (its token provider returns the
  newest token, or the `auth` dict it presents at every reconnection is updated, plus an
  in-band `refresh` when the client offers one);
- the feed refused the credentials: connect again at once when a newer token exists (the old
  one expired), else at most every `UNAUTHORIZED_RETRY_S`;
- several feed URLs and a client that takes only one: after `failover_after_s` down, connect to
  the next (a client that takes the list fails over by itself);
- while live: subscribe the channels that were added, unsubscribe those removed, and ask for
  the new update rate. Refused symbols (`unknown_symbol`, ...) are reported, never retried.

The client is started with no channels and every channel is subscribed here, one request for
the lot (one per channel only when the lot is refused, to find the culprit): so one symbol the
feed does not trade can never keep the rest of the watchlist from streaming. The client itself
resubscribes what it holds after a reconnection.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any

from marketpulse.feed import (
    ConnectionStatus,
    FeedError,
    FeedEvent,
    FeedMetricsSnapshot,
    FeedRequestError,
    LinkState,
)
from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.refusals import CLOSE_TIMEOUT_S, FeedLink, refusal_message
from realtime_server.protocol import ChannelKind, ErrorCode, Quote, SubscribeAck, parse_channel

logger = logging.getLogger(__name__)

UNAUTHORIZED_RETRY_S = 30.0
REFUSED_CODES = frozenset(
    {ErrorCode.UNKNOWN_SYMBOL, ErrorCode.INVALID_CHANNEL, ErrorCode.FORBIDDEN}
)


class FeedSession:
    """Owns one feed client at a time for one tab; see the module docstring."""

    def __init__(
        self,
        make_client: Callable[[], FeedLink],
        urls: list[str],
        *,
        failover_after_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._make_client = make_client
        self._urls = urls
        self._url_index = 0
        self._failover_after_s = failover_after_s
        self._clock = clock
        self._client: FeedLink | None = None
        self._client_fails_over = False
        self._reading: asyncio.Future[list[FeedEvent]] | None = None
        self._syncing: asyncio.Future[SyncResult] | None = None
        self._auth: dict[str, Any] | None = None
        self._started_token: str | None = None
        self._epoch = -1
        self._held: set[str] = set()
        self._refused: set[str] = set()
        self._throttle_ms = 0
        self._started_at = 0.0
        self._last_live_at = 0.0

    @property
    def state(self) -> LinkState:
        return self._client.state if self._client is not None else LinkState.IDLE

    @property
    def url(self) -> str:
        return self._urls[self._url_index]

    @property
    def client(self) -> FeedLink | None:
        """The current feed client (for requests such as alerts), or None before `start`."""
        return self._client

    def status(self) -> ConnectionStatus | None:
        """The link's detailed status (attempt, next retry), when the client reports one."""
        status = getattr(self._client, "status", None)
        return status if isinstance(status, ConnectionStatus) else None

    def metrics(self) -> FeedMetricsSnapshot | None:
        """The link's quality figures (RTT, message rate), when the client reports them."""
        metrics = getattr(self._client, "metrics", None)
        return metrics() if callable(metrics) else None

    def start(self, plan: FeedPlan) -> None:
        """Connect (in the background) with the plan's credentials; channels follow in syncs."""
        self._epoch = plan.credentials_epoch
        self._auth = {"token": plan.token} if plan.token else None
        self._started_token = plan.token
        self._held = set()
        self._throttle_ms = plan.throttle_ms
        self._started_at = self._clock()
        client = self._client = self._make_client()
        params = inspect.signature(client.start).parameters
        self._client_fails_over = "url_or_urls" in params
        target: Any = list(self._urls) if self._client_fails_over else self.url
        if plan.token and "token_provider" in params:
            client.start(target, [], plan.throttle_ms, token_provider=self._token)
        else:
            client.start(target, [], plan.throttle_ms, auth=self._auth)

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
        waiting: set[asyncio.Future[Any]] = {reading}
        if self._syncing is not None and not self._syncing.done():
            waiting.add(self._syncing)
        done, _ = await asyncio.wait(waiting, timeout=wait_s, return_when=asyncio.FIRST_COMPLETED)
        if reading not in done:
            return []
        if self._reading is reading:
            self._reading = None
        return [] if reading.cancelled() else reading.result()

    def refused(self, plan: FeedPlan) -> bool:
        """Whether the feed refuses the plan's own credentials (not merely an expired token)."""
        return self.state is LinkState.UNAUTHORIZED and plan.token == self._started_token

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
        now = self._clock()
        if self.state is LinkState.LIVE:
            self._last_live_at = now
        if plan.credentials_epoch != self._epoch:
            await self._restart(plan, "credentials changed")
            result.restarted = True
            return result
        if plan.token and self._auth is not None and self._auth.get("token") != plan.token:
            await self._hand_over_token(plan.token)
        if self._should_retry_refused(plan, now) or self._should_fail_over(now):
            await self._restart(plan, "link not live")
            result.restarted = True
            return result
        if self.state is LinkState.LIVE:
            await self._reconcile(plan, result)
        return result

    async def reconnect_now(self, plan: FeedPlan) -> None:
        """Drop the current connection and connect again at once (the user asked to)."""
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await syncing
        await self._restart(plan, "reconnect requested")

    async def close(self) -> None:
        """Stop syncing and reading, and close the client. Safe to call more than once."""
        syncing, self._syncing = self._syncing, None
        if syncing is not None:
            syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await syncing
        await self._close_client()

    # -- internals ----------------------------------------------------------------------------

    def _token(self) -> str | None:
        return self._auth.get("token") if self._auth else None

    async def _restart(self, plan: FeedPlan, why: str) -> None:
        logger.info("feed session reconnecting to %s: %s", self.url, why)
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
            with contextlib.suppress(Exception, asyncio.TimeoutError):
                await asyncio.wait_for(client.close(), CLOSE_TIMEOUT_S)

    async def _hand_over_token(self, token: str) -> None:
        assert self._auth is not None
        # A token provider returns this dict's token; a client without one presents this same
        # dict at every reconnection, so a reconnection after the old token's expiry uses it.
        self._auth["token"] = token
        refresh = getattr(self._client, "refresh", None)
        if callable(refresh) and self.state is LinkState.LIVE:
            try:
                await refresh(token)
            except FeedError as exc:
                logger.warning("in-band token refresh failed: %s", exc)

    def _should_retry_refused(self, plan: FeedPlan, now: float) -> bool:
        if self.state is not LinkState.UNAUTHORIZED or plan.token is None:
            return False
        if plan.token != self._started_token:
            return True  # refused with an older token (e.g. it expired): a fresh one may pass
        return now - self._started_at >= UNAUTHORIZED_RETRY_S

    def _should_fail_over(self, now: float) -> bool:
        if self._client_fails_over or len(self._urls) < 2:
            return False
        if self.state in {LinkState.LIVE, LinkState.UNAUTHORIZED}:
            return False
        if now - max(self._started_at, self._last_live_at) < self._failover_after_s:
            return False
        self._url_index = (self._url_index + 1) % len(self._urls)
        return True

    async def _reconcile(self, plan: FeedPlan, result: SyncResult) -> None:
        assert self._client is not None
        wanted = [channel for channel in plan.channels if channel not in self._refused]
        added = [channel for channel in wanted if channel not in self._held]
        removed = sorted(self._held.difference(wanted))
        try:
            if added:
                await self._subscribe(added, plan.throttle_ms, result)
                self._throttle_ms = plan.throttle_ms
            if removed:
                await self._client.unsubscribe(removed)
                self._held.difference_update(removed)
            if plan.throttle_ms != self._throttle_ms:
                self._throttle_ms = plan.throttle_ms
                if self._held:
                    await self._client.subscribe(sorted(self._held), plan.throttle_ms)
        except FeedError as exc:
            # Not connected, timed out, malformed: the next sync tries again.
            logger.info("feed subscription update deferred: %s", exc)

    async def _subscribe(self, channels: list[str], throttle_ms: int, result: SyncResult) -> None:
        assert self._client is not None
        try:
            self._take_ack(await self._client.subscribe(channels, throttle_ms), result)
            return
        except FeedRequestError as exc:
            if exc.code not in REFUSED_CODES:
                raise
            if len(channels) == 1:
                self._refuse(channels[0], exc.code, result)
                return
        for channel in channels:  # find which ones the feed refuses
            try:
                self._take_ack(await self._client.subscribe([channel], throttle_ms), result)
            except FeedRequestError as exc:
                if exc.code not in REFUSED_CODES:
                    raise
                self._refuse(channel, exc.code, result)

    def _take_ack(self, ack: SubscribeAck, result: SyncResult) -> None:
        self._held.update(ack.channels)
        for channel, data in ack.snapshot.items():
            if isinstance(data, Quote):
                result.quotes[channel] = data

    def _refuse(self, channel: str, code: str, result: SyncResult) -> None:
        self._refused.add(channel)
        parsed = parse_channel(channel)
        if parsed.kind is ChannelKind.PRICE and parsed.symbol:
            result.rejected[parsed.symbol] = refusal_message(parsed.symbol, code)
        else:
            result.refused_other[channel] = refusal_message(parsed.symbol or channel, code)
