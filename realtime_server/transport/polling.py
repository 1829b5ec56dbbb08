"""What may reach Engine.IO over HTTP long-polling, and the 4xx for everything else.

python-engineio 4.15 answers some malformed polling requests with HTTP 500 and others with 200:

- a POST to a session that is closing raises `KeyError("Session is disconnected")` out of
  `AsyncServer.handle_request` (its POST branch calls `_get_socket`, which raises for a closed
  session, outside any `try`): HTTP 500;
- a POST whose packets end the session while it is being read (a CLOSE, then an unknown
  packet, with a GET in flight) takes the `except EngineIOError` branch with the session
  already gone and never sets the response (`UnboundLocalError`): HTTP 500;
- a body that is not an Engine.IO payload (not UTF-8, an empty or unknown packet, base64
  binary, more than 16 packets) is caught by a bare `except:`, logged with a traceback, and
  answered 200.

`check_post` reads a POST's body (bounded by the frame limit) and checks it the way the server
will read it, so that Engine.IO only ever sees bodies it handles; `refuse` is the answer to
anything else: a 4xx with `{"ok": false, "error": {code, message}}`.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson

from realtime_server.protocol import ErrorCode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

CLIENT_PACKET_TYPES = frozenset("1345")
"""Engine.IO packets a client posts: CLOSE, PONG, MESSAGE, UPGRADE (the server refuses the rest)."""
MAX_PACKETS = 16
"""Packets in one payload (python-engineio's `Payload.max_decode_packets`)."""
SEPARATOR = "\x1e"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is not handed to Engine.IO, and the HTTP status that says so."""

    status: int
    message: str
    code: ErrorCode = ErrorCode.BAD_REQUEST
    retry_after_s: float | None = None


def query(scope: Scope) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))


async def check_post(scope: Scope, receive: Receive, limit: int) -> Refusal | Receive | None:
    """A refusal; or a `receive` that hands Engine.IO the body read here; or None when the
    client left before its body arrived (nothing to answer)."""
    if "j" in query(scope):
        return Refusal(400, "JSONP polling is not supported")
    length = _content_length(scope)
    if length is None:
        return Refusal(411, "a POST needs a Content-Length")
    if length > limit:
        return Refusal(413, f"payloads are limited to {limit} bytes")
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if len(body) > limit:
            return Refusal(413, f"payloads are limited to {limit} bytes")
        if not message.get("more_body", False):
            break
    problem = payload_problem(bytes(body))
    if problem is not None:
        return Refusal(400, problem)
    return _replay(bytes(body), receive)


def payload_problem(body: bytes) -> str | None:
    """Why `body` is not an Engine.IO v4 payload a client may post, or None."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return "the payload is not UTF-8"
    packets = text.split(SEPARATOR)
    if len(packets) > MAX_PACKETS:
        return f"at most {MAX_PACKETS} packets per payload"
    for packet in packets:
        if not packet or packet[0] not in CLIENT_PACKET_TYPES:
            return "not an Engine.IO packet a client sends (binary is not accepted)"
    return None


async def refuse(send: Send, refusal: Refusal, scope: Scope | None = None) -> None:
    """Answer with `refusal`: an HTTP response, also to a websocket upgrade (which is then
    never accepted: ASGI's websocket HTTP response, or a plain 403 where it is missing)."""
    body = orjson.dumps(
        {"ok": False, "error": {"code": refusal.code.value, "message": refusal.message}}
    )
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if refusal.retry_after_s is not None:
        headers.append((b"retry-after", b"%d" % max(1, round(refusal.retry_after_s))))
    kind = "http"
    if scope is not None and scope["type"] == "websocket":
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1008})
            return
        kind = "websocket.http"
    await send({"type": f"{kind}.response.start", "status": refusal.status, "headers": headers})
    await send({"type": f"{kind}.response.body", "body": body})


class ResponseWatch:
    """An ASGI `send` that remembers whether the response has started."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = True
        await self._send(message)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            text = bytes(value).decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields the body already read, then the client's later messages."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay
