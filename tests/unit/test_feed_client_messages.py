"""Reading acks, refusals, batches, goodbyes and polled snapshots (`marketpulse.feed.messages`),
and how a client counts and drops what does not parse.

The client's `batch` handler is called directly, without a socket, since the real feed server
never sends a malformed batch.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from marketpulse.feed import (
    FeedClient,
    FeedProtocolError,
    FeedRequestError,
    FeedTimeoutError,
    parse_batch,
)
from marketpulse.feed.messages import (
    parse_ack,
    parse_goodbye,
    parse_snapshot_response,
    refusal_code,
    snapshot_items,
)
from marketpulse.feed.transport import _classify, await_ack
from realtime_server.protocol import Batch, PingAck, Position, SubscribeAck
from tests.support.market_data import batch, news, quote


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


def test_snapshot_items_are_tuples_whatever_the_shape() -> None:
    assert snapshot_items(None) == ()
    assert snapshot_items(quote("AAPL", 1.0)) == (quote("AAPL", 1.0),)
    assert snapshot_items([news(1), news(2)]) == (news(1), news(2))


def test_a_polled_snapshot_parses_and_its_refusal_raises() -> None:
    body = {
        "ok": True,
        "server_ts": 5,
        "channels": ["price:AAPL", "news"],
        "snapshot": {
            "price:AAPL": quote("AAPL", 1.0).model_dump(mode="json"),
            "news": [news(1).model_dump(mode="json")],
        },
        "positions": {"price:AAPL": {"epoch": "e", "seq": 7}, "news": {"epoch": "e", "seq": 1}},
    }
    response = parse_snapshot_response(body)
    assert response.snapshot["price:AAPL"] == quote("AAPL", 1.0)
    assert response.snapshot["news"] == [news(1)]
    assert response.positions["price:AAPL"] == Position(epoch="e", seq=7)
    with pytest.raises(FeedRequestError) as caught:
        parse_snapshot_response(
            {"ok": False, "error": {"code": "token_expired", "message": "refresh it"}}
        )
    assert caught.value.code == "token_expired"
    with pytest.raises(FeedProtocolError):
        parse_snapshot_response({"ok": True, "channels": []})


def test_goodbye_parses_and_rejects_unknown_codes() -> None:
    goodbye = parse_goodbye({"code": "slow_consumer", "message": "behind", "reconnect": True})
    assert (goodbye.code, goodbye.reconnect) == ("slow_consumer", True)
    with pytest.raises(FeedProtocolError):
        parse_goodbye({"code": "tired", "message": "", "reconnect": True})


def _chained(outer: Exception, inner: BaseException) -> Exception:
    """`outer` raised while handling `inner`, the way engineio wraps aiohttp errors."""
    try:
        try:
            raise inner
        except BaseException:
            raise outer  # noqa: B904 - the implicit context is the point
    except Exception as exc:
        return exc


def test_connect_failures_tell_a_blocked_websocket_from_an_absent_server() -> None:
    handshake = aiohttp.WSServerHandshakeError(None, (), status=403, message="Forbidden")  # type: ignore[arg-type]  # no request_info: the message under test needs none
    assert _classify(_chained(RuntimeError("Connection error"), handshake)) == "blocked"
    refused = ConnectionRefusedError(111, "refused")
    assert _classify(_chained(RuntimeError("Connection error"), refused)) == "unreachable"
    assert _classify(_chained(RuntimeError("x"), TimeoutError())) == "timeout"
    assert _classify(RuntimeError("plain")) == "unreachable"


def batch_payload(symbol: str, last: float, seq: int = 2) -> dict[str, Any]:
    """A batch as it arrives on the wire (JSON-decoded)."""
    return batch(quote(symbol, last), seq=seq).model_dump(mode="json")


async def next_events(client: FeedClient) -> list[object]:
    async with asyncio.timeout(1):
        return await client.next_events()


def client_holding(*channels: str) -> FeedClient:
    """A client (never connected) that holds `channels`, as after a subscribe ack at seq 1."""
    client = FeedClient()
    positions = {name: Position(epoch="e", seq=1) for name in channels}
    client._ctx.sequencer.apply_ack(list(channels), {}, positions, {}, reason="subscribe")
    return client


def on_batch(client: FeedClient, payload: object) -> None:
    client._link._on_batch(payload)


async def test_a_cancellation_that_meets_the_ack_is_not_lost() -> None:
    """The ack resolves in the same loop turn as the waiting task is cancelled (a tab closing
    while a ping is answered): the task must end cancelled, not carry on as if never asked."""
    future: asyncio.Future[PingAck] = asyncio.get_running_loop().create_future()
    waiting = asyncio.create_task(await_ack(future, 5.0, "ping"))
    await asyncio.sleep(0)  # the task now waits on the ack
    future.set_result(PingAck(id="p", client_ts=1, server_ts=2))
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_an_ack_that_never_comes_times_out() -> None:
    future: asyncio.Future[PingAck] = asyncio.get_running_loop().create_future()
    with pytest.raises(FeedTimeoutError, match=r"no ack to .ping. within 0\.01s"):
        await await_ack(future, 0.01, "ping")
    assert future.cancelled()


def test_parse_batch_returns_the_model_or_raises() -> None:
    assert parse_batch(batch_payload("AAPL", 1.0)) == Batch.model_validate(
        batch_payload("AAPL", 1.0)
    )
    with pytest.raises(FeedProtocolError):
        parse_batch({"updates": "nope"})


async def test_a_valid_batch_is_queued_as_the_model() -> None:
    client = client_holding("price:AAPL", "price:MSFT")
    on_batch(client, batch_payload("AAPL", 101.5))
    on_batch(client, batch_payload("MSFT", 202.0, seq=3))
    events = await next_events(client)
    assert events == [
        Batch.model_validate(batch_payload("AAPL", 101.5)),
        Batch.model_validate(batch_payload("MSFT", 202.0, seq=3)),
    ]
    assert client.invalid_messages == 0
    assert client.metrics().messages_total == 2


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
    client = client_holding("price:AAPL")
    on_batch(client, payload)
    assert client.invalid_messages == 1

    # Nothing was queued for it, and the batches after it still get through.
    on_batch(client, batch_payload("AAPL", 99.0))
    events = await next_events(client)
    assert events == [Batch.model_validate(batch_payload("AAPL", 99.0))]
    assert client.invalid_messages == 1


async def test_each_malformed_batch_counts_once() -> None:
    client = client_holding("price:AAPL")
    for payload in (None, {"updates": "nope"}, "batch"):
        on_batch(client, payload)
    assert client.invalid_messages == 3
    assert client.metrics().invalid_messages == 3


async def test_duplicates_within_the_client_are_not_queued_twice() -> None:
    client = client_holding("price:AAPL")
    on_batch(client, batch_payload("AAPL", 1.0, seq=5))
    on_batch(client, batch_payload("AAPL", 1.0, seq=5))
    on_batch(client, batch_payload("AAPL", 1.0, seq=4))
    events = await next_events(client)
    assert len(events) == 1
    assert client.metrics().dropped["duplicates"] == 1
    assert client.metrics().dropped["stale"] == 1
