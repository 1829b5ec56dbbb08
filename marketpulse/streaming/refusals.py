"""What `FeedSession` needs of a feed client (`FeedLink`), and how refusals read to a user."""

from __future__ import annotations

from typing import Any, Protocol

from marketpulse.feed import FeedEvent, LinkState
from realtime_server.protocol import ErrorCode, SubscribeAck, UnsubscribeAck

CLOSE_TIMEOUT_S = 2.0
"""How long closing a feed client may take before it is abandoned."""

REFUSAL_MESSAGES: dict[str, str] = {
    ErrorCode.UNKNOWN_SYMBOL: "{symbol} is not traded on this feed, so it was removed.",
    ErrorCode.INVALID_CHANNEL: "{symbol} is not a valid symbol, so it was removed.",
    ErrorCode.FORBIDDEN: "You may not view {symbol}, so it was removed.",
}


def refusal_message(symbol: str, code: str) -> str:
    """The toast for a subscription the feed refused with `code`."""
    return REFUSAL_MESSAGES.get(code, "{symbol} was refused by the feed.").format(symbol=symbol)


class FeedLink(Protocol):
    """The part of `marketpulse.feed.FeedClient` a `FeedSession` uses.

    `start` may also accept `token_provider=` (a callable returning the newest token) and a
    list of URLs as its first argument (`url_or_urls`); `FeedSession` uses them when present.
    """

    @property
    def state(self) -> LinkState: ...

    def start(
        self,
        url: Any,
        channels: list[str],
        throttle_ms: int = ...,
        *,
        auth: dict[str, Any] | None = None,
    ) -> None: ...

    async def next_events(self) -> list[FeedEvent]: ...

    async def subscribe(self, channels: list[str], throttle_ms: int = ...) -> SubscribeAck: ...

    async def unsubscribe(self, channels: list[str]) -> UnsubscribeAck: ...

    async def close(self) -> None: ...
