"""The watchlist's display rows: feed quotes turned into the strings and flags the table shows.

Pure Python (no Reflex), so the shaping rules are unit-tested on their own: number formats
(prices and changes with the product's own decimal places, from the feed's catalog),
▲/▼ with a plus or minus sign (U+2212), the trend colour, and the price flash, which restarts
per change through a per-row counter (`tick`) but at most `MAX_FLASHES_PER_S` times a second
per cell (WCAG 2.3.1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from marketpulse.display.catalog import DEFAULT_DECIMALS, Catalog
from realtime_server.protocol import Quote

MAX_FLASHES_PER_S = 3
FLASH_MIN_INTERVAL_MS = 1000 // MAX_FLASHES_PER_S + 1
"""A new flash starts only this long after the previous one in the same cell (334 ms)."""

PLACEHOLDER = "—"
MINUS = "\N{MINUS SIGN}"


@dataclasses.dataclass
class QuoteRow:
    """One watchlist row as the browser renders it."""

    symbol: str
    name: str
    price: float = 0.0
    """The last price as a number (the tick direction is computed from it)."""
    last: str = PLACEHOLDER
    change: str = PLACEHOLDER
    change_pct: str = PLACEHOLDER
    volume: str = PLACEHOLDER
    ts: int = 0
    """Source timestamp (ms since the epoch) of the value shown; 0 until the first quote."""
    trend: str = "flat"
    """Sign of the change since the previous close: up, down or flat (the change colour)."""
    flash: str = ""
    """Direction of the latest flash: up, down, or empty before the first one."""
    tick: int = 0
    """Counts the flashes started; the price element's key, so each new value restarts it."""
    flashed_at: int = 0
    """When (ms) the latest flash started, for the flash rate limit."""
    decimals: int = DEFAULT_DECIMALS
    """Decimal places of the price and change, from the feed's catalog."""


def initial_rows(names: Mapping[str, str]) -> list[QuoteRow]:
    """Placeholder rows for a watchlist, in its order, before any quote arrived."""
    return [QuoteRow(symbol=symbol, name=name) for symbol, name in names.items()]


def reshape_rows(
    rows: Iterable[QuoteRow], symbols: Sequence[str], catalog: Catalog
) -> list[QuoteRow]:
    """Rows for `symbols`, in that order: a symbol's existing row is kept (as a fresh copy, see
    `apply_quotes`), a new symbol gets a placeholder row named and quoted as `catalog` says
    ("" and cents when it does not know the symbol)."""
    by_symbol = {row.symbol: row for row in rows}
    return [
        dataclasses.replace(by_symbol[symbol])
        if symbol in by_symbol
        else QuoteRow(
            symbol=symbol,
            name=catalog.name(symbol),
            decimals=catalog.price_decimals(symbol),
        )
        for symbol in symbols
    ]


def format_price(value: float, decimals: int = DEFAULT_DECIMALS) -> str:
    """`1,234.56` with `decimals` places (`64,012.5` for a coin quoted in tenths)."""
    return f"{value:,.{decimals}f}"


def format_change(change: float, decimals: int = DEFAULT_DECIMALS) -> str:
    """`▲ +1.23`, `▼ U+2212 1.23`, or `0.00`: arrow and sign, so colour is never the only cue."""
    if change > 0:
        return f"▲ +{change:,.{decimals}f}"
    if change < 0:
        return f"▼ {MINUS}{-change:,.{decimals}f}"
    return f"{0:.{decimals}f}"


def format_change_pct(change_pct: float) -> str:
    """`+0.65%`, `U+2212 0.65%`, or `0.00%` (the value is already in percent)."""
    if change_pct > 0:
        return f"+{change_pct:.2f}%"
    if change_pct < 0:
        return f"{MINUS}{-change_pct:.2f}%"
    return "0.00%"


def format_volume(volume: float) -> str:
    """Compact volume: `950`, `12.3K`, `4.56M`, `1.20B`; a coin's fractions: `0.0421`."""
    for size, suffix, digits in ((1e9, "B", 2), (1e6, "M", 2), (1e3, "K", 1)):
        if volume >= size:
            return f"{volume / size:.{digits}f}{suffix}"
    return f"{volume:.4g}"


def trend_of(change: float) -> str:
    if change > 0:
        return "up"
    if change < 0:
        return "down"
    return "flat"


def apply_quote(row: QuoteRow, quote: Quote, now_ms: int) -> QuoteRow:
    """The row showing `quote`; a price move starts a flash unless one started too recently."""
    updated = dataclasses.replace(
        row,
        price=quote.last,
        last=format_price(quote.last, row.decimals),
        change=format_change(quote.change, row.decimals),
        change_pct=format_change_pct(quote.change_pct),
        volume=format_volume(quote.volume),
        ts=quote.ts,
        trend=trend_of(quote.change),
    )
    moved = row.ts > 0 and quote.last != row.price
    if moved and now_ms - row.flashed_at >= FLASH_MIN_INTERVAL_MS:
        updated.flash = "up" if quote.last > row.price else "down"
        updated.tick = row.tick + 1
        updated.flashed_at = now_ms
    return updated


def apply_quotes(
    rows: Iterable[QuoteRow], quotes: Mapping[str, Quote], now_ms: int
) -> list[QuoteRow]:
    """New rows with each symbol's quote applied; symbols without a quote keep their values.

    Every returned row is a fresh `QuoteRow`, never one of the input objects: those may be the
    state's change-tracking proxies, which must not end up inside the new value.
    """
    by_symbol = {quote.symbol: quote for quote in quotes.values()}
    return [
        apply_quote(row, by_symbol[row.symbol], now_ms)
        if row.symbol in by_symbol
        else dataclasses.replace(row)
        for row in rows
    ]
