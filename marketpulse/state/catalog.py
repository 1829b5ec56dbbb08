"""`CatalogState`: what the feed trades, as the tab offers it (symbol suggestions, validation).

Written by the tab's feed task when the feed's catalog arrives (once per connection). Until
then it offers nothing and refuses nothing: the feed's subscribe ack is the final word on a
symbol either way.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from marketpulse.display.catalog import Catalog


@dataclasses.dataclass
class SymbolOption:
    """One suggestion of the add-symbol field."""

    symbol: str
    name: str


class CatalogState(rx.State):
    """Cold state: changes when the feed's catalog arrives."""

    options: rx.Field[list[SymbolOption]] = rx.field(default_factory=list)
    source: rx.Field[str] = rx.field("")
    """The market data source behind the feed (`simulator`, ...); "" until known."""
    placeholder: rx.Field[str] = rx.field("Add a symbol")
    """The add-symbol field's hint, with an example this feed trades once it is known."""

    _symbols: list[str] = []

    def _apply(self, catalog: Catalog) -> None:
        self._symbols = [i.symbol for i in catalog.instruments]
        self.source = catalog.source
        self.options = [SymbolOption(i.symbol, i.name) for i in catalog.instruments]
        if catalog.instruments:
            # past the first dozen: a symbol the default watchlist is unlikely to hold already
            example = catalog.instruments[min(12, len(catalog.instruments) - 1)].symbol
            self.placeholder = f"Add a symbol, e.g. {example}"

    def _offers(self, symbol: str) -> bool:
        """Whether `symbol` may be offered: traded here, or the catalog is not known yet."""
        return not self._symbols or symbol in self._symbols
