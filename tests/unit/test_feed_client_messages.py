"""Reading acks, refusals, snapshots and batches (`marketpulse.feed.messages`, `FeedClient`).

Batches are validated inside the client's `batch` handler; the tests call that handler directly,
without a socket, since the real feed server never sends a malformed batch.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from marketpulse.feed import FeedClient, FeedProtocolError, FeedRequestError
from marketpulse.feed.messages import parse_ack, refusal_code, snapshot_batch
from realtime_server.protocol import Batch, PingAck, SubscribeAck
from tests.unit.test_feed_client_events import batch, quote


def test_parse_ack_returns_the_model() -> None:
    ack = parse_ack({"ok": True, "id": "p1", "client_ts": 1, "server_ts": 2}, PingAck)
    assert ack == PingAck(id="p1", client_ts=1, server_ts=2)


def test_parse_ack_raises_the_servers_refusal() -> None:
    refusal = {"ok": False, "id": "s1", "error": {"code": "unknown_symbol", "message": "no ZZZ"}}
    with pytest.raises(FeedRequestError) as caught:
        parse_ack(refusal, SubscribeAck)
    assert caught.value.code == "unknown_symbol"
    assert caught.value.message == "no ZZZ"


@pytest.mark.parametrize(
    "reply", [None, "ok", {"ok": True}, {"ok": False, "error": {"code": "nope"}}]
)
def test_parse_ack_rejects_malformed_replies(reply: object) -> None:
    with pytest.raises(FeedProtocolError):
        parse_ack(reply, PingAck)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"message": "refused", "data": {"code": "token_expired"}}, "token_expired"),
        ({"code": "forbidden"}, "forbidden"),
        ({"message": "unauthorized"}, "unauthorized"),
        ("Connection error", None),
        (None, None),
    ],
)
def test_refusal_code(data: object, code: str | None) -> None:
    assert refusal_code(data) == code


def test_snapshot_batch_carries_each_channels_position() -> None:
    ack = SubscribeAck(
        id="s1",
        channels=["price:AAPL", "price:MSFT"],
        throttle_ms=100,
        snapshot={"price:AAPL": quote("AAPL", 1.0), "price:MSFT": quote("MSFT", 2.0)},
        positions={"price:AAPL": {"epoch": "e", "seq": 7}},
        recovered=True,
        replay={},
    )
    batch = snapshot_batch(ack)
    assert [(u.channel, u.seq, u.data.last) for u in batch.updates] == [
        ("price:AAPL", 7, 1.0),
        ("price:MSFT", 0, 2.0),
    ]


def batch_payload(symbol: str, last: float, seq: int = 2) -> dict[str, Any]:
    """A batch as it arrives on the wire (JSON-decoded)."""
    return batch(quote(symbol, last), seq=seq).model_dump(mode="json")


async def next_events(client: FeedClient) -> list[object]:
    async with asyncio.timeout(1):
        return await client.next_events()


async def test_a_valid_batch_is_queued_as_the_model() -> None:
    client = FeedClient()
    await client._on_batch(batch_payload("AAPL", 101.5))
    await client._on_batch(batch_payload("MSFT", 202.0, seq=3))
    events = await next_events(client)
    assert events == [
        Batch.model_validate(batch_payload("AAPL", 101.5)),
        Batch.model_validate(batch_payload("MSFT", 202.0, seq=3)),
    ]
    assert client.invalid_messages == 0


def _without(payload: dict[str, Any], *path: str | int) -> dict[str, Any]:
    """`payload` with the field at `path` removed."""
    target: Any = payload
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return payload


def _with(payload: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    """`payload` with the field at `path` set to `value`."""
    target: Any = payload
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "batch",
        [],
        {"updates": "nope"},
        _without(batch_payload("AAPL", 1.0), "server_ts"),
        _without(batch_payload("AAPL", 1.0), "updates"),
        _with(batch_payload("AAPL", 1.0), "soon", "server_ts"),
        _with(batch_payload("AAPL", 1.0), [None], "updates"),
        _without(batch_payload("AAPL", 1.0), "updates", 0, "data"),
        _without(batch_payload("AAPL", 1.0), "updates", 0, "channel"),
        _with(batch_payload("AAPL", 1.0), "two", "updates", 0, "seq"),
        _with(batch_payload("AAPL", 1.0), {"symbol": "AAPL", "last": 1.0}, "updates", 0, "data"),
        _with(batch_payload("AAPL", 1.0), "n/a", "updates", 0, "data", "last"),
    ],
    ids=[
        "none",
        "string",
        "list",
        "updates-not-a-list",
        "no-server-ts",
        "no-updates",
        "server-ts-not-int",
        "update-is-null",
        "update-without-data",
        "update-without-channel",
        "seq-not-int",
        "partial-quote",
        "price-not-a-number",
    ],
)
async def test_a_malformed_batch_is_dropped_and_counted(payload: object) -> None:
    client = FeedClient()
    await client._on_batch(payload)
    assert client.invalid_messages == 1

    # Nothing was queued for it, and the batches after it still get through.
    await client._on_batch(batch_payload("AAPL", 99.0))
    events = await next_events(client)
    assert events == [Batch.model_validate(batch_payload("AAPL", 99.0))]
    assert client.invalid_messages == 1


async def test_each_malformed_batch_counts_once() -> None:
    client = FeedClient()
    for payload in (None, {"updates": "nope"}, "batch"):
        await client._on_batch(payload)
    assert client.invalid_messages == 3
