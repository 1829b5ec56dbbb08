"""The Binance adapter reads Binance's combined-stream messages: the samples (trade, 24hr
ticker, the subscribe ack) wrapped as combined streams deliver them, and the ones they leave
out (an error reply); `btcusdt` maps to `BTC-USDT`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.binance import BinanceAdapter
from realtime_server.sources.exchanges.events import (
    ExchangeError,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
)

SAMPLES = json.loads((Path(__file__).parents[1] / "fixtures/exchanges/binance.json").read_text())
ADAPTER = BinanceAdapter(["BNB-BTC", "BTC-USDT"])


def stream(name: str, data: Any) -> str:
    return json.dumps({"stream": name, "data": data})


def test_the_url_names_every_symbol_s_trade_and_ticker_streams() -> None:
    assert ADAPTER.url("wss://stream.binance.com:9443/") == (
        "wss://stream.binance.com:9443/stream?streams="
        "bnbbtc@trade/bnbbtc@ticker/btcusdt@trade/btcusdt@ticker"
    )


def test_a_trade_is_numbered_and_stamped_with_its_trade_time() -> None:
    assert list(ADAPTER.parse(stream("bnbbtc@trade", SAMPLES["trade"]))) == [
        Trade("bnbbtc", 0.001, 100.0, 1672515782136, trade_id=12345)
    ]


def test_the_24hr_ticker_gives_binance_s_rolling_figures() -> None:
    [ticker] = ADAPTER.parse(stream("bnbbtc@ticker", SAMPLES["24hrTicker"]))
    assert ticker == Ticker(
        product="bnbbtc",
        bid=0.0024,
        ask=0.0026,
        bid_size=10.0,
        ask_size=100.0,
        day=DayStats(
            open=0.001, high=0.0025, low=0.001, volume=10000.0, prev_close=0.001, vwap=0.0018
        ),
    )


def test_replies_to_requests() -> None:
    assert list(ADAPTER.parse(json.dumps(SAMPLES["ack"]))) == [Subscribed()]
    error = {"code": 2, "msg": "Invalid request: unknown variant", "id": 3}
    assert list(ADAPTER.parse(json.dumps(error))) == [
        ExchangeError("Invalid request: unknown variant")
    ]
    nested = {"error": {"code": -1121, "msg": "Invalid symbol."}, "id": 4}
    assert list(ADAPTER.parse(json.dumps(nested))) == [ExchangeError("Invalid symbol.")]
    unsubscribe, subscribe = ADAPTER.resync("btcusdt")
    assert (unsubscribe["method"], unsubscribe["params"]) == ("UNSUBSCRIBE", ["btcusdt@trade"])
    assert subscribe["method"] == "SUBSCRIBE" and subscribe["id"] != unsubscribe["id"]


@pytest.mark.parametrize(
    "raw",
    [
        stream("bnbbtc@trade", "trade"),
        stream("bnbbtc@trade", {**SAMPLES["trade"], "T": "1672515782136"}),
        stream("bnbbtc@trade", {**SAMPLES["trade"], "p": "1e400"}),
        stream("bnbbtc@ticker", {k: v for k, v in SAMPLES["24hrTicker"].items() if k != "o"}),
        json.dumps({"id": 5}),
    ],
)
def test_anything_else_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedMessageError):
        ADAPTER.parse(raw)


def test_symbols_map_to_pairs_in_their_quote_currency() -> None:
    products = {p.symbol: p for p in ADAPTER.products.products}
    assert products["BTC-USDT"].venue_id == "btcusdt"
    assert (products["BTC-USDT"].currency, products["BTC-USDT"].price_decimals) == ("USDT", 2)
    assert (products["BNB-BTC"].currency, products["BNB-BTC"].price_decimals) == ("BTC", 8)
    assert ADAPTER.products.by_venue("btcusdt") is products["BTC-USDT"]
