"""Reading acks, refusals and snapshots (`marketpulse.feed.messages`)."""

from __future__ import annotations

import pytest

from marketpulse.feed import FeedProtocolError, FeedRequestError
from marketpulse.feed.messages import parse_ack, refusal_code, snapshot_batch
from realtime_server.protocol import PingAck, SubscribeAck
from tests.unit.test_feed_client_events import quote


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
    )
    batch = snapshot_batch(ack)
    assert [(u.channel, u.seq, u.data.last) for u in batch.updates] == [
        ("price:AAPL", 7, 1.0),
        ("price:MSFT", 0, 2.0),
    ]
