"""The Kraken adapter reads Kraken WebSocket v2's documented messages: the samples (subscribe
ack, ticker snapshot) and the ones they leave out (trade snapshot and update, heartbeat,
status, a refused pair), maps `BTC/USD` to `BTC-USD`, and refuses anything else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.events import (
    ExchangeError,
    Heartbeat,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
)
from realtime_server.sources.exchanges.kraken import KrakenAdapter
from tests.support.fake_exchange.scripted_link import ScriptedLink

SAMPLES = json.loads((Path(__file__).parents[1] / "fixtures/exchanges/kraken.json").read_text())
ADAPTER = KrakenAdapter(["ALGO-USD", "BTC-USD"])
TICKER = SAMPLES["ticker"]["data"][0]

TRADE = {
    "symbol": "ALGO/USD", "side": "buy", "price": 0.10035, "qty": 640.5,
    "ord_type": "market", "trade_id": 4665846, "timestamp": "2023-09-25T07:48:36.925533Z",
}  # fmt: skip


def parse(message: Any) -> list[Any]:
    return list(ADAPTER.parse(json.dumps(message)))


def test_a_ticker_gives_kraken_s_24h_figures_with_the_open_from_last_and_change() -> None:
    [ticker] = parse(SAMPLES["ticker"])
    assert ticker == Ticker(
        product="ALGO/USD",
        bid=0.10025,
        ask=0.10036,
        bid_size=740.0,
        ask_size=1361.44813783,
        day=DayStats(
            open=0.10052,  # last 0.10035 - change -0.00017
            high=0.10285,
            low=0.09979,
            volume=997038.98383185,
            prev_close=0.10052,
            vwap=0.10148,
        ),
    )


def test_trades_come_in_snapshots_and_updates_numbered_per_pair() -> None:
    second = {**TRADE, "trade_id": 4665847, "price": 0.1004}
    for kind in ("snapshot", "update"):
        message = {"channel": "trade", "type": kind, "data": [TRADE, second]}
        assert parse(message) == [
            Trade("ALGO/USD", 0.10035, 640.5, 1695628116925, trade_id=4665846),
            Trade("ALGO/USD", 0.1004, 640.5, 1695628116925, trade_id=4665847),
        ]


def test_acks_heartbeats_status_and_a_refused_pair() -> None:
    assert parse(SAMPLES["ack"]) == [Subscribed()]
    assert parse({"channel": "heartbeat"}) == [Heartbeat()]
    status = {"channel": "status", "type": "update", "data": [{"system": "online"}]}
    assert parse(status) == [Heartbeat()]
    refused = {
        "error": "Currency pair not supported ALGO/USDX", "method": "subscribe",
        "success": False, "symbol": "ALGO/USDX", "req_id": 1,
        "time_in": "2022-12-25T09:30:59.123456Z", "time_out": "2022-12-25T09:30:59.123456Z",
    }  # fmt: skip
    assert parse(refused) == [ExchangeError("Currency pair not supported ALGO/USDX", "ALGO/USDX")]
    assert parse({"method": "pong", "req_id": 7}) == [Subscribed()]
    assert parse({"channel": "book", "type": "update", "data": []}) == []


async def test_subscriptions_and_a_resync_with_a_trade_snapshot() -> None:
    link = ScriptedLink()
    await ADAPTER.open(link)
    assert [(m["params"]["channel"], m["params"]["symbol"]) for m in link.sent] == [
        ("ticker", ["ALGO/USD", "BTC/USD"]),
        ("trade", ["ALGO/USD", "BTC/USD"]),
    ]
    unsubscribe, subscribe = ADAPTER.resync("BTC/USD")
    assert (unsubscribe["method"], subscribe["method"]) == ("unsubscribe", "subscribe")
    assert subscribe["params"] == {"channel": "trade", "symbol": ["BTC/USD"], "snapshot": True}


@pytest.mark.parametrize(
    "message",
    [
        {"channel": "trade", "type": "update", "data": {"symbol": "ALGO/USD"}},
        {"channel": "trade", "type": "update", "data": [{**TRADE, "qty": "a lot"}]},
        {"channel": "trade", "type": "update", "data": [{**TRADE, "trade_id": -1}]},
        {
            "channel": "ticker",
            "type": "update",
            "data": [{**SAMPLES["ticker"]["data"][0], "change": 1}],
        },
        {"type": "update"},
    ],
)
def test_anything_else_is_malformed(message: Any) -> None:
    with pytest.raises(MalformedMessageError):
        ADAPTER.parse(json.dumps(message))


def test_pairs_map_to_the_protocol_s_symbols_with_kraken_s_precision() -> None:
    products = {p.symbol: p for p in KrakenAdapter(["BTC-USD", "ETH-EUR"]).products.products}
    assert products["BTC-USD"].venue_id == "BTC/USD" and products["BTC-USD"].price_decimals == 1
    assert (products["ETH-EUR"].venue_id, products["ETH-EUR"].currency) == ("ETH/EUR", "EUR")
