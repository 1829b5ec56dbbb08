"""The default watchlist: the symbols guests and new accounts start with, in order.

`MARKETPULSE_DEFAULT_WATCHLIST` replaces the built-in twelve; its names come from the feed's
catalog like every other row's.
"""

from __future__ import annotations

from marketpulse.config import get_config
from realtime_server.protocol import SYMBOL_PATTERN

DEFAULT_WATCHLIST: tuple[str, ...] = (
    "AAPL",
    "MSFT",
    "NVDA",
    "AMZN",
    "GOOGL",
    "META",
    "TSLA",
    "JPM",
    "V",
    "XOM",
    "JNJ",
    "WMT",
)
"""Twelve well-known large caps of the simulated market, in display order."""


def default_symbols() -> list[str]:
    """The watchlist of guests and new accounts, in order: `MARKETPULSE_DEFAULT_WATCHLIST`'s
    well-formed symbols (at most `watchlist_max_symbols`), or the built-in twelve.

    Configured symbols are not checked against the feed here: the feed's subscribe ack is the
    final word (a symbol it refuses is dropped, with a message).
    """
    config = get_config()
    configured = (symbol.strip().upper() for symbol in config.default_watchlist)
    valid = list(dict.fromkeys(s for s in configured if SYMBOL_PATTERN.fullmatch(s)))
    return valid[: config.watchlist_max_symbols] or list(DEFAULT_WATCHLIST)
