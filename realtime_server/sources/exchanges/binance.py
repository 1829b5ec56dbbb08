"""Binance spot websocket (`wss://stream.binance.com:9443`): combined streams
`<sym>@trade` and `<sym>@ticker`.

* One connection to `/stream?streams=btcusdt@trade/btcusdt@ticker/...`; every message is
  `{"stream": ..., "data": ...}`. Binance pings every 20 s (answered by the websocket
  library) and ends a connection after 24 h: the feed reconnects as after any loss.
* Trades from `trade` (`T` the trade time): `t` numbers a symbol's trades one by one; a gap
  resubscribes the symbol's trade stream (`UNSUBSCRIBE`, `SUBSCRIBE`).
* Best bid/ask and the day figures from `24hrTicker` (about once a second): `o`, `h`, `l`,
  `v` (base asset volume) and `w` (VWAP) over the rolling 24 h; change is against `o`, as
  Binance's own `p` is.
* Replies to requests are `{"result": null, "id": n}`; an `error`/`code` reply ends the
  connection (the reconnect subscribes everything afresh through the URL).
Symbols are `btcusdt` on Binance and `BTC-USDT` in the protocol.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.adapter import Link, json_object
from realtime_server.sources.exchanges.events import (
    Event,
    ExchangeError,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
    field,
    integer,
    price,
    size,
    text,
)
from realtime_server.sources.exchanges.products import ProductMap, crypto_pair

URL = "wss://stream.binance.com:9443"
DEFAULT_SYMBOLS = ("BTC-USDT", "ETH-USDT", "SOL-USDT")
PRICE_DECIMALS = {"BTC-USDT": 2, "ETH-USDT": 2, "SOL-USDT": 2, "BNB-USDT": 2, "XRP-USDT": 4}
"""Decimals of each symbol's `PRICE_FILTER` `tickSize` (Binance's exchange information)."""


def venue_id(symbol: str) -> str:
    """`BTC-USDT` → `btcusdt`."""
    return symbol.replace("-", "").lower()


class BinanceAdapter:
    name = "binance"
    title = "Binance"
    market = "always"
    heartbeats = True

    def __init__(self, symbols: Sequence[str]) -> None:
        self.products = ProductMap(crypto_pair(s, venue_id(s), PRICE_DECIMALS) for s in symbols)
        self._ids = itertools.count(1)

    def url(self, base: str) -> str:
        streams = "/".join(f"{v}@trade/{v}@ticker" for v in self.products.venue_ids)
        return f"{base.rstrip('/')}/stream?streams={streams}"

    async def open(self, link: Link) -> Sequence[Event]:
        return ()  # the URL names the streams

    def resync(self, venue_id: str) -> Sequence[dict[str, Any]]:
        return [
            {"method": method, "params": [f"{venue_id}@trade"], "id": next(self._ids)}
            for method in ("UNSUBSCRIBE", "SUBSCRIBE")
        ]

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        message = json_object(raw)
        if "stream" not in message:
            return [_reply(message)]
        data = field(message, "data")
        if not isinstance(data, dict):
            raise MalformedMessageError("'data' is not an object")
        kind = text(data, "e")
        if kind == "trade":
            return [
                Trade(
                    product=text(data, "s").lower(),
                    price=price(data, "p"),
                    size=size(data, "q"),
                    ts=integer(data, "T"),
                    trade_id=integer(data, "t"),
                )
            ]
        if kind == "24hrTicker":
            open_24h = price(data, "o")
            return [
                Ticker(
                    product=text(data, "s").lower(),
                    bid=price(data, "b"),
                    ask=price(data, "a"),
                    bid_size=size(data, "B"),
                    ask_size=size(data, "A"),
                    day=DayStats(
                        open=open_24h,
                        high=price(data, "h"),
                        low=price(data, "l"),
                        volume=size(data, "v"),
                        prev_close=open_24h,
                        vwap=price(data, "w"),
                    ),
                )
            ]
        return ()


def _reply(message: dict[str, Any]) -> Event:
    """A reply to a request: `{"result": null, "id": 1}`, or an error."""
    error = message.get("error")
    if isinstance(error, dict):
        message = error
    if "code" in message:
        said = message.get("msg")
        return ExchangeError(said if isinstance(said, str) else f"error {message['code']}")
    if "result" in message:
        return Subscribed()
    raise MalformedMessageError("neither a stream message nor a reply")
