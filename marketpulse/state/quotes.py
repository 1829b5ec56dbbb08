"""`QuotesState`: the watchlist's rows — the hot state — and how the table is sorted and paged.

Only the rows of the page on screen are public (`rows`), so a tick on a symbol off the page
sends the browser nothing. Every row, with its flash state and its latest quote (for sorting by
live columns), and the table's sort and page, are kept backend-only in a `WatchlistBook`
(`_book`): events and the tab's feed task change the book, and the state shows the page it
renders (`_render`), assigning only what changed (Reflex sends every assigned var).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from marketpulse.config import get_config
from marketpulse.display.quotes import QuoteRow, initial_rows
from marketpulse.state.event import event
from marketpulse.streaming.rounds import WatchlistDelivery
from marketpulse.watchlist.book import WatchlistBook
from marketpulse.watchlist.defaults import default_symbols
from marketpulse.watchlist.table import SortError


def _new_book() -> WatchlistBook:
    return WatchlistBook(get_config().watchlist_page_size)


class QuotesState(rx.State):
    """Hot state: the visible rows. Nothing else changes at the feed's pace here."""

    rows: rx.Field[list[QuoteRow]] = rx.field(
        default_factory=lambda: initial_rows(dict.fromkeys(default_symbols(), ""))
    )
    sort_key: rx.Field[str] = rx.field("order")
    descending: rx.Field[bool] = rx.field(False)
    page: rx.Field[int] = rx.field(0)
    page_count: rx.Field[int] = rx.field(1)
    total: rx.Field[int] = rx.field(0)

    _book: rx.Field[WatchlistBook] = rx.field(default_factory=_new_book)

    @rx.var
    def page_label(self) -> str:
        return f"Page {self.page + 1} of {self.page_count}"

    @event
    def sort_by(self, column: str) -> EventSpec | None:
        try:
            self._book.sort_by(str(column))
        except SortError:
            return rx.toast.error("That column cannot be sorted.")
        self._render()
        return None

    @event
    def turn_page(self, pages: int) -> None:
        self._book.turn(int(pages))
        self._render()

    # -- the feed task's side (not events) -----------------------------------------------------

    def _last_price(self, symbol: str) -> str:
        return self._book.last_price(symbol)

    def _follow(self, symbols: list[str]) -> None:
        """Show the rows of `symbols` at once (the page loads), before any feed round."""
        self._book.follow(symbols, self._book.named_by)
        self._render()

    def _show(self, delivery: WatchlistDelivery, now_ms: int) -> None:
        """Show the watchlist's symbols with the quotes that moved since the last showing."""
        self._book.follow(delivery.symbols, delivery.named_by)
        self._book.apply(delivery.moved, now_ms)
        self._render()

    def _render(self) -> None:
        book = self._book
        table = book.page()
        if (table.sort, table.descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = table.sort, table.descending
        if (table.total, table.page_count, table.page) != (self.total, self.page_count, self.page):
            self.total, self.page_count, self.page = table.total, table.page_count, table.page
        if table.rows != self.rows:
            self.rows = table.rows
        self._book = book  # assigned again: a state manager saves what changed
