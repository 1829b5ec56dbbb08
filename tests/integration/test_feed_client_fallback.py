"""Staying connected when the path to the feed is hostile, against the real feed server.

- A reverse proxy (aiohttp, run by the test) refuses the WebSocket but forwards
  `/api/snapshot`: the client falls back to HTTP polling with fresh data flowing, then goes
  back to live as soon as the proxy lets the WebSocket through again.
- Tokens that live 4 s, on a server that requires them: the client refreshes in-band and
  keeps receiving, live throughout, for more than two token lifetimes.
- Two feed URLs, the first with nothing listening: live through the second.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web

from marketpulse.feed import (
    BackoffPolicy,
    FeedClient,
    FeedClientConfig,
    LinkState,
    LinkStateChanged,
)
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.ports import free_port
from tests.support.recorder import Recorder

pytestmark = pytest.mark.integration

SERVER_ENV = {"FEED_SEED": "9", "FEED_TICKS_PER_SECOND": "300"}


class BlockingProxy:
    """Reverse proxy to the feed: `/socket.io/` answers 403 while `blocked`, and is forwarded
    (WebSocket included) otherwise; every other path is forwarded as plain HTTP."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.blocked = True
        self.refused = 0
        self.snapshot_requests: list[str | None] = []
        """The Authorization header of each forwarded /api/snapshot request."""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._websockets: set[web.WebSocketResponse] = set()
        self.url = ""

    async def start(self) -> BlockingProxy:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._session = aiohttp.ClientSession()
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def close(self) -> None:
        for websocket in list(self._websockets):
            await websocket.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        if request.path.startswith("/socket.io"):
            if self.blocked:
                self.refused += 1
                return web.Response(status=403, text="WebSockets are not allowed here")
            return await self._websocket(request)
        if request.path == "/api/snapshot":
            self.snapshot_requests.append(request.headers.get("Authorization"))
        headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
        async with self._session.request(
            request.method, self.upstream + request.path_qs, headers=headers
        ) as upstream:
            body = await upstream.read()
            return web.Response(
                status=upstream.status, body=body, content_type=upstream.content_type
            )

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        downstream = web.WebSocketResponse()
        await downstream.prepare(request)
        self._websockets.add(downstream)
        target = self.upstream.replace("http://", "ws://") + request.path_qs
        async with self._session.ws_connect(target) as upstream:

            async def pump(source: object, sink: object) -> None:
                async for message in source:  # type: ignore[attr-defined]  # aiohttp's client and server websockets share no base class
                    if message.type is aiohttp.WSMsgType.TEXT:
                        await sink.send_str(message.data)  # type: ignore[attr-defined]  # either of aiohttp's websocket classes (no shared base)
                    elif message.type is aiohttp.WSMsgType.BINARY:
                        await sink.send_bytes(message.data)  # type: ignore[attr-defined]  # either of aiohttp's websocket classes (no shared base)
                    else:
                        break

            pumps = [
                asyncio.create_task(pump(downstream, upstream)),
                asyncio.create_task(pump(upstream, downstream)),
            ]
            try:
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in pumps:
                    task.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
        await downstream.close()
        self._websockets.discard(downstream)
        return downstream


@pytest.fixture
async def server() -> AsyncIterator[FeedServerProcess]:
    with running_feed_server(**SERVER_ENV) as process:
        yield process


@pytest.fixture
async def recorded() -> AsyncIterator[Callable[[FeedClient], Recorder]]:
    """`recorded(client)`: a recorder for the client; both closed after the test."""
    pairs: list[tuple[FeedClient, Recorder]] = []

    def factory(client: FeedClient) -> Recorder:
        recorder = Recorder(client)
        pairs.append((client, recorder))
        return recorder

    yield factory
    for client, recorder in pairs:
        await client.close()
        await recorder.close()


async def test_blocked_websocket_polls_then_goes_live_when_unblocked(
    server: FeedServerProcess, recorded: Callable[[FeedClient], Recorder]
) -> None:
    proxy = await BlockingProxy(server.url).start()
    try:
        config = FeedClientConfig(
            backoff=BackoffPolicy(base_s=0.1, cap_s=0.5),
            polling_after_failures=1000,  # only the "blocked" signal can start polling
            poll_interval_s=0.3,
        )
        client = FeedClient(config)
        recorder = recorded(client)
        client.start(proxy.url, ["price:AAPL", "news"], throttle_ms=50)

        await recorder.until(recorder.reached(LinkState.POLLING))
        assert LinkState.LIVE not in recorder.states()
        assert proxy.refused >= 1
        # Fresh data flows by polling: newer quotes, each seq applied once, in order.
        await recorder.until(lambda: len(recorder.quotes()) >= 3)
        polled = recorder.quotes()
        assert [s for s, _ in polled] == sorted({s for s, _ in polled}), "repeated or stale"
        assert polled[-1][1] > polled[0][1], "polled quotes are not getting fresher"
        status = client.status
        assert status.state is LinkState.POLLING
        assert status.attempt >= 2
        assert status.next_retry_at is not None
        assert client.metrics().polls >= 3

        mark = len(recorder.events)
        proxy.blocked = False
        await recorder.until(recorder.reached(LinkState.LIVE, mark))
        assert set(recorder.states(mark)) <= {LinkState.POLLING, LinkState.LIVE}
        live_from = len(recorder.events)
        last_polled_seq = recorder.quotes()[-1][0]
        await recorder.until(lambda: len(recorder.quotes(live_from)) >= 3)
        assert recorder.quotes(live_from)[0][0] > last_polled_seq
        polls = client.metrics().polls
        await recorder.until(lambda: len(recorder.quotes(live_from)) >= 6)
        assert client.metrics().polls == polls, "still polling while live"
        assert client.state is LinkState.LIVE
    finally:
        await proxy.close()


async def test_short_lived_tokens_are_refreshed_in_band_without_leaving_live(
    tokens: object, recorded: Callable[[FeedClient], Recorder]
) -> None:
    ttl_s = 4
    env = {
        **SERVER_ENV,
        "FEED_REQUIRE_AUTH": "true",
        "FEED_JWT_LEEWAY_S": "0",  # expire connections right at `exp`: no slack to hide in
        **tokens.env(),  # type: ignore[attr-defined]  # the tokens fixture (tests/support) is typed object here
    }
    minted: list[float] = []

    async def provider() -> str:
        minted.append(time.monotonic())
        return tokens.mint("carol", ttl_s=ttl_s)  # type: ignore[attr-defined]  # the tokens fixture (tests/support) is typed object here

    with running_feed_server(**env) as server:
        client = FeedClient(FeedClientConfig(backoff=BackoffPolicy(base_s=0.1, cap_s=0.5)))
        recorder = recorded(client)
        client.start(server.url, ["price:AAPL"], throttle_ms=100, token_provider=provider)
        await recorder.until(recorder.reached(LinkState.LIVE))
        live_at, mark = time.monotonic(), len(recorder.events)

        # Watch for more than two token lifetimes: data keeps flowing, the state stays live.
        arrivals: list[float] = []

        def watched_long_enough() -> bool:
            arrivals.append(time.monotonic())
            return time.monotonic() - live_at > 2 * ttl_s + 1

        await recorder.until(watched_long_enough, timeout=4 * ttl_s)
        assert recorder.states(mark) == [], "the link left live"
        assert client.state is LinkState.LIVE
        metrics = client.metrics()
        assert metrics.token_refreshes >= 2
        assert metrics.reconnects == 0
        assert len(minted) >= 3
        gaps = [b - a for a, b in itertools.pairwise(arrivals)]
        assert max(gaps) < 1.5, f"data stalled for {max(gaps):.1f}s"
        assert len(recorder.quotes(mark)) >= 2 * ttl_s * 5


async def test_failover_to_the_second_url_when_the_first_is_down(
    server: FeedServerProcess, recorded: Callable[[FeedClient], Recorder]
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    client = FeedClient(FeedClientConfig(backoff=BackoffPolicy(base_s=0.05, cap_s=0.2)))
    recorder = recorded(client)
    client.start([dead, server.url], ["price:AAPL"], throttle_ms=50)

    await recorder.until(recorder.reached(LinkState.LIVE))
    assert client.status.url == server.url
    assert recorder.states() == [LinkState.CONNECTING, LinkState.RECONNECTING, LinkState.LIVE]
    [retry] = [e.status for e in recorder.events if isinstance(e, LinkStateChanged)][1:2]
    assert retry is not None
    assert (retry.url, retry.attempt) == (dead, 2)
    assert client.metrics().connect_attempts == 2
    await recorder.until(lambda: len(recorder.quotes()) >= 1)
