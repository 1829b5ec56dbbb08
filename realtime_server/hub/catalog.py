"""Which channels exist: parses names, expands patterns, checks symbols against the market."""

from __future__ import annotations

from collections.abc import Iterable

from realtime_server.protocol import Channel, ErrorCode, RequestError, parse_channel


class ChannelCatalog:
    """Knows the symbols traded here and so which channels are real."""

    def __init__(self, symbols: Iterable[str]) -> None:
        self._symbols = tuple(symbols)
        self._known = frozenset(self._symbols)

    def resolve(self, name: str) -> list[Channel]:
        """The concrete channels a name or pattern stands for.

        Raises `invalid_channel` for names outside the grammar and `unknown_symbol` for a
        symbol this server does not trade.
        """
        channel = parse_channel(name)
        if channel.is_pattern:
            return [channel.with_symbol(symbol) for symbol in self._symbols]
        if channel.symbol is not None and channel.symbol not in self._known:
            raise RequestError(ErrorCode.UNKNOWN_SYMBOL, f"no such symbol: {channel.symbol}")
        return [channel]

    def resolve_all(self, names: Iterable[str]) -> dict[str, Channel]:
        """Every concrete channel the names stand for, by name, in request order."""
        resolved: dict[str, Channel] = {}
        for name in names:
            for channel in self.resolve(name):
                resolved.setdefault(channel.name, channel)
        return resolved
