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


@dataclasses.dataclass(frozen=True, slots=True)
class Catalog:
    """The feed's instruments, in its display order, by symbol."""

    source: str
    instruments: tuple[Instrument, ...]
    names: dict[str, str] = dataclasses.field(init=False, compare=False)
    """Name by symbol (do not modify: shared by everything named from this catalog)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", {i.symbol: i.name for i in self.instruments})

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

    def offers(self, symbol: str) -> bool:
        """Whether `symbol` may be offered: traded here, or not yet known either way."""
        return not self.instruments or symbol in self.names


EMPTY_CATALOG = Catalog("", ())
