"""The Socket.IO transport: the only module that imports socketio.

It holds no market logic: it turns Socket.IO connects, disconnects and events on the `/feed`
namespace into hub calls, turns the hub's replies into acknowledgements, and delivers each
connection's batches as one `batch` event per flush. Every request, however malformed, is
answered with an ack; nothing a client sends can raise out of here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import socketio

from realtime_server.clock import now_ms
from realtime_server.config import Settings
from realtime_server.hub.hub import Hub
from realtime_server.protocol import (
    EVENT_BATCH,
    EVENT_PING,
    EVENT_SUBSCRIBE,
    EVENT_UNSUBSCRIBE,
    NAMESPACE,
    ErrorCode,
    PingRequest,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
    error_ack,
    parse_request,
    request_id_of,
)

log = logging.getLogger(__name__)

Handler = Callable[[str, Any], dict[str, Any]]


def create_socket_server(settings: Settings, hub: Hub) -> socketio.AsyncServer:
    """A Socket.IO server whose `/feed` namespace is served by `hub`."""
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=settings.cors_allowed_origins,
        max_http_buffer_size=settings.max_message_bytes,
        logger=False,
        engineio_logger=False,
    )
    sio.register_namespace(FeedNamespace(hub))
    return sio


class FeedNamespace(socketio.AsyncNamespace):
    """Dispatch of the `/feed` namespace: lifecycle to the hub, requests to handlers."""

    def __init__(self, hub: Hub) -> None:
        super().__init__(NAMESPACE)
        self.hub = hub
        self._handlers: dict[str, Handler] = {
            EVENT_SUBSCRIBE: self._subscribe,
            EVENT_UNSUBSCRIBE: self._unsubscribe,
            EVENT_PING: self._ping,
        }

    async def trigger_event(self, event: str, *args: Any) -> Any:
        sid = args[0]
        if event == "connect":
            if self.hub.is_connected(sid):  # a client-sent event that borrows the name
                return _reserved(args)
            self._connect(sid, args[1] if len(args) > 1 else {})
            return None
        if event == "disconnect":
            # During a real disconnect Socket.IO already counts the sid as gone.
            if self.server.manager.is_connected(sid, self.namespace):
                return _reserved(args)
            self.hub.disconnect(sid)
            log.info("client disconnected", extra={"sid": sid, "reason": str(args[1:2])})
            return None
        payloads = args[1:]
        handler = self._handlers.get(event)
        if handler is None:
            return error_ack(
                _first_id(payloads), ErrorCode.UNKNOWN_EVENT, f"unknown event: {str(event)[:64]!r}"
            )
        if len(payloads) != 1:
            return error_ack(
                _first_id(payloads),
                ErrorCode.BAD_REQUEST,
                f"{event} takes exactly one payload argument, got {len(payloads)}",
            )
        payload = payloads[0]
        try:
            return handler(sid, payload)
        except RequestError as exc:
            return exc.ack(request_id_of(payload))
        except Exception:
            log.exception("request handler failed", extra={"sid": sid, "event": event})
            return error_ack(request_id_of(payload), ErrorCode.INTERNAL, "internal error")

    def _connect(self, sid: str, environ: dict[str, Any]) -> None:
        async def send(batch: dict[str, Any]) -> None:
            await self.emit(EVENT_BATCH, batch, to=sid)

        self.hub.connect(sid, send)
        log.info("client connected", extra={"sid": sid, "peer": _peer(environ)})

    def _subscribe(self, sid: str, payload: Any) -> dict[str, Any]:
        return self.hub.subscribe(sid, parse_request(SubscribeRequest, payload))

    def _unsubscribe(self, sid: str, payload: Any) -> dict[str, Any]:
        return self.hub.unsubscribe(sid, parse_request(UnsubscribeRequest, payload))

    def _ping(self, sid: str, payload: Any) -> dict[str, Any]:
        request = parse_request(PingRequest, payload)
        return {
            "ok": True,
            "id": request.id,
            "client_ts": request.client_ts,
            "server_ts": now_ms(),
        }


def _first_id(payloads: tuple[Any, ...]) -> str | None:
    return request_id_of(payloads[0]) if payloads else None


def _reserved(args: tuple[Any, ...]) -> dict[str, Any]:
    return error_ack(_first_id(args[1:]), ErrorCode.UNKNOWN_EVENT, "reserved event name")


def _peer(environ: dict[str, Any]) -> str:
    scope = environ.get("asgi.scope") or {}
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "unknown"
