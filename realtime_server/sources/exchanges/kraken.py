"""Kraken WebSocket v2 (`wss://ws.kraken.com/v2`): `ticker` and `trade` channels.

* Trades from `trade` (`snapshot` on subscribing: the recent trades; then `update`s):
  `trade_id` numbers a pair's trades one by one. A gap resubscribes the pair's trades with a
  snapshot, which brings the missed ones back (repeats are dropped).
* Best bid/ask and the day figures from `ticker`: `high`, `low`, `volume`, `vwap` over the
  last 24 h, and `change` over 24 h, so the 24 h open is `last - change` (change is shown
  against it, as Kraken shows it).
* `heartbeat` (about once a second while subscribed) and `status` are signs of life. A refused
  subscription (`success: false`) concerns its pair only; other errors end the connection.
Pairs are `BTC/USD` on Kraken and `BTC-USD` in the protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.adapter import Link, json_object
from realtime_server.sources.exchanges.events import (
    Event,
    ExchangeError,
    Heartbeat,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
    field,
    integer,
    iso_ms,
    number,
    price,
    size,
    text,
)
from realtime_server.sources.exchanges.products import ProductMap, crypto_pair

URL = "wss://ws.kraken.com/v2"
DEFAULT_SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD")
PRICE_DECIMALS = {"BTC-USD": 1, "ETH-USD": 2, "SOL-USD": 2, "XRP-USD": 5, "DOGE-USD": 7}
"""Each pair's `price_precision` (Kraken's `instrument` channel)."""


def venue_id(symbol: str) -> str:
    """`BTC-USD` → `BTC/USD`."""
    return symbol.replace("-", "/")


class KrakenAdapter:
    name = "kraken"
    title = "Kraken"
    market = "always"
    heartbeats = True

    def __init__(self, symbols: Sequence[str]) -> None:
        self.products = ProductMap(crypto_pair(s, venue_id(s), PRICE_DECIMALS) for s in symbols)

    def url(self, base: str) -> str:
        return base

    async def open(self, link: Link) -> Sequence[Event]:
        pairs = self.products.venue_ids
        await link.send(_request("subscribe", "ticker", pairs, snapshot=True, req_id=1))
        await link.send(_request("subscribe", "trade", pairs, snapshot=True, req_id=2))
        return ()

    def resync(self, venue_id: str) -> Sequence[dict[str, Any]]:
        return [
            _request("unsubscribe", "trade", [venue_id], snapshot=None, req_id=3),
            _request("subscribe", "trade", [venue_id], snapshot=True, req_id=4),
        ]

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        message = json_object(raw)
        method = message.get("method")
        if isinstance(method, str):
            if message.get("success") is False:
                error = message.get("error")
                pair = message.get("symbol")
                said = error if isinstance(error, str) else f"{method} refused"
                return [ExchangeError(said, pair if isinstance(pair, str) else None)]
            return [Subscribed()]
        channel = text(message, "channel")
        if channel == "trade":
            return [_trade(item) for item in _items(message)]
        if channel == "ticker":
            return [_ticker(item) for item in _items(message)]
        if channel in ("heartbeat", "status"):
            return [Heartbeat()]
        return ()


def _request(
    method: str, channel: str, pairs: list[str], *, snapshot: bool | None, req_id: int
) -> dict[str, Any]:
    params: dict[str, Any] = {"channel": channel, "symbol": pairs}
    if snapshot is not None:
        params["snapshot"] = snapshot
    return {"method": method, "params": params, "req_id": req_id}


def _items(message: dict[str, Any]) -> list[dict[str, Any]]:
    data = field(message, "data")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise MalformedMessageError("'data' is not a list of objects")
    return data


def _trade(item: dict[str, Any]) -> Trade:
    return Trade(
        product=text(item, "symbol"),
        price=price(item, "price"),
        size=size(item, "qty"),
        ts=iso_ms(item, "timestamp"),
        trade_id=integer(item, "trade_id"),
    )


def _ticker(item: dict[str, Any]) -> Ticker:
    last = price(item, "last")
    change = field(item, "change")
    if isinstance(change, bool) or not isinstance(change, int | float):
        raise MalformedMessageError("'change' is not a number")
    open_24h = number(round(last - change, 10), "change", positive=True)
    return Ticker(
        product=text(item, "symbol"),
        bid=price(item, "bid"),
        ask=price(item, "ask"),
        bid_size=size(item, "bid_qty"),
        ask_size=size(item, "ask_qty"),
        day=DayStats(
            open=open_24h,
            high=price(item, "high"),
            low=price(item, "low"),
            volume=size(item, "volume"),
            prev_close=open_24h,
            vwap=price(item, "vwap"),
        ),
    )
