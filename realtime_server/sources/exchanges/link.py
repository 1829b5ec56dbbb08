"""One websocket to an exchange: opened with the feed's limits, JSON out, messages in, silence
timed; and the words a user is given when it is lost.

The websocket library logs through `WIRE_LOG`, kept above debug: its debug lines print
frames, and a login frame holds the API key. Proxies from the environment are not used.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection, connect

WIRE_LOG = logging.getLogger("realtime_server.exchanges.wire")
WIRE_LOG.setLevel(logging.INFO)

REASON_CHARS = 80
"""How much of an exchange's own error text a user is shown."""
MAX_MESSAGE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """How a feed connects: where, how long silence may last, how it backs off."""

    url: str
    idle_s: float = 15.0
    """With an exchange that sends heartbeats, silence this long means the link is dead;
    otherwise websocket pings at this interval, unanswered this long, do."""
    open_timeout_s: float = 10.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    seed: int | None = None
    """Seeds the jitter (tests); None: random."""


class LostError(Exception):
    """The connection is gone; `reason` says so to a user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SilentError(Exception):
    """Nothing arrived for longer than the exchange's heartbeat allows."""


class WebsocketLink:
    """The open websocket as an adapter sees it: JSON out, raw messages in, silence timed."""

    def __init__(self, ws: ClientConnection, idle_s: float | None) -> None:
        self._ws = ws
        self._idle_s = idle_s

    async def send(self, message: dict[str, Any] | list[Any]) -> None:
        await self._ws.send(orjson.dumps(message).decode())

    async def receive(self) -> str | bytes:
        try:
            async with asyncio.timeout(self._idle_s):
                return await self._ws.recv()
        except TimeoutError:
            raise SilentError from None


def clean(text: str, limit: int = REASON_CHARS) -> str:
    """An exchange's text fit for a log line or a user: printable, one line, short."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


async def open_websocket(url: str, options: FeedOptions, title: str) -> ClientConnection:
    """The open websocket, or why not (`LostError`: "Coinbase unreachable"). An HTTP
    answer instead of a websocket (a 403 from a region the exchange does not serve, a 503)
    is retried too: the exchanges here refuse keys in messages, never in the handshake."""
    try:
        return await connect(
            url,
            open_timeout=options.open_timeout_s,
            ping_interval=options.idle_s,
            ping_timeout=options.idle_s,
            close_timeout=1.0,
            max_size=MAX_MESSAGE_BYTES,
            compression=None,
            proxy=None,
            logger=WIRE_LOG,
        )
    except websockets.InvalidStatus as refused:
        status = refused.response.status_code
        raise LostError(f"{title} refused the connection (HTTP {status})") from None
    except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI):
        raise LostError(f"{title} unreachable") from None
