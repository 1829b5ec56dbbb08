"""How a channel the feed refused reads to the user."""

from __future__ import annotations

from realtime_server.protocol import ErrorCode

REFUSAL_MESSAGES: dict[str, str] = {
    ErrorCode.UNKNOWN_SYMBOL: "{symbol} is not traded on this feed, so it was removed.",
    ErrorCode.INVALID_CHANNEL: "{symbol} is not a valid symbol, so it was removed.",
    ErrorCode.FORBIDDEN: "You may not view {symbol}, so it was removed.",
}
REFUSED_CODES = frozenset(REFUSAL_MESSAGES)
"""Codes that refuse a channel for good: it is dropped, never retried."""


def refusal_message(symbol: str, code: str) -> str:
    """The notice for a subscription the feed refused with `code`."""
    return REFUSAL_MESSAGES.get(code, "{symbol} was refused by the feed.").format(symbol=symbol)
