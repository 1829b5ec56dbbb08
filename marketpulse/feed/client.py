"""`FeedClient`: the public face of the feed client — lifecycle, requests, events, metrics.

It assembles the parts and delegates: `Link` runs the connection (attempts, failover,
backoff, polling fallback, live sessions), `Outbox` orders requests (queued while offline),
`Sequencer` cleans the message stream, `TokenKeeper` mints and schedules tokens, `LinkMetrics`
measures. The consumer reads everything from one inbox, `next_events()`, in arrival order.
Not thread-safe: use it from one asyncio task (its socket handlers run on the same loop).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any

from marketpulse.feed.backoff import Backoff
from marketpulse.feed.config import FeedClientConfig
from marketpulse.feed.context import FeedContext
from marketpulse.feed.errors import (
    FeedClosedError,
    FeedConnectError,
    FeedUnauthorizedError,
)
from marketpulse.feed.events import FeedEvent
from marketpulse.feed.link import Link
from marketpulse.feed.metrics import FeedMetricsSnapshot
from marketpulse.feed.operations import FeedOperations
from marketpulse.feed.status import ConnectionStatus, LinkState
from marketpulse.feed.tokens import TokenKeeper, TokenProvider, guest
from realtime_server.protocol import DEFAULT_THROTTLE_MS, PingAck

SETTLED = frozenset({LinkState.LIVE, LinkState.UNAUTHORIZED, LinkState.OFFLINE})
CANCEL_AGAIN_S = 0.1
"""How long a cancelled task may take to end before it is cancelled again."""


async def cancel_and_wait(tasks: Iterable[asyncio.Task[None]]) -> None:
    """Cancel `tasks` and wait until every one has ended, cancelling again any that runs on.

    python-socketio and engineio wait with `asyncio.wait_for`, which on Python 3.11 swallows a
    cancellation that arrives in the same turn as what it waits for: the task then goes on as
    if it had never been cancelled (seen on a loaded machine: a client closed mid-handshake
    whose connect completed at that moment, and whose close then waited for good).
    """
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=CANCEL_AGAIN_S)


class FeedClient(FeedOperations):
    """A resilient subscription to the feed; see `marketpulse.feed` for the whole API."""

    def __init__(
        self, config: FeedClientConfig | None = None, *, rng: random.Random | None = None
    ) -> None:
        self.config = config or FeedClientConfig()
        self._ctx = FeedContext(self.config)
        self._link = Link(self._ctx, Backoff(self.config.backoff, rng))
        self._tasks: set[asyncio.Task[None]] = set()
        self._running: asyncio.Task[None] | None = None
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(
        self,
        url_or_urls: str | Sequence[str],
        channels: Iterable[str] = (),
        throttle_ms: int = DEFAULT_THROTTLE_MS,
        *,
        token_provider: TokenProvider = guest,
    ) -> None:
        """Connect and subscribe in the background; everything arrives through the inbox.

        Returns at once. Failed attempts are retried with backoff over every URL, forever
        (unless `config.max_attempts`), polling HTTP meanwhile when the socket stays down.
        """
        self._ctx.sequencer.hold(channels)
        self._ctx.throttle_ms = throttle_ms
        self._launch(url_or_urls, token_provider, retry=True)

    async def connect(
        self,
        url_or_urls: str | Sequence[str],
        *,
        token_provider: TokenProvider = guest,
        retry: bool = True,
    ) -> None:
        """Start, and return once live. Raises `FeedUnauthorizedError` on a refusal of the
        credentials, and `FeedConnectError` when `retry=False` and no URL answered."""
        self._launch(url_or_urls, token_provider, retry=retry)
        status = await self._link.wait_for(SETTLED)
        if status.state is LinkState.UNAUTHORIZED:
            raise FeedUnauthorizedError(*(self._link.refusal or ("unauthorized", status.reason)))
        if status.state is LinkState.OFFLINE:
            raise FeedConnectError(status.reason)

    async def close(self) -> None:
        """Disconnect and stop everything; queued requests fail with `FeedClosedError`.
        Safe to call more than once, and from `finally`."""
        self._closed = True
        await cancel_and_wait(list(self._tasks))
        self._ctx.outbox.fail_all(FeedClosedError("the feed client is closed"))
        await self._link.poller.close()
        if self.state is not LinkState.OFFLINE:
            self._link.to(LinkState.OFFLINE, reason="closed")

    async def __aenter__(self) -> FeedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- consuming ---------------------------------------------------------------------------------

    async def next_events(self) -> list[FeedEvent]:
        """Wait for the next event, then return it with every event already queued behind it."""
        inbox = self._ctx.inbox
        events = [await inbox.get()]
        while not inbox.empty():
            events.append(inbox.get_nowait())
        return events

    async def wait_for(self, *states: LinkState) -> ConnectionStatus:
        """Wait until the link is in one of `states` (wrap in `asyncio.timeout` to bound it)."""
        return await self._link.wait_for(frozenset(states))

    @property
    def state(self) -> LinkState:
        return self._link.status.state

    @property
    def status(self) -> ConnectionStatus:
        """The link's current status: state, attempt, next retry (epoch ms), reason, URL."""
        return self._link.status

    @property
    def channels(self) -> list[str]:
        """The channels held (and resubscribed after every reconnect)."""
        return self._ctx.sequencer.channels()

    @property
    def invalid_messages(self) -> int:
        """Messages dropped because they did not match the protocol models."""
        return self._ctx.metrics.counters.invalid_messages

    @property
    def queued(self) -> int:
        """Requests waiting in the outbound queue."""
        return len(self._ctx.outbox)

    def metrics(self) -> FeedMetricsSnapshot:
        ctx = self._ctx
        return ctx.metrics.snapshot(
            self.state,
            self._link.machine.time_in_state(),
            dataclasses.asdict(ctx.sequencer.counters),
        )

    async def ping(self) -> PingAck:
        """One app-level ping now (live only: `FeedNotConnectedError` otherwise)."""
        return await self._link.ping()

    # -- internals ---------------------------------------------------------------------------------

    def _launch(
        self,
        url_or_urls: str | Sequence[str],
        token_provider: TokenProvider,
        *,
        retry: bool,
    ) -> None:
        if self._closed:
            raise FeedClosedError("the feed client is closed")
        if self._running is not None and not self._running.done():
            raise RuntimeError("the feed client is already running")
        urls = [url_or_urls] if isinstance(url_or_urls, str) else list(url_or_urls)
        config = self.config
        self._ctx.keeper = TokenKeeper(
            token_provider,
            fraction=config.refresh_fraction,
            lead_s=config.refresh_lead_s,
        )
        self._link.begin(urls)
        self._running = self._spawn(self._link.run(retry=retry))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
