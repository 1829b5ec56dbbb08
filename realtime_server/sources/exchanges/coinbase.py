"""Coinbase Exchange websocket (`wss://ws-feed.exchange.coinbase.com`): `ticker`, `matches`,
`heartbeat` channels.

* Trades from `match` (and `last_match`, sent on subscribing): `trade_id` numbers a
  product's trades one by one; `heartbeat` (once a second per product) carries
  `last_trade_id`, so a missed match shows even when no later one came.
* Best bid/ask and the day figures from `ticker`: `open_24h`, `high_24h`, `low_24h`,
  `volume_24h` — a rolling 24 h, not a calendar day; change is against `open_24h`. Coinbase
  gives no VWAP there (the quote's is that of the trades seen).
* Every message of a product carries its `sequence`: one not past the last seen (per
  channel) is out of order and dropped.
* `error` (e.g. an unknown product) ends the connection; its `reason` is what a user sees.
Products are named as in the protocol (`BTC-USD`).
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
    Subscribed,
    Ticker,
    Trade,
    integer,
    iso_ms,
    price,
    size,
    text,
)
from realtime_server.sources.exchanges.products import ProductMap, crypto_pair

URL = "wss://ws-feed.exchange.coinbase.com"
DEFAULT_SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD")
PRICE_DECIMALS = {
    "BTC-USD": 2,
    "ETH-USD": 2,
    "SOL-USD": 2,
    "LTC-USD": 2,
    "XRP-USD": 4,
    "ADA-USD": 4,
    "DOGE-USD": 5,
}
"""Decimals of each product's `quote_increment` (Coinbase's product list)."""
TRADE_CHANNELS = ["ticker", "matches"]


class CoinbaseAdapter:
    name = "coinbase"
    title = "Coinbase"
    market = "always"
    heartbeats = True

    def __init__(self, symbols: Sequence[str]) -> None:
        self.products = ProductMap(crypto_pair(s, s, PRICE_DECIMALS) for s in symbols)

    def url(self, base: str) -> str:
        return base

    async def open(self, link: Link) -> Sequence[Event]:
        await link.send(
            {
                "type": "subscribe",
                "product_ids": self.products.venue_ids,
                "channels": [*TRADE_CHANNELS, "heartbeat"],
            }
        )
        return ()

    def resync(self, venue_id: str) -> Sequence[dict[str, Any]]:
        return [
            {"type": kind, "product_ids": [venue_id], "channels": TRADE_CHANNELS}
            for kind in ("unsubscribe", "subscribe")
        ]

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        message = json_object(raw)
        kind = text(message, "type")
        if kind in ("match", "last_match"):
            return [
                Trade(
                    product=text(message, "product_id"),
                    price=price(message, "price"),
                    size=size(message, "size"),
                    ts=iso_ms(message, "time"),
                    trade_id=integer(message, "trade_id"),
                    sequence=integer(message, "sequence"),
                )
            ]
        if kind == "ticker":
            open_24h = price(message, "open_24h")
            return [
                Ticker(
                    product=text(message, "product_id"),
                    bid=price(message, "best_bid"),
                    ask=price(message, "best_ask"),
                    bid_size=size(message, "best_bid_size"),
                    ask_size=size(message, "best_ask_size"),
                    day=DayStats(
                        open=open_24h,
                        high=price(message, "high_24h"),
                        low=price(message, "low_24h"),
                        volume=size(message, "volume_24h"),
                        prev_close=open_24h,
                    ),
                    sequence=integer(message, "sequence"),
                )
            ]
        if kind == "heartbeat":
            return [
                Heartbeat(
                    product=text(message, "product_id"),
                    last_trade_id=integer(message, "last_trade_id"),
                    sequence=integer(message, "sequence"),
                )
            ]
        if kind == "subscriptions":
            return [Subscribed()]
        if kind == "error":
            reason = message.get("reason")
            said = text(message, "message")
            return [ExchangeError(f"{said}: {reason}" if isinstance(reason, str) else said)]
        return ()
