"""What the feed trades: the instruments it describes, and which channel names are real."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from realtime_server.protocol import Channel, ErrorCode, Instrument, RequestError, parse_channel


class ChannelCatalog:
    """Knows the instruments traded here, and so which channels exist.

    `describe` is the body of a `catalog` ack (and of `/api/catalog`): encoded once, since the
    instruments do not change while the source runs.
    """

    def __init__(self, instruments: Iterable[Instrument], source: str) -> None:
        self.instruments = tuple(instruments)
        self.source = source
        self._symbols = tuple(item.symbol for item in self.instruments)
        self._known = frozenset(self._symbols)
        self._described = [item.model_dump(mode="json") for item in self.instruments]

    @property
    def symbols(self) -> Sequence[str]:
        return self._symbols

    def describe(self) -> dict[str, Any]:
        """`{source, instruments}`: what a client may offer its user."""
        return {"source": self.source, "instruments": self._described}

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
