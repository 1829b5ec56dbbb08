"""Which channels exist: validates channel names against what the server publishes."""

from __future__ import annotations

from collections.abc import Iterable

from realtime_server.protocol import ErrorCode, RequestError, symbol_of_price_channel


class ChannelCatalog:
    """Knows the symbols traded here and so which `price:<SYM>` channels are real."""

    def __init__(self, symbols: Iterable[str]) -> None:
        self._symbols = frozenset(symbols)

    def validate(self, channel: str) -> None:
        """Raise a `RequestError` with the right code unless `channel` can be subscribed."""
        symbol = symbol_of_price_channel(channel)
        if symbol not in self._symbols:
            raise RequestError(ErrorCode.UNKNOWN_SYMBOL, f"no such symbol: {symbol}")
