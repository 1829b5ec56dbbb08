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


def test_legacy_keywords_shape_the_config() -> None:
    client = FeedClient(
        socketio_path="feed.io",
        request_timeout=2,
        reconnection_delay=0.05,
        reconnection_delay_max=0.2,
        transports=["polling", "websocket"],
    )
    config = client.config
    assert config.socketio_path == "feed.io"
    assert config.request_timeout_s == 2
    assert (config.backoff.base_s, config.backoff.cap_s) == (0.05, 0.2)
    assert config.transports == ("polling", "websocket")
