"""Which channels exist: validates channel names against what the server publishes."""

from __future__ import annotations

from collections.abc import Iterable

from realtime_server.protocol import ChannelKind, ErrorCode, RequestError, parse_channel


class ChannelCatalog:
    """Knows the symbols traded here and so which `price:<SYM>` channels are real."""

    def __init__(self, symbols: Iterable[str]) -> None:
        self._symbols = frozenset(symbols)

    def validate(self, channel: str) -> None:
        """Raise a `RequestError` with the right code unless `channel` can be subscribed."""
        parsed = parse_channel(channel)
        if parsed.kind is not ChannelKind.PRICE:
            raise RequestError(ErrorCode.INVALID_CHANNEL, f"unknown channel kind: {channel[:80]!r}")
        symbol = parsed.symbol
        if symbol not in self._symbols:
            raise RequestError(ErrorCode.UNKNOWN_SYMBOL, f"no such symbol: {symbol}")
