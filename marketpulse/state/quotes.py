"""`QuotesState`: the watchlist's rows — the hot state — and how the table is sorted and paged.

Only the rows of the page on screen are public (`rows`), so a tick on a symbol off the page
sends the browser nothing. Every row, with its flash state and its latest quote (for sorting by
live columns), is kept backend-only in a `WatchlistBook` (`_book`). The tab's feed task calls
`_show` inside its short lock with the quotes that moved since the last showing.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.catalog import company_name, default_symbols
from marketpulse.config import get_config
from marketpulse.display.quotes import QuoteRow, initial_rows
from marketpulse.watchlist.book import WatchlistBook
from marketpulse.watchlist.table import SortError, TableView, page_count
from realtime_server.protocol import Quote


class QuotesState(rx.State):
    """Hot state: the visible rows. Nothing else changes at the feed's pace here."""

    rows: list[QuoteRow] = rx.field(
        default_factory=lambda: initial_rows({s: company_name(s) for s in default_symbols()})
    )
    sort_key: str = "order"
    descending: bool = False
    page: int = 0
    page_count: int = 1
    total: int = 0

    _book: WatchlistBook = rx.field(default_factory=WatchlistBook)

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page + 1} of {self.page_count}"

    @rx.event
    def sort_by(self, column: str) -> rx.event.EventSpec | None:
        try:
            view = self._view().sorted_by(str(column))
        except SortError:
            return rx.toast.error("That column cannot be sorted.")
        self.sort_key, self.descending, self.page = view.sort, view.descending, view.page
        self._render()
        return None

    @rx.event
    def turn_page(self, pages: int) -> None:
        self.page = self._view().turned(int(pages), self.page_count).page
        self._render()

    # -- the feed task's side (not events) -----------------------------------------------------

    def _last_price(self, symbol: str) -> str:
        return self._book.last_price(symbol)

    def _show(self, symbols: list[str], moved: dict[str, Quote], now_ms: int) -> None:
        """Show the watchlist `symbols` with the quotes that `moved` since the last showing."""
        book = self._book
        book.follow(symbols, company_name)
        book.apply(moved, now_ms)
        self._render(book)

    def _view(self) -> TableView:
        return TableView(
            sort=self.sort_key,
            descending=self.descending,
            page=self.page,
            page_size=get_config().watchlist_page_size,
        )

    def _render(self, book: WatchlistBook | None = None) -> None:
        book = book or self._book
        rows, view = book.page(self._view())
        # Reflex sends every assigned var, equal or not: assign only what changed.
        total, pages = len(book.symbols), page_count(len(book.symbols), view.page_size)
        if (total, pages, view.page) != (self.total, self.page_count, self.page):
            self.total, self.page_count, self.page = total, pages, view.page
        if rows != self.rows:
            self.rows = rows
        self._book = book
