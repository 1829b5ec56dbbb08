"""Channel names: their grammar, their kinds, patterns, and how each kind is delivered.

    price:<SYM>             latest quote of a symbol               conflated
    bars:<interval>:<SYM>   OHLCV bars (intervals: BAR_INTERVALS)  conflated per bar
    summary                 indices, breadth and movers            conflated
    source                  the market data source and its state   conflated
    news                    every news item                        lossless, in order
    news:<SYM>              news items tagged with a symbol        lossless, in order
    alerts:<user>           one user's fired price alerts          lossless, until acknowledged

A pattern puts `*` in place of the symbol (`price:*`, `bars:1m:*`, `news:*`); the server
expands it to every symbol it trades.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from realtime_server.protocol.errors import ErrorCode, RequestError

SYMBOL_PATTERN = re.compile(r"^[A-Z][A-Z0-9.\-]{0,14}$")
USER_PATTERN = re.compile(r"^[A-Za-z0-9_.@\-]{1,128}$")
WILDCARD = "*"
MAX_CHANNEL_LENGTH = 160

BAR_INTERVALS: dict[str, int] = {
    "1s": 1_000,
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "1h": 3_600_000,
    "1D": 86_400_000,
}
"""Bar interval names and their lengths in milliseconds (a `1D` bar is a trading day's
regular session: docs/protocol.md §3)."""


class ChannelKind(StrEnum):
    PRICE = "price"
    BARS = "bars"
    SUMMARY = "summary"
    SOURCE = "source"
    NEWS = "news"
    ALERTS = "alerts"


LOSSLESS_KINDS = frozenset({ChannelKind.NEWS, ChannelKind.ALERTS})
"""Kinds whose every message is delivered, in order; all other kinds are conflated."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A parsed channel name (or pattern, when `symbol` is `*`)."""

    kind: ChannelKind
    symbol: str | None = None
    interval: str | None = None
    user: str | None = None

    @property
    def name(self) -> str:
        if self.kind is ChannelKind.BARS:
            return f"bars:{self.interval}:{self.symbol}"
        if self.kind is ChannelKind.ALERTS:
            return f"alerts:{self.user}"
        if self.symbol is not None:
            return f"{self.kind.value}:{self.symbol}"
        return self.kind.value

    @property
    def is_pattern(self) -> bool:
        return self.symbol == WILDCARD

    @property
    def lossless(self) -> bool:
        return self.kind in LOSSLESS_KINDS

    def with_symbol(self, symbol: str) -> Channel:
        return Channel(self.kind, symbol, self.interval, self.user)


def parse_channel(name: object) -> Channel:
    """Parse a channel name or pattern; `invalid_channel` for anything not in the grammar."""
    if not isinstance(name, str) or not 0 < len(name) <= MAX_CHANNEL_LENGTH:
        raise RequestError(ErrorCode.INVALID_CHANNEL, "a channel is a string of 1-160 characters")
    parts = name.split(":")
    kind_name, args = parts[0], parts[1:]
    try:
        kind = ChannelKind(kind_name)
    except ValueError:
        raise _invalid(name, "unknown channel kind") from None
    if kind in (ChannelKind.SUMMARY, ChannelKind.SOURCE) and not args:
        return Channel(kind)
    if kind is ChannelKind.NEWS and not args:
        return Channel(kind)
    if kind in (ChannelKind.PRICE, ChannelKind.NEWS) and len(args) == 1:
        return Channel(kind, _symbol(name, args[0]))
    if kind is ChannelKind.BARS and len(args) == 2:
        interval, symbol = args
        if interval not in BAR_INTERVALS:
            raise _invalid(name, f"bar interval must be one of {', '.join(BAR_INTERVALS)}")
        return Channel(kind, _symbol(name, symbol), interval=interval)
    if kind is ChannelKind.ALERTS and len(args) == 1 and USER_PATTERN.match(args[0]):
        return Channel(kind, user=args[0])
    raise _invalid(name, "malformed channel name")


def price_channel(symbol: str) -> str:
    return f"price:{symbol}"


def bars_channel(interval: str, symbol: str) -> str:
    return f"bars:{interval}:{symbol}"


def news_channel(symbol: str | None = None) -> str:
    return "news" if symbol is None else f"news:{symbol}"


def alerts_channel(user: str) -> str:
    return f"alerts:{user}"


SUMMARY_CHANNEL = "summary"
SOURCE_CHANNEL = "source"


def _symbol(name: str, symbol: str) -> str:
    if symbol == WILDCARD or SYMBOL_PATTERN.match(symbol):
        return symbol
    raise _invalid(name, "malformed symbol")


def _invalid(name: str, why: str) -> RequestError:
    return RequestError(ErrorCode.INVALID_CHANNEL, f"{why}: {name[:80]!r}")
