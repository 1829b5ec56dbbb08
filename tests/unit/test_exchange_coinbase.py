"""The Coinbase adapter reads Coinbase Exchange's documented messages: the samples (ticker,
heartbeat, subscriptions ack) and the ones they leave out (match, last_match, error), and
refuses anything else as malformed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.coinbase import CoinbaseAdapter
from realtime_server.sources.exchanges.events import (
    ExchangeError,
    Heartbeat,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
)
from tests.support.fake_exchange.scripted_link import ScriptedLink

SAMPLES = json.loads((Path(__file__).parents[1] / "fixtures/exchanges/coinbase.json").read_text())
ADAPTER = CoinbaseAdapter(["BTC-USD", "ETH-USD"])

MATCH = {
    "type": "match", "trade_id": 370843402, "sequence": 37475248784,
    "maker_order_id": "ac928c66-ca53-498f-9c13-a110027a60e8",
    "taker_order_id": "132fb6ae-456b-4654-b4e0-d681ac05cea1",
    "time": "2022-10-19T23:28:22.061769Z", "product_id": "ETH-USD", "size": "0.5",
    "price": "1285.22", "side": "sell",
}  # fmt: skip


def parse(message: Any) -> list[Any]:
    return list(ADAPTER.parse(json.dumps(message)))


def test_a_ticker_gives_the_best_bid_and_ask_and_coinbase_s_24h_figures() -> None:
    [ticker] = parse(SAMPLES["ticker"])
    assert ticker == Ticker(
        product="ETH-USD",
        bid=1285.04,
        ask=1285.27,
        bid_size=0.46688654,
        ask_size=1.5663704,
        day=DayStats(
            open=1310.79, high=1313.8, low=1280.52, volume=245532.79269678, prev_close=1310.79
        ),
        sequence=37475248783,
    )


def test_matches_are_numbered_trades_at_the_exchange_s_time() -> None:
    for kind in ("match", "last_match"):
        [trade] = parse({**MATCH, "type": kind})
        assert trade == Trade(
            product="ETH-USD",
            price=1285.22,
            size=0.5,
            ts=1666222102061,
            trade_id=370843402,
            sequence=37475248784,
        )


def test_heartbeats_acks_and_errors() -> None:
    assert parse(SAMPLES["heartbeat"]) == [
        Heartbeat(product="BTC-USD", last_trade_id=20, sequence=90)
    ]
    assert parse(SAMPLES["ack"]) == [Subscribed()]
    error = {
        "type": "error",
        "message": "Failed to subscribe",
        "reason": "BTC-USX is not a valid product",
    }
    assert parse(error) == [ExchangeError("Failed to subscribe: BTC-USX is not a valid product")]
    assert parse({"type": "status", "products": []}) == []  # a channel not asked for


async def test_the_subscription_and_a_product_s_resync_are_coinbase_s_messages() -> None:
    link = ScriptedLink()
    assert await ADAPTER.open(link) == ()
    assert link.sent == [
        {
            "type": "subscribe",
            "product_ids": ["BTC-USD", "ETH-USD"],
            "channels": ["ticker", "matches", "heartbeat"],
        }
    ]
    assert [m["type"] for m in ADAPTER.resync("ETH-USD")] == ["unsubscribe", "subscribe"]
    assert all(m["product_ids"] == ["ETH-USD"] for m in ADAPTER.resync("ETH-USD"))


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        json.dumps({"product_id": "BTC-USD"}),  # no type
        json.dumps({**MATCH, "price": "NaN"}),
        json.dumps({**MATCH, "price": "-1"}),
        json.dumps({**MATCH, "price": "0"}),
        json.dumps({**MATCH, "size": True}),
        json.dumps({**MATCH, "trade_id": "12"}),
        json.dumps({**MATCH, "time": "yesterday"}),
        json.dumps({**MATCH, "time": "2022-10-19T23:28:22"}),  # no zone
        json.dumps({k: v for k, v in SAMPLES["ticker"].items() if k != "best_bid"}),
    ],
)
def test_anything_else_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedMessageError):
        ADAPTER.parse(raw)


def test_products_keep_the_protocol_s_names_with_coinbase_s_precision() -> None:
    adapter = CoinbaseAdapter(["BTC-USD", "DOGE-USD", "FOO-EUR", "FOO-BTC"])
    instruments = {p.symbol: p.instrument() for p in adapter.products.products}
    assert instruments["BTC-USD"].price_decimals == 2
    assert instruments["DOGE-USD"].price_decimals == 5
    assert (instruments["FOO-EUR"].price_decimals, instruments["FOO-EUR"].currency) == (2, "EUR")
    assert instruments["FOO-BTC"].price_decimals == 8  # priced in a coin
    assert {i.asset_class for i in instruments.values()} == {"crypto"}
    with pytest.raises(ValueError):
        CoinbaseAdapter(["btc-usd"])
