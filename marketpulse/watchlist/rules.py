"""What a watchlist may hold: symbol syntax, no duplicates, a size limit, and reordering.

Pure functions over lists of symbols, shared by the persisted watchlists of users
(`marketpulse.db.watchlists`) and the session-only watchlist of guests. Each refusal is a
`WatchlistError` whose message can be shown to the user as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from realtime_server.protocol import SYMBOL_PATTERN


class WatchlistError(ValueError):
    """A watchlist change that cannot be made; `message` is for the user, `level` for the toast."""

    def __init__(self, message: str, level: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.level = level


def normalize_symbol(raw: str) -> str:
    """`raw` trimmed and upper-cased, or `WatchlistError` when it is not a ticker symbol."""
    symbol = raw.strip().upper()
    if not symbol:
        raise WatchlistError("Type a ticker symbol to add, for example AAPL.")
    if not SYMBOL_PATTERN.match(symbol):
        raise WatchlistError(
            f"“{raw.strip()[:20]}” is not a ticker symbol: use up to 15 letters, digits, "
            "dots or dashes, starting with a letter (for example BRK.B)."
        )
    return symbol


def check_offered(symbol: str, offered: bool) -> None:
    """Refuse a well-formed symbol that the feed's catalog says is not traded."""
    if not offered:
        raise WatchlistError(f"{symbol} is not traded on this market.")


def deduplicated(symbols: Iterable[str]) -> list[str]:
    """`symbols` in order, each kept once (its first occurrence)."""
    return list(dict.fromkeys(symbols))


def with_symbol(symbols: Sequence[str], symbol: str, limit: int) -> list[str]:
    """`symbols` with `symbol` appended; refused when already there or when the list is full."""
    if symbol in symbols:
        raise WatchlistError(f"{symbol} is already on your watchlist.", level="info")
    if len(symbols) >= limit:
        raise WatchlistError(
            f"A watchlist holds at most {limit} symbols: remove one before adding {symbol}."
        )
    return [*symbols, symbol]


def without_symbol(symbols: Sequence[str], symbol: str) -> list[str]:
    """`symbols` without `symbol`; refused when it is not there."""
    if symbol not in symbols:
        raise WatchlistError(f"{symbol} is not on your watchlist.")
    return [s for s in symbols if s != symbol]


def moved(symbols: Sequence[str], symbol: str, index: int) -> list[str]:
    """`symbols` with `symbol` moved to position `index` (clamped to the list's bounds)."""
    rest = without_symbol(symbols, symbol)
    index = max(0, min(index, len(rest)))
    return [*rest[:index], symbol, *rest[index:]]
