"""What an exchange adapter reads out of one message: trades, tickers, signs of life, errors.

Adapters turn the exchange's own JSON into these values and nothing else; the shared feed
(`feed.py`) decides what they mean for the quotes, the sequence checks and the source's health.
Products are named as the exchange names them (`BTC-USD`, `BTC/USD`, `btcusdt`, `AAPL`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from realtime_server.sources.base import DayStats


class MalformedMessageError(ValueError):
    """A message that is not what the exchange documents: counted and dropped."""


class KeyRefusedError(Exception):
    """The exchange refused the API key: retrying cannot help (the source goes `down`)."""


class ExchangeClosedError(Exception):
    """The exchange said it is ending the session (an error about the whole connection)."""


@dataclass(frozen=True, slots=True)
class Trade:
    """One executed trade. `trade_id` numbers a product's trades one by one, where the
    exchange does so (the feed checks them for gaps)."""

    product: str
    price: float
    size: float
    ts: int
    trade_id: int | None = None
    sequence: int | None = None
    """The exchange's per-product message sequence, where it has one (Coinbase)."""


@dataclass(frozen=True, slots=True)
class Ticker:
    """The top of book and the day's statistics of one product, as the exchange reports them."""

    product: str
    bid: float
    ask: float
    bid_size: float
    ask_size: float
    day: DayStats
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class BookUpdate:
    """A new top of book only (an equities quote), the day's statistics unchanged."""

    product: str
    bid: float
    ask: float
    bid_size: float
    ask_size: float


@dataclass(frozen=True, slots=True)
class DayUpdate:
    """New day statistics only (an equities daily bar), keeping the previous close known."""

    product: str
    open: float
    high: float
    low: float
    volume: float
    vwap: float | None = None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The exchange is alive; `last_trade_id` (Coinbase) says which trade was the product's
    latest, so a missed one shows as a gap."""

    product: str | None = None
    last_trade_id: int | None = None
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class Subscribed:
    """The exchange confirmed a subscription (a sign of life too)."""


@dataclass(frozen=True, slots=True)
class ExchangeError:
    """An error the exchange reported; `product` when it concerns only that product."""

    text: str
    product: str | None = None


Event = Trade | Ticker | BookUpdate | DayUpdate | Heartbeat | Subscribed | ExchangeError


def field(message: dict[str, Any], name: str) -> Any:
    """`message[name]`, or a `MalformedMessageError` naming the missing field."""
    try:
        return message[name]
    except KeyError:
        raise MalformedMessageError(f"no {name!r}") from None


def number(value: Any, name: str, *, positive: bool = False) -> float:
    """A finite number from a JSON number or a decimal string (exchanges send both)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MalformedMessageError(f"{name!r} is not a number")
    try:
        out = float(value)
    except ValueError:
        raise MalformedMessageError(f"{name!r} is not a number") from None
    if not math.isfinite(out) or out < 0 or (positive and out == 0):
        raise MalformedMessageError(f"{name!r} is out of range")
    return out


def price(message: dict[str, Any], name: str) -> float:
    return number(field(message, name), name, positive=True)


def size(message: dict[str, Any], name: str) -> float:
    return number(field(message, name), name)


def integer(message: dict[str, Any], name: str) -> int:
    value = field(message, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedMessageError(f"{name!r} is not a whole number")
    return value


def text(message: dict[str, Any], name: str) -> str:
    value = field(message, name)
    if not isinstance(value, str):
        raise MalformedMessageError(f"{name!r} is not a string")
    return value


def iso_ms(message: dict[str, Any], name: str) -> int:
    """An RFC 3339 time (`2022-10-19T23:28:22.061769Z`) as ms since the epoch."""
    value = text(message, name)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedMessageError(f"{name!r} is not a time") from None
    if moment.tzinfo is None:
        raise MalformedMessageError(f"{name!r} has no time zone")
    return int(moment.timestamp() * 1000)
