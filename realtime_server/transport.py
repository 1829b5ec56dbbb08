"""The Socket.IO transport: the only module that imports socketio.

It turns Socket.IO connects, disconnects and events on `/feed` into guard, hub and handler
calls, delivers each connection's batches as one `batch` event per flush, and closes
connections the server decides to close (slow consumer, expired token, shutdown) with a
`goodbye` event first. Every request, however malformed, is answered with an ack; nothing a
client sends can raise out of here.

Batches skip python-socketio's `emit`: it would scan the payload for binary data twice, encode
it again with the standard library's json, and make an asyncio task per emit. A batch arrives
here already encoded (each update once, for all its subscribers: `hub.encoding`), so it is
framed as a Socket.IO v5 EVENT packet (`2/feed,["batch",{...}]`) and handed straight to the
connection's Engine.IO socket. python-socketio's own packets (acks, goodbye) use orjson.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson
import socketio

from realtime_server.config import Settings
from realtime_server.guard import Guard
from realtime_server.handlers import RequestHandlers
from realtime_server.hub.hub import Hub
from realtime_server.hub.writer import Pending
from realtime_server.metrics import FeedMetrics
from realtime_server.peer import Peer
from realtime_server.protocol import (
    EVENT_BATCH,
    EVENT_GOODBYE,
    NAMESPACE,
    DisconnectCode,
    ErrorCode,
    RequestError,
    error_ack,
    request_id_of,
)
from realtime_server.security import AuditEvent, AuditLog

log = logging.getLogger(__name__)

HARD_FRAME_LIMIT = 1024 * 1024
"""Engine.IO closes a connection that sends a larger frame; smaller oversized requests get a
`message_too_large` error and the connection lives on."""


BATCH_PACKET_PREFIX = f'2{NAMESPACE},["{EVENT_BATCH}",'
"""A Socket.IO v5 EVENT packet on our namespace, up to its payload (no ack id)."""
LATENCY_SAMPLE_EVERY = 8
"""`feed_delivery_latency_seconds` observes one flush in this many (over all connections)."""


class _OrjsonCodec:
    """The `json` python-socketio encodes its packets with: orjson out, the standard in.

    Decoding stays with the standard library, which reads whatever a client may send (orjson
    refuses integers past 64 bits); requests are small, replies (snapshots) are not.
    """

    @staticmethod
    def dumps(obj: Any, **_options: Any) -> str:
        return orjson.dumps(obj).decode()

    loads = staticmethod(json.loads)


def create_socket_server(settings: Settings) -> socketio.AsyncServer:
    """The Socket.IO server. Origins are checked by the guard (with a code), not here."""
    return socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*",
        max_http_buffer_size=max(HARD_FRAME_LIMIT, 2 * settings.max_message_bytes),
        json=_OrjsonCodec,
        logger=False,
        engineio_logger=False,
    )


class FeedNamespace(socketio.AsyncNamespace):  # type: ignore[misc]  # python-socketio is untyped (Any)
    """Dispatch of the `/feed` namespace."""

    def __init__(
        self,
        settings: Settings,
        hub: Hub,
        guard: Guard,
        handlers: RequestHandlers,
        metrics: FeedMetrics,
        audit: AuditLog,
    ) -> None:
        super().__init__(NAMESPACE)
        self.settings = settings
        self.hub = hub
        self.guard = guard
        self.handlers = handlers
        self.metrics = metrics
        self.audit = audit
        self.peers: dict[str, Peer] = {}
        self.accepting = True
        self._tasks: set[asyncio.Task[None]] = set()
        self._flushes = 0

    async def trigger_event(self, event: str, *args: Any) -> Any:
        sid = args[0]
        if event == "connect":
            if sid in self.peers:  # a client-sent event that borrows the name
                return _reserved(args)
            environ = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
            self._connect(sid, environ, args[2] if len(args) > 2 else None)
            return None
        if event == "disconnect":
            # During a real disconnect Socket.IO already counts the sid as gone.
            if self.server.manager.is_connected(sid, self.namespace):
                return _reserved(args)
            self._disconnect(sid, str(args[1]) if len(args) > 1 else "")
            return None
        return await self._request(sid, event, args[1:])

    async def close_all(self, code: DisconnectCode, message: str) -> None:
        """Say goodbye to every connection and close it (shutdown)."""
        self.accepting = False
        await asyncio.gather(
            *(self.close(sid, code, message) for sid in list(self.peers)),
            return_exceptions=True,
        )

    async def close(self, sid: str, code: DisconnectCode, message: str) -> None:
        """Tell a connection why it is being closed, then close it."""
        peer = self.peers.get(sid)
        if peer is None or peer.closing:
            return
        peer.closing = True
        self.metrics.disconnects.labels(code.value).inc()
        reconnect = code is not DisconnectCode.POLICY
        goodbye = {"code": code.value, "message": message, "reconnect": reconnect}
        try:
            await self.emit(EVENT_GOODBYE, goodbye, to=sid)
        finally:
            await self.disconnect(sid)

    def schedule_expiry(self, peer: Peer) -> None:
        """Close the connection when its token expires, unless a refresh comes first."""
        peer.cancel_expiry()
        if peer.expires_at is None:
            return
        loop = asyncio.get_running_loop()
        # The guard admits tokens up to the leeway past `exp`; expire them on the same terms.
        deadline = peer.expires_at + self.settings.jwt_leeway_s
        delay = max(0.0, deadline - time.time())
        peer.expiry = loop.call_at(loop.time() + delay, self._expire, peer.sid)

    def _connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        ip = _peer_ip(environ)
        if not self.accepting:
            self.metrics.refusals.labels(ErrorCode.UNAVAILABLE.value).inc()
            raise _refused(RequestError(ErrorCode.UNAVAILABLE, "the server is shutting down"))
        try:
            peer = self.guard.admit(sid, ip, environ.get("HTTP_ORIGIN"), auth)
        except RequestError as exc:
            raise _refused(exc) from None
        self.peers[sid] = peer

        eio_sid = self.server.manager.eio_sid_from_sid(sid, self.namespace)

        async def send(batch: bytes) -> None:
            await self.server.eio.send(eio_sid, BATCH_PACKET_PREFIX + batch.decode() + "]")
            await self._written(eio_sid)

        self.hub.connect(sid, send, peer, self._on_overflow(sid), self._observe_flush)
        self.schedule_expiry(peer)
        self.metrics.connections.labels(peer.kind).inc()
        log.info("client connected", extra={"sid": sid, "ip": ip, "user": peer.user})

    def _disconnect(self, sid: str, reason: str) -> None:
        peer = self.peers.pop(sid, None)
        if peer is None:
            return
        self.hub.disconnect(sid)
        self.guard.release(peer)
        self.metrics.connections.labels(peer.kind).dec()
        log.info("client disconnected", extra={"sid": sid, "reason": reason})

    async def _request(self, sid: str, event: str, payloads: tuple[Any, ...]) -> dict[str, Any]:
        first = payloads[0] if payloads else None
        peer = self.peers.get(sid)
        if peer is None:
            return error_ack(request_id_of(first), ErrorCode.UNAVAILABLE, "connection closing")
        peer.requests += 1
        if not peer.bucket.try_take():
            self.audit.record(AuditEvent.RATE_LIMITED, sid=sid, user=peer.user)
            self.metrics.request_errors.labels(ErrorCode.RATE_LIMITED.value).inc()
            retry = peer.bucket.retry_after()
            return error_ack(
                request_id_of(first),
                ErrorCode.RATE_LIMITED,
                f"too many requests; retry in {retry:.2f}s",
            )
        if not self.handlers.handles(event):
            self.metrics.request_errors.labels(ErrorCode.UNKNOWN_EVENT.value).inc()
            return error_ack(
                request_id_of(first), ErrorCode.UNKNOWN_EVENT, f"unknown event: {str(event)[:64]!r}"
            )
        if len(payloads) != 1:
            return error_ack(
                request_id_of(first),
                ErrorCode.BAD_REQUEST,
                f"{event} takes exactly one payload argument, got {len(payloads)}",
            )
        if _encoded_size(first) > self.settings.max_message_bytes:
            self.metrics.request_errors.labels(ErrorCode.MESSAGE_TOO_LARGE.value).inc()
            return error_ack(
                request_id_of(first),
                ErrorCode.MESSAGE_TOO_LARGE,
                f"requests are limited to {self.settings.max_message_bytes} bytes",
            )
        return await self.handlers.handle(peer, event, first)

    async def _written(self, eio_sid: str) -> None:
        """Wait until Engine.IO's writer has taken every packet queued for `eio_sid`.

        `emit` only appends to Engine.IO's per-socket queue, which is unbounded; its writer
        takes packets off it one socket write at a time. Waiting here keeps the writer's
        `sending` flag up while a connection's socket is not draining, so that its conflated
        updates conflate and its lossless ones count towards the slow-consumer bound, instead
        of piling up unseen in that queue. The writer cancels this wait when it closes.
        """
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is not None:  # None: already gone
            await socket.queue.join()

    def _on_overflow(self, sid: str) -> Callable[[], None]:
        def overflow() -> None:
            self.audit.record(AuditEvent.SLOW_CONSUMER, sid=sid)
            self._spawn(self.close(sid, DisconnectCode.SLOW_CONSUMER, "too far behind the feed"))

        return overflow

    def _expire(self, sid: str) -> None:
        peer = self.peers.get(sid)
        if peer is None or peer.expires_at is None:
            return
        if peer.expires_at + self.settings.jwt_leeway_s > time.time():  # refreshed meanwhile
            self.schedule_expiry(peer)
            return
        self._spawn(self.close(sid, DisconnectCode.TOKEN_EXPIRED, "token expired; reconnect"))

    def _observe_flush(self, items: list[Pending]) -> None:
        """Delivery latency of one flush in `LATENCY_SAMPLE_EVERY` (scanning each flush's
        updates was a tenth of the server's CPU at 800 clients; a sample shows the same
        distribution)."""
        self._flushes += 1
        if self._flushes % LATENCY_SAMPLE_EVERY:
            return
        newest = 0
        for channel, _, data, _ in items:
            if channel.startswith("price:"):
                newest = max(newest, data["ts"])
        if newest:
            self.metrics.delivery_latency.observe(max(0.0, time.time() - newest / 1000))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _encoded_size(payload: Any) -> int:
    """The payload's size as UTF-8 JSON, as a client sends it."""
    try:
        return len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    except (TypeError, ValueError):
        return 0


def _reserved(args: tuple[Any, ...]) -> dict[str, Any]:
    first = args[1] if len(args) > 1 else None
    return error_ack(request_id_of(first), ErrorCode.UNKNOWN_EVENT, "reserved event name")


def _refused(exc: RequestError) -> socketio.exceptions.ConnectionRefusedError:
    return socketio.exceptions.ConnectionRefusedError(exc.message, exc.data())


def _peer_ip(environ: dict[str, Any]) -> str:
    scope = environ.get("asgi.scope") or {}
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
