"""Validation of client requests: what the protocol accepts and how it refuses the rest."""

from __future__ import annotations

import pytest

from realtime_server.protocol import (
    DEFAULT_THROTTLE_MS,
    ErrorAck,
    ErrorCode,
    PingRequest,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
    parse_channel,
    parse_request,
    price_channel,
    request_id_of,
)


def test_subscribe_defaults_and_dedupes_channels() -> None:
    req = parse_request(
        SubscribeRequest, {"id": "1", "channels": ["price:AAPL", "price:MSFT", "price:AAPL"]}
    )
    assert req.channels == ["price:AAPL", "price:MSFT"]
    assert req.throttle_ms == DEFAULT_THROTTLE_MS


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "subscribe",
        42,
        {},
        {"id": "", "channels": ["price:AAPL"]},
        {"id": "x" * 65, "channels": ["price:AAPL"]},
        {"id": 7, "channels": ["price:AAPL"]},
        {"id": "1", "channels": "price:AAPL"},
        {"id": "1", "channels": []},
        {"id": "1", "channels": ["price:A"] * 501},
        {"id": "1", "channels": [3]},
        {"id": "1", "channels": ["price:AAPL"], "throttle_ms": -1},
        {"id": "1", "channels": ["price:AAPL"], "throttle_ms": 60_001},
        {"id": "1", "channels": ["price:AAPL"], "throttle_ms": "fast"},
        {"id": "1", "channels": ["price:AAPL"], "unknown": True},
    ],
)
def test_malformed_subscribe_is_bad_request(payload: object) -> None:
    with pytest.raises(RequestError) as info:
        parse_request(SubscribeRequest, payload)
    assert info.value.code is ErrorCode.BAD_REQUEST
    assert info.value.message


def test_bad_request_message_names_the_field() -> None:
    with pytest.raises(RequestError) as info:
        parse_request(SubscribeRequest, {"id": "1", "channels": ["price:AAPL"], "throttle_ms": -1})
    assert "throttle_ms" in info.value.message


def test_unsubscribe_and_ping_validate() -> None:
    assert parse_request(UnsubscribeRequest, {"id": "u", "channels": ["price:KO"]}).channels == [
        "price:KO"
    ]
    assert parse_request(PingRequest, {"id": "p", "client_ts": 123}).client_ts == 123
    with pytest.raises(RequestError):
        parse_request(PingRequest, {"id": "p", "client_ts": "noon"})


@pytest.mark.parametrize(
    ("channel", "symbol"), [("price:AAPL", "AAPL"), ("price:BRK.B", "BRK.B"), ("price:X", "X")]
)
def test_price_channel_round_trip(channel: str, symbol: str) -> None:
    assert parse_channel(channel).symbol == symbol
    assert price_channel(symbol) == channel


@pytest.mark.parametrize(
    "channel", ["AAPL", "price:", "price:aapl", "price: AAPL", "bars:2s:AAPL", "price:A" * 20]
)
def test_malformed_channels_are_invalid(channel: str) -> None:
    with pytest.raises(RequestError) as info:
        parse_channel(channel)
    assert info.value.code is ErrorCode.INVALID_CHANNEL


def test_error_ack_wire_form() -> None:
    ack = RequestError(ErrorCode.UNKNOWN_SYMBOL, "no such symbol: ZZZ").ack("r1")
    assert ack == {
        "ok": False,
        "id": "r1",
        "error": {"code": "unknown_symbol", "message": "no such symbol: ZZZ"},
    }
    assert ErrorAck.model_validate(ack).error.code is ErrorCode.UNKNOWN_SYMBOL


@pytest.mark.parametrize(
    ("payload", "expected"),
    [({"id": "a"}, "a"), ({"id": 3}, None), ({"id": ""}, None), ("x", None), (None, None)],
)
def test_request_id_is_echoed_only_when_usable(payload: object, expected: str | None) -> None:
    assert request_id_of(payload) == expected
