"""`WatchlistBook`: one tab's watchlist rows and their latest quotes, as plain Python objects.

`QuotesState` keeps its book as one backend var of this plain class. Reflex wraps every list,
dict, dataclass and model it reads from a state in a change-tracking proxy, field by field;
reading fifty rows and quotes through those proxies on every update was most of the app
backend's CPU per tab (py-spy; docs/benchmarks.md, "Tick to DOM"). A plain object is read as
it is; the state assigns the book again after each change, so that a state manager that saves
changed vars saves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from marketpulse.display.quotes import PLACEHOLDER, QuoteRow, apply_quotes, reshape_rows
from marketpulse.watchlist.table import TableView, visible_rows
from realtime_server.protocol import Quote


class WatchlistBook:
    """The watchlist's symbols in order, a row per symbol and each symbol's latest quote."""

    __slots__ = ("quotes", "rows", "symbols")

    def __init__(self) -> None:
        self.symbols: list[str] = []
        self.rows: dict[str, QuoteRow] = {}
        self.quotes: dict[str, Quote] = {}

    def follow(self, symbols: Sequence[str], name_of: Callable[[str], str]) -> None:
        """Make the book hold `symbols`, in that order (kept rows keep their values)."""
        if list(symbols) == self.symbols and self.rows:
            return
        kept = reshape_rows(self.rows.values(), symbols, name_of)
        self.rows = {row.symbol: row for row in kept}
        self.quotes = {s: q for s, q in self.quotes.items() if s in self.rows}
        self.symbols = list(symbols)

    def apply(self, moved: Mapping[str, Quote], now_ms: int) -> None:
        """Show the quotes that `moved` (symbols the book does not hold are ignored)."""
        fresh = {symbol: quote for symbol, quote in moved.items() if symbol in self.rows}
        if not fresh:
            return
        changed = apply_quotes([self.rows[symbol] for symbol in fresh], fresh, now_ms)
        self.rows.update((row.symbol, row) for row in changed)
        self.quotes.update(fresh)

    def page(self, view: TableView) -> tuple[list[QuoteRow], TableView]:
        """The rows of the view's page, and the view with its page kept in range."""
        return visible_rows(self.symbols, self.rows, self.quotes, view)

    def last_price(self, symbol: str) -> str:
        row = self.rows.get(symbol)
        return row.last if row is not None else PLACEHOLDER
