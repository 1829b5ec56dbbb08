"""Engine.IO under the feed: byte-counted send queues, sessions that end at once, and requests
Engine.IO can handle (the rest refused with a code).

`FeedEngineServer` is python-engineio's `AsyncServer` with these changes, each at a place the
library leaves open:

- An address in `penalties` (one of its connections was closed for abuse) is refused at the
  door: HTTP 429 `rate_limited` with `Retry-After`, before any session exists, which costs
  the server least.
- `create_queue` (the library's hook for a session's send queue) makes an `OutboundQueue`,
  which counts the bytes waiting in it: the Socket.IO layer cuts a connection whose client
  lets them pile up (`server.FeedSocketServer`). The library's queue is unbounded.
- `end_session` closes a session without waiting for its queue to drain (the library's
  `disconnect` waits, forever when the client does not read) and ends its websocket writer,
  so the websocket closes now instead of at the next ping timeout.
- HTTP long-polling requests pass `polling.check_post` first, and a request Engine.IO still
  fails on before answering gets a 400 instead of a 500 (`polling` names the library's faults).
- A websocket text frame that is not an Engine.IO packet (empty, or not starting with a packet
  type 0-6: base64 binary `b…` included) raised out of Engine.IO's read loop and killed the
  connection with a traceback; it now closes the websocket with 1002 (protocol error).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import engineio

from realtime_server.protocol import ErrorCode
from realtime_server.security.limits import PenaltyBox
from realtime_server.transport.polling import (
    Receive,
    Refusal,
    ResponseWatch,
    Scope,
    Send,
    check_post,
    query,
    refuse,
)

log = logging.getLogger(__name__)

ENGINEIO_PACKET_TYPES = frozenset("0123456")
NOT_ENGINEIO = 1002
"""The websocket close code for a frame that is not an Engine.IO packet (protocol error)."""


class OutboundQueue(asyncio.Queue[Any]):
    """A session's send queue that knows how many bytes of packets wait in it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting_bytes = 0

    def _put(self, item: Any) -> None:
        self.waiting_bytes += _size(item)
        super()._put(item)

    def _get(self) -> Any:
        item = super()._get()
        self.waiting_bytes -= _size(item)
        return item


class FeedEngineServer(engineio.AsyncServer):  # type: ignore[misc]  # python-engineio is untyped
    """python-engineio's server with the changes of the module docstring."""

    def __init__(self, *, penalties: PenaltyBox | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.penalties = penalties or PenaltyBox()
        """Addresses refused at the door (HTTP 429, before any session) for a while."""

    def create_queue(self, *args: Any, **kwargs: Any) -> OutboundQueue:
        return OutboundQueue()

    def waiting_bytes(self, sid: str) -> int:
        """Bytes queued for session `sid` that its writer has not taken yet."""
        socket = self.sockets.get(sid)
        return socket.queue.waiting_bytes if socket is not None else 0

    async def end_session(self, sid: str) -> None:
        """Close session `sid` now: its CLOSE packet is queued, its writer ends after it."""
        socket = self.sockets.pop(sid, None)
        if socket is None:
            return
        if not socket.closed:
            await socket.close(wait=False, reason=self.reason.SERVER_DISCONNECT)
        socket.queue.put_nowait(None)  # the writer's "connection closed" sentinel

    async def handle_request(self, scope: Scope, receive: Receive, send: Send) -> Any:
        client = scope.get("client")
        penalty = self.penalties.remaining(str(client[0])) if client else 0.0
        if penalty > 0:
            message = f"this address was disconnected for abuse; retry in {penalty:.0f}s"
            await refuse(send, Refusal(429, message, ErrorCode.RATE_LIMITED, penalty), scope)
            return None
        if scope["type"] == "websocket":
            return await super().handle_request(scope, _engineio_frames(receive, send), send)
        if scope["type"] != "http":
            return await super().handle_request(scope, receive, send)
        if scope.get("method") == "POST":
            checked = await check_post(scope, receive, self.max_http_buffer_size)
            if checked is None:
                return None
            if isinstance(checked, Refusal):
                await refuse(send, checked)
                return None
            receive = checked
            sid = _sid(scope)
            if sid in self.sockets and self.sockets[sid].closed:
                await refuse(send, Refusal(400, "the session is closed"))
                return None
        watch = ResponseWatch(send)
        try:
            return await super().handle_request(scope, receive, watch)
        except Exception as exc:
            if watch.started:
                raise
            log.warning("engine.io request failed", extra={"error": type(exc).__name__})
            await refuse(send, Refusal(400, "malformed Engine.IO request"))
            return None


def _engineio_frames(receive: Receive, send: Send) -> Receive:
    """A websocket `receive` that closes the connection on a frame Engine.IO cannot read."""

    async def checked() -> Any:
        message = await receive()
        if message["type"] == "websocket.receive":
            text = message.get("text")
            if text is not None and (not text or text[0] not in ENGINEIO_PACKET_TYPES):
                reason = "not an Engine.IO packet"
                await send({"type": "websocket.close", "code": NOT_ENGINEIO, "reason": reason})
                return {"type": "websocket.disconnect", "code": NOT_ENGINEIO}
        return message

    return checked


def _sid(scope: Scope) -> str | None:
    values = query(scope).get("sid")
    return values[0] if values else None


def _size(item: Any) -> int:
    data = getattr(item, "data", None)
    return len(data) if isinstance(data, str | bytes) else 0
