"""Which watchlist rows the browser is sent: sorted by any column, one page at a time.

Pure Python (no Reflex). A watchlist may hold hundreds of symbols; the table shows one page
(`PAGE_SIZE` rows), and only that page travels to the browser, so a tick on a symbol off the
page costs the browser nothing. Sorting by a live column (last, change, volume...) uses the
values the rows show; rows still waiting for their first quote sort last either way.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence

from marketpulse.display.quotes import QuoteRow
from realtime_server.protocol import Quote

PAGE_SIZE = 25

SortValue = Callable[[QuoteRow, Quote | None], float | str]
SORT_KEYS: Mapping[str, SortValue] = {
    "symbol": lambda row, _: row.symbol,
    "name": lambda row, _: row.name.casefold(),
    "last": lambda row, _: row.price,
    "change": lambda _, quote: quote.change if quote else 0.0,
    "change_pct": lambda _, quote: quote.change_pct if quote else 0.0,
    "volume": lambda _, quote: quote.volume if quote else 0,
    "updated": lambda row, _: row.ts,
}
"""Sortable columns and the value each sorts by; "order" (the watchlist's own) is the default."""
DEFAULT_SORT = "order"


class SortError(ValueError):
    """An unknown sort column."""


@dataclasses.dataclass(frozen=True, slots=True)
class TableView:
    """How the user looks at the table: sort column, direction and page."""

    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 0
    page_size: int = PAGE_SIZE

    def sorted_by(self, column: str) -> TableView:
        """Sort by `column`; choosing the current column again flips the direction."""
        if column != DEFAULT_SORT and column not in SORT_KEYS:
            raise SortError(f"cannot sort by {column!r}")
        if column == self.sort:
            return dataclasses.replace(self, descending=not self.descending, page=0)
        # Numbers read best largest first; names alphabetically.
        descending = column in {"last", "change", "change_pct", "volume", "updated"}
        return dataclasses.replace(self, sort=column, descending=descending, page=0)

    def turned(self, pages: int, page_count: int) -> TableView:
        """`pages` pages further (negative: back), kept within the table."""
        return dataclasses.replace(self, page=min(max(0, self.page + pages), page_count - 1))


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """Pages needed for `total` rows (at least one, so an empty table has page 1 of 1)."""
    return max(1, math.ceil(total / page_size))


def ordered_symbols(
    symbols: Sequence[str],
    rows: Mapping[str, QuoteRow],
    quotes: Mapping[str, Quote],
    view: TableView,
) -> list[str]:
    """The watchlist's symbols in the view's order (rows without a quote last)."""
    if view.sort == DEFAULT_SORT:
        return list(reversed(symbols)) if view.descending else list(symbols)
    value = SORT_KEYS[view.sort]
    quoted = [s for s in symbols if s in rows and rows[s].ts > 0]
    waiting = [s for s in symbols if s not in quoted]
    quoted.sort(key=lambda s: value(rows[s], quotes.get(s)), reverse=view.descending)
    return quoted + waiting


def visible_rows(
    symbols: Sequence[str],
    rows: Mapping[str, QuoteRow],
    quotes: Mapping[str, Quote],
    view: TableView,
) -> tuple[list[QuoteRow], TableView]:
    """The rows of the view's page (fresh copies), and the view with its page kept in range."""
    view = view.turned(0, page_count(len(symbols), view.page_size))
    start = view.page * view.page_size
    page = ordered_symbols(symbols, rows, quotes, view)[start : start + view.page_size]
    return [dataclasses.replace(rows[symbol]) for symbol in page if symbol in rows], view
