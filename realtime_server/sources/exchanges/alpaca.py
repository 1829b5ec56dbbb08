"""Alpaca market data, IEX feed (`wss://stream.data.alpaca.markets/v2/iex`): US equities with
a free key.

* Login by message, never in the URL: the stream says `connected`, the feed sends
  `{"action": "auth", "key": ..., "secret": ...}`, the stream says `authenticated` or an
  `error` (402 `auth failed`: the key is refused and the source goes `down`).
* Then one REST call, `GET /v2/stocks/snapshots?symbols=...&feed=iex` on the data API (key
  in headers), gives each symbol's latest quote, today's daily bar (open, high, low, volume,
  VWAP), the previous day's close and the latest trade: the quote is right from the first
  moment, even with the market closed.
* Then `subscribe` to `trades` (`t`), `quotes` (`q`: best bid/ask) and `dailyBars` (`d`:
  today's figures, updated through the day). IEX is one venue: its volume is IEX's share.
* Alpaca sends no heartbeat (a closed market is silent for hours): websocket pings tell a
  dead link. Trades are not numbered one by one across a symbol, so there is no gap check.
Messages are JSON arrays of objects with a type `T`. Tickers are the protocol's symbols.
(alpaca-py's `StockDataStream` is not used: it retries a refused key forever, logging
tracebacks, offers no health or retry time to show, and runs on websockets' legacy client.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.adapter import Link, json_message
from realtime_server.sources.exchanges.events import (
    BookUpdate,
    DayUpdate,
    Event,
    ExchangeClosedError,
    ExchangeError,
    KeyRefusedError,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
    field,
    iso_ms,
    price,
    size,
    text,
)
from realtime_server.sources.exchanges.products import ProductMap, us_stock

URL = "wss://stream.data.alpaca.markets/v2/iex"
DATA_URL = "https://data.alpaca.markets"
DEFAULT_SYMBOLS = ("AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM")
AUTH_FAILED = 402
SNAPSHOT_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True, repr=False)
class AlpacaKey:
    """An Alpaca API key pair (never printed: no repr)."""

    key_id: str
    secret: str


class AlpacaAdapter:
    name = "alpaca"
    title = "Alpaca"
    market = "us-equities"
    heartbeats = False

    def __init__(self, symbols: Sequence[str], key: AlpacaKey, data_url: str) -> None:
        self.products = ProductMap(us_stock(s) for s in symbols)
        self._key = key
        self._data_url = data_url.rstrip("/")

    def url(self, base: str) -> str:
        return base

    async def open(self, link: Link) -> Sequence[Event]:
        self._expect(await link.receive(), "connected")
        await link.send({"action": "auth", "key": self._key.key_id, "secret": self._key.secret})
        self._expect(await link.receive(), "authenticated")
        events = await self._snapshots()
        symbols = self.products.venue_ids
        await link.send(
            {"action": "subscribe", "trades": symbols, "quotes": symbols, "dailyBars": symbols}
        )
        return events

    def resync(self, venue_id: str) -> Sequence[dict[str, Any]]:
        return ()  # no numbered trades, no gaps to resync

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        return [event for item in _items(raw) if (event := _event(item)) is not None]

    def _expect(self, raw: str | bytes, msg: str) -> None:
        """The stream's answer must be `success`/`msg`; an `error` ends the connection."""
        for item in _items(raw):
            kind = text(item, "T")
            if kind == "error":
                if item.get("code") == AUTH_FAILED:
                    raise KeyRefusedError
                said = item.get("msg")
                raise ExchangeClosedError(said if isinstance(said, str) else "stream error")
            if kind == "success" and item.get("msg") == msg:
                return
        raise MalformedMessageError(f"expected {msg!r}")

    async def _snapshots(self) -> list[Event]:
        headers = {"APCA-API-KEY-ID": self._key.key_id, "APCA-API-SECRET-KEY": self._key.secret}
        params = {"symbols": ",".join(self.products.venue_ids), "feed": "iex"}
        timeout = aiohttp.ClientTimeout(total=SNAPSHOT_TIMEOUT_S)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(
                    f"{self._data_url}/v2/stocks/snapshots", params=params, headers=headers
                ) as answer,
            ):
                if answer.status in (401, 403):
                    raise KeyRefusedError
                if answer.status != 200:
                    raise ExchangeClosedError(f"snapshots answered HTTP {answer.status}")
                body = await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise ExchangeClosedError("snapshots unavailable") from None
        if not isinstance(body, dict):
            raise ExchangeClosedError("snapshots unreadable")
        events: list[Event] = []
        for symbol, snapshot in body.items():
            if isinstance(snapshot, dict) and self.products.by_venue(symbol) is not None:
                try:
                    events += _snapshot(symbol, snapshot)
                except MalformedMessageError:
                    continue  # a symbol without a full snapshot waits for the stream
        return events


def _items(raw: str | bytes) -> list[dict[str, Any]]:
    value = json_message(raw)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedMessageError("not a JSON array of objects")
    return value


def _event(item: dict[str, Any]) -> Event | None:
    kind = text(item, "T")
    if kind == "t":
        return Trade(
            product=text(item, "S"),
            price=price(item, "p"),
            size=size(item, "s"),
            ts=iso_ms(item, "t"),
        )
    if kind == "q":
        return BookUpdate(
            product=text(item, "S"),
            bid=price(item, "bp"),
            ask=price(item, "ap"),
            bid_size=size(item, "bs"),
            ask_size=size(item, "as"),
        )
    if kind == "d":
        vwap = item.get("vw")
        return DayUpdate(
            product=text(item, "S"),
            open=price(item, "o"),
            high=price(item, "h"),
            low=price(item, "l"),
            volume=size(item, "v"),
            vwap=price(item, "vw") if vwap is not None else None,
        )
    if kind in ("subscription", "success"):
        return Subscribed()
    if kind == "error":
        said = item.get("msg")
        return ExchangeError(said if isinstance(said, str) else "stream error")
    return None


def _object(snapshot: dict[str, Any], name: str) -> dict[str, Any]:
    value = field(snapshot, name)
    if not isinstance(value, dict):
        raise MalformedMessageError(f"{name!r} is not an object")
    return value


def _snapshot(symbol: str, snapshot: dict[str, Any]) -> list[Event]:
    """A symbol's ticker (latest quote, today's bar, previous close) and latest trade."""
    quote, bar = _object(snapshot, "latestQuote"), _object(snapshot, "dailyBar")
    trade, previous = _object(snapshot, "latestTrade"), _object(snapshot, "prevDailyBar")
    vwap = bar.get("vw")
    ticker = Ticker(
        product=symbol,
        bid=price(quote, "bp"),
        ask=price(quote, "ap"),
        bid_size=size(quote, "bs"),
        ask_size=size(quote, "as"),
        day=DayStats(
            open=price(bar, "o"),
            high=price(bar, "h"),
            low=price(bar, "l"),
            volume=size(bar, "v"),
            prev_close=price(previous, "c"),
            vwap=price(bar, "vw") if vwap is not None else None,
        ),
    )
    last = Trade(
        product=symbol, price=price(trade, "p"), size=size(trade, "s"), ts=iso_ms(trade, "t")
    )
    return [ticker, last]
