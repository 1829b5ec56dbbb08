"""`FeedClient` requests before any connection: queued in order, bounded, failed on close."""

from __future__ import annotations

import asyncio

import pytest

from marketpulse.feed import (
    FeedClient,
    FeedClientConfig,
    FeedClosedError,
    FeedNotConnectedError,
    FeedQueueFullError,
    LinkState,
)
from marketpulse.feed.client import cancel_and_wait


async def test_requests_wait_in_the_queue_until_there_is_a_connection() -> None:
    client = FeedClient(FeedClientConfig(outbox_size=3))
    pending = [
        asyncio.create_task(client.subscribe(["price:AAPL"])),
        asyncio.create_task(client.alert_create("AAPL", "above", 500.0)),
        asyncio.create_task(client.alert_list()),
    ]
    await asyncio.sleep(0)  # one loop turn: each task has queued its request
    assert client.queued == 3
    assert not any(task.done() for task in pending)
    assert client.state is LinkState.IDLE

    with pytest.raises(FeedQueueFullError):
        await client.alert_ack(["f1"])
    with pytest.raises(ValueError):  # refused before queueing: no channels
        await client.subscribe([])
    with pytest.raises(ValueError):
        await client.alert_create("AAPL", "sideways", 1.0)
    assert client.queued == 3

    await client.close()
    for task in pending:
        with pytest.raises(FeedClosedError):
            await task
    assert client.queued == 0
    assert client.state is LinkState.OFFLINE
    with pytest.raises(FeedClosedError):
        await client.alert_list()
    with pytest.raises(FeedClosedError):
        client.start("http://127.0.0.1:9", ["price:AAPL"])


async def test_ping_needs_a_live_link() -> None:
    async with FeedClient() as client:
        with pytest.raises(FeedNotConnectedError):
            await client.ping()


async def test_a_task_that_swallows_its_cancellation_is_cancelled_again() -> None:
    """A library's `asyncio.wait_for` (Python 3.11) that returns instead of raising when the
    cancellation meets the event it waits for: the task runs on, and close must still end it."""
    connected = asyncio.Event()
    swallowed = asyncio.Event()

    async def connect_then_serve() -> None:
        await asyncio.wait_for(connected.wait(), 10)  # as python-socketio's connect waits
        swallowed.set()
        await asyncio.sleep(3600)  # serving, as if never cancelled

    task = asyncio.create_task(connect_then_serve())
    await asyncio.sleep(0)
    connected.set()
    closing = asyncio.create_task(cancel_and_wait([task]))
    async with asyncio.timeout(5):
        await closing
    assert task.cancelled()
    assert swallowed.is_set(), "the first cancellation was not swallowed: nothing was tested"
