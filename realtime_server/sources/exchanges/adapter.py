"""The part of a live feed that differs per exchange: an `Adapter`.

An adapter knows the exchange's URL and products, what to send once connected (`open`: a
login where the exchange wants one, then the subscriptions), how to read one message
(`parse`: the exchange's JSON into `events`, or a `MalformedMessageError`), and how to resubscribe
one product after a gap (`resync`). It holds no connection state of its own: the shared
`ExchangeFeed` drives it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from realtime_server.sources.exchanges.events import Event, MalformedMessageError
from realtime_server.sources.exchanges.products import ProductMap


class Link(Protocol):
    """One open websocket to the exchange, as an adapter's `open` uses it."""

    async def send(self, message: dict[str, Any] | list[Any]) -> None: ...

    async def receive(self) -> str | bytes: ...


class Adapter(Protocol):
    name: str
    """`coinbase`, `kraken`, `binance`, `alpaca`."""
    title: str
    """How a user names the exchange: "Coinbase"."""
    market: str
    """`always` (crypto) or `us-equities`."""
    heartbeats: bool
    """Whether the exchange sends something at least every second or so when all is well
    (then silence means the link is dead); otherwise only websocket pings tell."""
    products: ProductMap

    def url(self, base: str) -> str:
        """The address to connect to, from the configured base URL."""
        ...

    async def open(self, link: Link) -> Sequence[Event]:
        """Log in (if the exchange wants it) and subscribe; the events read meanwhile."""
        ...

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        """The events in one message; a `MalformedMessageError` if it is not as documented."""
        ...

    def resync(self, venue_id: str) -> Sequence[dict[str, Any]]:
        """The messages that resubscribe one product (after a gap in its trades)."""
        ...


def json_message(raw: str | bytes) -> Any:
    """The JSON value of a text message (a `MalformedMessageError` for anything else)."""
    if isinstance(raw, bytes):
        raise MalformedMessageError("a binary message")
    try:
        return json.loads(raw)
    except ValueError:
        raise MalformedMessageError("not JSON") from None


def json_object(raw: str | bytes) -> dict[str, Any]:
    value = json_message(raw)
    if not isinstance(value, dict):
        raise MalformedMessageError("not a JSON object")
    return value
