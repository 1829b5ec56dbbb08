"""How a refusal by the feed reads to the user: a channel it refused, or a connection attempt
it refused for a reason other than the credentials (those make the link `unauthorized`)."""

from __future__ import annotations

from marketpulse.feed import ConnectionStatus, LinkState
from realtime_server.protocol import ErrorCode

REFUSAL_MESSAGES: dict[str, str] = {
    ErrorCode.UNKNOWN_SYMBOL: "{symbol} is not traded on this feed, so it is not shown.",
    ErrorCode.INVALID_CHANNEL: "{symbol} is not a valid symbol, so it is not shown.",
    ErrorCode.FORBIDDEN: "You may not view {symbol}, so it is not shown.",
}
REFUSED_CODES = frozenset(REFUSAL_MESSAGES)
"""Codes that refuse a channel for good: it is not shown, nor asked for again."""


def refusal_message(symbol: str, code: str) -> str:
    """The notice for a subscription the feed refused with `code`."""
    return REFUSAL_MESSAGES.get(code, "{symbol} was refused by the feed.").format(symbol=symbol)


LINK_REFUSALS: dict[str, str] = {
    ErrorCode.TOO_MANY_CONNECTIONS: (
        "The price feed refused this tab: it has too many connections from this app or from "
        "your account."
    ),
    ErrorCode.RATE_LIMITED: (
        "The price feed refused this tab: too many tabs of this app are connecting at once."
    ),
    ErrorCode.UNAVAILABLE: "The price feed refused this tab: it is shutting down or starting.",
}


def link_refusal_message(status: ConnectionStatus) -> str:
    """What a refused connection attempt means, and that it is retried; "" if none was."""
    if not status.refusal or status.state not in (LinkState.RECONNECTING, LinkState.POLLING):
        return ""
    why = LINK_REFUSALS.get(status.refusal, f"The price feed refused this tab ({status.refusal}).")
    meanwhile = (
        " Prices are fetched over HTTP meanwhile." if status.state is LinkState.POLLING else ""
    )
    return f"{why} Retrying automatically (attempt {status.attempt}).{meanwhile}"
