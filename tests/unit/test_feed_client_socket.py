"""`FeedClient` over real sockets against a small in-process Socket.IO stub of the feed.

The stub answers `subscribe` with a snapshot, refuses `price:BAD`, refuses the token "bad", and
lets a test push batches or disconnect the client, so states and resubscription are observable.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import socketio
import uvicorn

from marketpulse.feed import (
    FeedClient,
    FeedConnectError,
    FeedEvent,
    FeedRequestError,
    FeedUnauthorizedError,
    LinkState,
    LinkStateChanged,
    coalesce,
)
from realtime_server.protocol import NAMESPACE, Batch, Update
from tests.support.ports import free_port
from tests.unit.test_feed_client_events import quote


@dataclass
class StubFeed:
    sio: socketio.AsyncServer
    port: int
    sids: list[str] = field(default_factory=list)
    subscribes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def push(self, symbol: str, last: float, seq: int = 2) -> None:
        payload = Batch(
            server_ts=0,
            updates=[Update(channel=f"price:{symbol}", seq=seq, data=quote(symbol, last))],
        ).model_dump(mode="json")
        for sid in self.sids:
            await self.sio.emit("batch", payload, to=sid, namespace=NAMESPACE)


@pytest.fixture
async def stub() -> AsyncIterator[StubFeed]:
    sio = socketio.AsyncServer(async_mode="asgi")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # connections queue here until uvicorn accepts them: no start-up race
    feed = StubFeed(sio=sio, port=listener.getsockname()[1])

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        if isinstance(auth, dict) and auth.get("token") == "bad":
            raise socketio.exceptions.ConnectionRefusedError("refused", {"code": "unauthorized"})
        feed.sids.append(sid)

    async def disconnect(sid: str, reason: str = "") -> None:
        feed.sids.remove(sid)

    async def subscribe(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        feed.subscribes.append(data)
        if "price:BAD" in data["channels"]:
            return {
                "ok": False,
                "id": data["id"],
                "error": {"code": "unknown_symbol", "message": "BAD"},
            }
        return {
            "ok": True, "id": data["id"], "channels": data["channels"],
            "throttle_ms": data.get("throttle_ms", 100),
            "snapshot": {ch: quote(ch[6:], 100.0).model_dump() for ch in data["channels"]},
            "positions": {ch: {"epoch": "e1", "seq": 1} for ch in data["channels"]},
        }  # fmt: skip

    sio.on("connect", connect, namespace=NAMESPACE)
    sio.on("disconnect", disconnect, namespace=NAMESPACE)
    sio.on("subscribe", subscribe, namespace=NAMESPACE)
    server = uvicorn.Server(
        uvicorn.Config(socketio.ASGIApp(sio), log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    yield feed
    server.should_exit = True
    await serving


@pytest.fixture
async def client() -> AsyncIterator[FeedClient]:
    feed_client = FeedClient(reconnection_delay=0.05, reconnection_delay_max=0.2, request_timeout=2)
    yield feed_client
    await feed_client.close()


async def collect_until(client: FeedClient, done: Any, timeout: float = 5.0) -> list[FeedEvent]:
    seen: list[FeedEvent] = []
    async with asyncio.timeout(timeout):
        while not done(seen):
            seen.extend(await client.next_events())
    return seen


def states(events: list[FeedEvent]) -> list[LinkState]:
    return [e.state for e in events if isinstance(e, LinkStateChanged)]


async def test_start_goes_live_with_the_snapshot_then_batches(
    stub: StubFeed, client: FeedClient
) -> None:
    client.start(stub.url, ["price:AAPL", "price:MSFT"], throttle_ms=150)
    events = await collect_until(client, lambda seen: LinkState.LIVE in states(seen))
    assert states(events) == [LinkState.CONNECTING, LinkState.LIVE]
    snapshot = coalesce(events)
    assert set(snapshot.quotes) == {"price:AAPL", "price:MSFT"}
    assert stub.subscribes[0]["throttle_ms"] == 150

    await stub.push("AAPL", 101.5)
    events = await collect_until(client, lambda seen: bool(coalesce(seen).quotes))
    assert coalesce(events).quotes["price:AAPL"].last == 101.5


async def test_malformed_batches_are_dropped(stub: StubFeed, client: FeedClient) -> None:
    client.start(stub.url, ["price:AAPL"])
    await collect_until(client, lambda seen: LinkState.LIVE in states(seen))
    await stub.sio.emit("batch", {"updates": "nope"}, to=stub.sids[0], namespace=NAMESPACE)
    await stub.push("AAPL", 99.0)
    events = await collect_until(client, lambda seen: bool(coalesce(seen).quotes))
    assert coalesce(events).quotes["price:AAPL"].last == 99.0
    assert client.invalid_messages == 1


async def test_server_disconnect_reconnects_and_resubscribes(
    stub: StubFeed, client: FeedClient
) -> None:
    client.start(stub.url, ["price:AAPL"])
    await collect_until(client, lambda seen: LinkState.LIVE in states(seen))
    await stub.sio.disconnect(stub.sids[0], namespace=NAMESPACE)
    events = await collect_until(client, lambda seen: LinkState.LIVE in states(seen))
    assert states(events) == [LinkState.RECONNECTING, LinkState.LIVE]
    assert "price:AAPL" in coalesce(events).quotes  # the fresh snapshot
    assert len(stub.subscribes) == 2


async def test_refused_credentials_end_in_unauthorized(stub: StubFeed, client: FeedClient) -> None:
    with pytest.raises(FeedUnauthorizedError) as caught:
        await client.connect(stub.url, auth={"token": "bad"})
    assert caught.value.code == "unauthorized"
    assert client.state is LinkState.UNAUTHORIZED


async def test_refused_subscription_raises(stub: StubFeed, client: FeedClient) -> None:
    await client.connect(stub.url)
    assert client.state is LinkState.LIVE
    with pytest.raises(FeedRequestError) as caught:
        await client.subscribe(["price:BAD"])
    assert caught.value.code == "unknown_symbol"


async def test_unreachable_feed_without_retry_is_offline(client: FeedClient) -> None:
    with pytest.raises(FeedConnectError):
        await client.connect(f"http://127.0.0.1:{free_port()}", retry=False)
    assert client.state is LinkState.OFFLINE


async def test_unreachable_feed_is_retried_until_it_appears(client: FeedClient) -> None:
    port = free_port()
    client.start(f"http://127.0.0.1:{port}", ["price:AAPL"])
    events = await collect_until(client, lambda seen: LinkState.RECONNECTING in states(seen))
    assert states(events) == [LinkState.CONNECTING, LinkState.RECONNECTING]


async def test_close_is_offline_and_idempotent(stub: StubFeed, client: FeedClient) -> None:
    await client.connect(stub.url)
    await client.close()
    await client.close()
    assert client.state is LinkState.OFFLINE
