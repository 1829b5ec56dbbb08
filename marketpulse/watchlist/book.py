"""`WatchlistBook`: one tab's watchlist table — rows, latest quotes, sort and page — as plain
Python objects, rendered one way into `QuotesState`.

`QuotesState` keeps its book as one backend var of this plain class. Reflex wraps every list,
dict, dataclass and model it reads from a state in a change-tracking proxy, field by field;
reading fifty rows and quotes through those proxies on every update was most of the app
backend's CPU per tab (py-spy; docs/benchmarks.md, "Tick to DOM"). A plain object is read as
it is; the state assigns the book again after each change, so that a state manager that saves
changed vars saves it. The book owns how the table is looked at (sort column, direction,
page) as well, so data flows one way: events and quotes change the book, and the state shows
the `TablePage` it renders.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from marketpulse.display.catalog import EMPTY_CATALOG, Catalog
from marketpulse.display.quotes import (
    PLACEHOLDER,
    QuoteRow,
    apply_quote,
    apply_quotes,
    reshape_rows,
)
from marketpulse.watchlist.table import TableView, page_count, visible_rows
from realtime_server.protocol import Quote


@dataclasses.dataclass(frozen=True, slots=True)
class TablePage:
    """What the watchlist table shows: the page's rows and where the page stands."""

    rows: list[QuoteRow]
    page: int
    page_count: int
    total: int
    sort: str
    descending: bool


class WatchlistBook:
    """The watchlist's symbols in order, a row and the latest quote per symbol, and the view."""

    __slots__ = ("named_by", "quotes", "rows", "symbols", "view")

    def __init__(self, page_size: int) -> None:
        self.symbols: list[str] = []
        self.rows: dict[str, QuoteRow] = {}
        self.quotes: dict[str, Quote] = {}
        self.view = TableView(page_size=page_size)
        self.named_by: Catalog = EMPTY_CATALOG
        """The catalog the rows were last named and quoted from."""

    def follow(self, symbols: Sequence[str], catalog: Catalog) -> None:
        """Hold `symbols`, in that order (kept rows keep their values), named and quoted as
        `catalog` says.

        The tab keeps one catalog object until a new one arrives: only then are the kept rows
        named again, and those whose decimal places changed shown again with them. An empty
        one (no catalog yet) names new rows "" and leaves the kept rows alone.
        """
        if list(symbols) != self.symbols or not self.rows:
            kept = reshape_rows(self.rows.values(), symbols, catalog)
            self.rows = {row.symbol: row for row in kept}
            self.quotes = {s: q for s, q in self.quotes.items() if s in self.rows}
            self.symbols = list(symbols)
        if catalog.known and catalog is not self.named_by:
            self.named_by = catalog
            for symbol, row in self.rows.items():
                self.rows[symbol] = self._described(row, catalog)

    def _described(self, row: QuoteRow, catalog: Catalog) -> QuoteRow:
        name, decimals = catalog.name(row.symbol), catalog.price_decimals(row.symbol)
        if (name, decimals) == (row.name, row.decimals):
            return row
        described = dataclasses.replace(row, name=name, decimals=decimals)
        quote = self.quotes.get(row.symbol)
        # The same quote again: formatted anew, no flash (the price did not move).
        return apply_quote(described, quote, row.flashed_at) if quote else described

    def apply(self, moved: Mapping[str, Quote], now_ms: int) -> None:
        """Show the quotes that `moved` (symbols the book does not hold are ignored)."""
        fresh = {symbol: quote for symbol, quote in moved.items() if symbol in self.rows}
        if not fresh:
            return
        changed = apply_quotes([self.rows[symbol] for symbol in fresh], fresh, now_ms)
        self.rows.update((row.symbol, row) for row in changed)
        self.quotes.update(fresh)

    def sort_by(self, column: str) -> None:
        """Sort by `column` (again: the other way); `SortError` for an unknown column."""
        self.view = self.view.sorted_by(column)

    def turn(self, pages: int) -> None:
        """`pages` pages further (negative: back), kept within the table."""
        self.view = self.view.turned(pages, page_count(len(self.symbols), self.view.page_size))

    def page(self) -> TablePage:
        """The rows of the current page (fresh copies), the page kept in range."""
        rows, self.view = visible_rows(self.symbols, self.rows, self.quotes, self.view)
        view = self.view
        total = len(self.symbols)
        pages = page_count(total, view.page_size)
        return TablePage(rows, view.page, pages, total, view.sort, view.descending)

    def last_price(self, symbol: str) -> str:
        row = self.rows.get(symbol)
        return row.last if row is not None else PLACEHOLDER
