"""Fixtures for integration tests: the real feed server process and raw Socket.IO clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import socketio

from realtime_server.protocol import EVENT_BATCH, EVENT_GOODBYE, NAMESPACE
from realtime_server.security.keys import mint_token, write_keypair
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_SEED="11", FEED_TICKS_PER_SECOND="400") as server:
        yield server


@dataclass
class ReceivedBatch:
    received_at: float
    payload: dict[str, Any]


@dataclass
class RawClient:
    """A plain python-socketio client on `/feed`, recording every batch it receives."""

    sio: socketio.AsyncClient
    batches: list[ReceivedBatch] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def request(self, event: str, *payload: Any) -> Any:
        return await self.sio.call(
            event, payload[0] if len(payload) == 1 else payload, namespace=NAMESPACE, timeout=5
        )

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition` holds, re-checking at every batch."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._arrived.clear()
                await self._arrived.wait()

    def on_batch(self, payload: dict[str, Any]) -> None:
        self.batches.append(ReceivedBatch(time.monotonic(), payload))
        self._arrived.set()


@pytest.fixture
async def connect(feed_server: FeedServerProcess) -> AsyncIterator[Callable[..., Any]]:
    clients: list[RawClient] = []

    async def factory(url: str | None = None) -> RawClient:
        sio = socketio.AsyncClient(reconnection=False)
        client = RawClient(sio)
        sio.on(EVENT_BATCH, client.on_batch, namespace=NAMESPACE)
        await sio.connect(url or feed_server.url, namespaces=[NAMESPACE], transports=["websocket"])
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.sio.disconnect()


# -- Shared by the channel, recovery, alerts and operations suites (added; nothing above changed).

USER_SCOPES = ("price:*", "bars:*", "news", "news:*", "summary")
"""What a signed-in user's token grants by default (their own `alerts:<sub>` is implicit)."""


@dataclass
class Tokens:
    """An Ed25519 key pair for the session, and tokens signed with it.

    Servers that accept these tokens get `FEED_JWT_PUBLIC_KEY_FILE=<public_key_path>`
    (see `env()`).
    """

    private_pem: str
    public_key_path: str

    def mint(self, sub: str, scopes: Iterable[str] = USER_SCOPES, ttl_s: float = 600) -> str:
        return mint_token(
            self.private_pem,
            "EdDSA",
            sub,
            list(scopes),
            audience="marketpulse-feed",
            issuer="marketpulse",
            ttl_s=ttl_s,
        )

    def env(self) -> dict[str, str]:
        """The server environment that makes it verify these tokens."""
        return {"FEED_JWT_PUBLIC_KEY_FILE": self.public_key_path}


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    private_path, public_path = write_keypair(tmp_path_factory.mktemp("feed-keys"))
    return Tokens(private_path.read_text(), str(public_path))


@dataclass
class FeedTestClient(RawClient):
    """A `RawClient` that also records `goodbye` and the disconnect, in arrival order."""

    goodbyes: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    """`goodbye` and `disconnect`, in the order the client saw them."""
    disconnected: asyncio.Event = field(default_factory=asyncio.Event)

    def on_goodbye(self, payload: dict[str, Any]) -> None:
        self.goodbyes.append(payload)
        self.events.append("goodbye")
        self._arrived.set()

    def on_disconnect(self, *_: Any) -> None:
        self.events.append("disconnect")
        self.disconnected.set()
        self._arrived.set()

    def updates(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Every update received so far (of one channel, if given), in arrival order."""
        return [
            update
            for batch in self.batches
            for update in batch.payload["updates"]
            if channel is None or update["channel"] == channel
        ]

    def updates_matching(self, predicate: Callable[[str], bool]) -> list[dict[str, Any]]:
        return [u for b in self.batches for u in b.payload["updates"] if predicate(u["channel"])]


@pytest.fixture
async def open_client() -> AsyncIterator[Callable[..., Any]]:
    """`await open_client(url, token=None)`: a connected `FeedTestClient`, closed after the test."""
    clients: list[FeedTestClient] = []

    async def factory(url: str, token: str | None = None) -> FeedTestClient:
        sio = socketio.AsyncClient(reconnection=False)
        client = FeedTestClient(sio)
        sio.on(EVENT_BATCH, client.on_batch, namespace=NAMESPACE)
        sio.on(EVENT_GOODBYE, client.on_goodbye, namespace=NAMESPACE)
        sio.on("disconnect", client.on_disconnect, namespace=NAMESPACE)
        clients.append(client)
        await sio.connect(
            url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": token} if token else None,
            wait_timeout=5,
        )
        return client

    yield factory
    for client in clients:
        if client.sio.connected:
            await client.sio.disconnect()
