"""`Catalog`: what the feed trades, as the app names and offers it.

The feed answers a `catalog` request with every instrument it trades (symbol, name, sector,
quoting conventions) and the source behind it; the tab's feed task asks once per connection.
The app never keeps a copy of its own: until the catalog has arrived, `EMPTY_CATALOG` names
nothing and lets every well-formed symbol through, and the feed's subscribe ack stays the
final word on a symbol (`unknown_symbol`: dropped, with a message).
"""

from __future__ import annotations

import dataclasses

from realtime_server.protocol import CatalogAck, Instrument

DEFAULT_DECIMALS = 2
"""Prices of a symbol the catalog does not (yet) describe are shown in cents."""


@dataclasses.dataclass(frozen=True, slots=True)
class Catalog:
    """The feed's instruments, in its display order, by symbol."""

    source: str
    instruments: tuple[Instrument, ...]
    names: dict[str, str] = dataclasses.field(init=False, compare=False)
    """Name by symbol (do not modify: shared by everything named from this catalog)."""
    decimals: dict[str, int] = dataclasses.field(init=False, compare=False)
    """Decimal places of each symbol's prices, as the feed quotes it (BTC 1, DOGE 5, AAPL 2)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", {i.symbol: i.name for i in self.instruments})
        object.__setattr__(self, "decimals", {i.symbol: i.price_decimals for i in self.instruments})

    @classmethod
    def of(cls, ack: CatalogAck) -> Catalog:
        return cls(ack.source, tuple(ack.instruments))

    @property
    def known(self) -> bool:
        """Whether the feed has told us what it trades yet."""
        return bool(self.instruments)

    def name(self, symbol: str) -> str:
        """The name shown beside `symbol`, or "" when the feed does not name it."""
        return self.names.get(symbol, "")

    def price_decimals(self, symbol: str) -> int:
        """Decimal places to show `symbol`'s prices with: the feed's, or cents when unknown."""
        return self.decimals.get(symbol, DEFAULT_DECIMALS)

    def offers(self, symbol: str) -> bool:
        """Whether `symbol` may be offered: traded here, or not yet known either way."""
        return not self.instruments or symbol in self.names


EMPTY_CATALOG = Catalog("", ())
