"""Fixtures for integration tests: the real feed server process and raw Socket.IO clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import socketio

from realtime_server.protocol import EVENT_BATCH, NAMESPACE
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
