"""The `/feed` namespace: connections, requests, batches and the server's goodbyes.

It turns Socket.IO connects, disconnects and events on `/feed` into guard, hub and handler
calls, delivers each connection's batches as one `batch` event per flush, and closes
connections the server decides to close (slow consumer, expired token, abuse, shutdown) with a
`goodbye` event first, then their Engine.IO session, so that the socket closes too. Every
request, however malformed, is answered with an ack (those the server cannot even read are
answered by `server.FeedSocketServer`, through `refuse`); nothing a client sends can raise out
of here.

Every request, readable or not, is charged to the connection's `RequestBudget`: past its rate
it is refused (`rate_limited`), and a client that keeps sending while refused is closed with
goodbye `policy` (`reconnect: false`); its address is then refused at the door (HTTP 429
`rate_limited`, `engine.FeedEngineServer`) for `FEED_POLICY_PENALTY_S`, unless it is one of
the app's addresses.

Batches skip python-socketio's `emit`: it would scan the payload for binary data twice, encode
it again, and make an asyncio task per emit. A batch arrives here already encoded (each update
once, for all its subscribers: `hub.encoding`), so it is framed as a Socket.IO v5 EVENT packet
(`2/feed,["batch",{...}]`) and queued straight on the connection's Engine.IO session.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

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
from realtime_server.security.limits import Admission, RequestBudget

log = logging.getLogger(__name__)

BATCH_PACKET_PREFIX = f'2{NAMESPACE},["{EVENT_BATCH}",'
"""A Socket.IO v5 EVENT packet on our namespace, up to its payload (no ack id)."""
LATENCY_SAMPLE_EVERY = 8
"""`feed_delivery_latency_seconds` observes one flush in this many (over all connections)."""


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
        self._budgets: dict[str, RequestBudget] = {}
        self._sessions: dict[str, str] = {}
        """Engine.IO session of each connection."""
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
        """Tell a connection why it is being closed, then close it (and its session)."""
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

    def charge(self, sid: str, request_id: str | None) -> dict[str, Any] | None:
        """Take one request from the connection's budget; the refusal if it is spent.

        Every request is charged before it is dispatched (`server.FeedSocketServer`), and
        so is every packet that is no request (`refuse`). A client that keeps sending once
        refused is closed with goodbye `policy`.
        """
        peer, budget = self.peers.get(sid), self._budgets.get(sid)
        if peer is None or budget is None:
            return error_ack(request_id, ErrorCode.UNAVAILABLE, "connection closing")
        peer.requests += 1
        admission = budget.take()
        if admission is Admission.ALLOWED:
            return None
        if admission is Admission.FLOODING and not peer.closing:
            self.audit.record(DisconnectCode.POLICY.value, sid=sid, ip=peer.ip, user=peer.user)
            apps = self.guard.app_addresses
            if apps is None or not apps.permits(peer.ip):  # the app speaks for many users
                self.server.penalties.punish(peer.ip, self.settings.policy_penalty_s)
            message = "kept sending past the request rate; do not reconnect automatically"
            self._spawn(self.close(sid, DisconnectCode.POLICY, message))
        elif admission is Admission.LIMITED and budget.refused == 1:  # once per episode
            self.audit.record(AuditEvent.RATE_LIMITED, sid=sid, user=peer.user)
        retry = peer.bucket.retry_after()
        return self._refusal(
            request_id, ErrorCode.RATE_LIMITED, f"too many requests; retry in {retry:.2f}s"
        )

    def refuse(self, sid: str, code: ErrorCode, message: str) -> dict[str, Any]:
        """A packet the server could not take as a request: charged, answered with `code`."""
        return self.charge(sid, None) or self._refusal(None, code, message)

    def backlogged(self, sid: str) -> None:
        """Replies and batches wait unread past `FEED_MAX_PENDING_BYTES`: a slow consumer."""
        self._overflow(sid)

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
        self._budgets[sid] = RequestBudget(peer.bucket, self.settings.flood_burst)
        eio_sid = self._sessions[sid] = self.server.manager.eio_sid_from_sid(sid, self.namespace)

        async def send(batch: bytes) -> None:
            await self.server.send_text(eio_sid, BATCH_PACKET_PREFIX + batch.decode() + "]")
            await self._written(eio_sid)

        self.hub.connect(sid, send, peer, self._on_overflow(sid), self._observe_flush)
        self.schedule_expiry(peer)
        self.metrics.connections.labels(peer.kind).inc()
        log.info("client connected", extra={"sid": sid, "ip": ip, "user": peer.user})

    def _disconnect(self, sid: str, reason: str) -> None:
        peer = self.peers.pop(sid, None)
        self._budgets.pop(sid, None)
        eio_sid = self._sessions.pop(sid, None)
        if eio_sid is not None:  # the session serves nothing else: end it, and its socket
            self._spawn(self.server.end_session(eio_sid))
        if peer is None:
            return
        self.hub.disconnect(sid)
        self.guard.release(peer)
        self.metrics.connections.labels(peer.kind).dec()
        log.info("client disconnected", extra={"sid": sid, "reason": reason})

    async def _request(self, sid: str, event: str, payloads: tuple[Any, ...]) -> dict[str, Any]:
        first = payloads[0] if payloads else None
        request_id = request_id_of(first)
        peer = self.peers.get(sid)
        if peer is None:
            return error_ack(request_id, ErrorCode.UNAVAILABLE, "connection closing")
        if not self.handlers.handles(event):
            return self._refusal(
                request_id, ErrorCode.UNKNOWN_EVENT, f"unknown event: {str(event)[:64]!r}"
            )
        if len(payloads) != 1:
            return self._refusal(
                request_id,
                ErrorCode.BAD_REQUEST,
                f"{event} takes exactly one payload argument, got {len(payloads)}",
            )
        if _encoded_size(first) > self.settings.max_message_bytes:
            return self._refusal(
                request_id,
                ErrorCode.MESSAGE_TOO_LARGE,
                f"requests are limited to {self.settings.max_message_bytes} bytes",
            )
        return await self.handlers.handle(peer, event, first)

    def _refusal(self, request_id: str | None, code: ErrorCode, message: str) -> dict[str, Any]:
        self.metrics.request_errors.labels(code.value).inc()
        return error_ack(request_id, code, message)

    async def _written(self, eio_sid: str) -> None:
        """Wait until Engine.IO's writer has taken every packet queued for `eio_sid`.

        Engine.IO's writer takes packets off the session's queue one socket write at a time.
        Waiting here keeps the writer's `sending` flag up while a connection's socket is not
        draining, so that its conflated updates conflate and its pending bytes count towards
        the slow-consumer bounds, instead of piling up unseen in that queue. The writer
        cancels this wait when it closes, and cuts the connection when it lasts too long.
        """
        socket = self.server.eio.sockets.get(eio_sid)
        if socket is not None:  # None: already gone
            await socket.queue.join()

    def _on_overflow(self, sid: str) -> Callable[[], None]:
        return lambda: self._overflow(sid)

    def _overflow(self, sid: str) -> None:
        peer = self.peers.get(sid)
        if peer is None or peer.closing:
            return
        self.audit.record(AuditEvent.SLOW_CONSUMER, sid=sid)
        self._spawn(self.close(sid, DisconnectCode.SLOW_CONSUMER, "too far behind the feed"))

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
