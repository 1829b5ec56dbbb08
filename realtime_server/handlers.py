"""Request handlers: one per client event, each validated, authorised and answered.

`RequestHandlers.handle` is the single entry point for a client request after the transport
has checked the connection's request budget and the message size. Every outcome is a dict
ready to be the Socket.IO acknowledgement: the success ack, or an error ack with a code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from realtime_server.alerts import AlertService
from realtime_server.clock import now_ms
from realtime_server.guard import Guard
from realtime_server.hub.hub import Hub
from realtime_server.metrics import FeedMetrics
from realtime_server.peer import Peer
from realtime_server.protocol import (
    EVENT_ALERT_ACK,
    EVENT_ALERT_CREATE,
    EVENT_ALERT_DELETE,
    EVENT_ALERT_LIST,
    EVENT_CATALOG,
    EVENT_MODIFY,
    EVENT_PING,
    EVENT_REFRESH,
    EVENT_SUBSCRIBE,
    EVENT_SUBSCRIPTIONS,
    EVENT_UNSUBSCRIBE,
    REQUEST_MODELS,
    AlertAckRequest,
    AlertCreateRequest,
    AlertDeleteRequest,
    CatalogRequest,
    ErrorCode,
    ListSubscriptionsRequest,
    ModifyRequest,
    PingRequest,
    RefreshRequest,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
    alerts_channel,
    error_ack,
    parse_request,
    request_id_of,
)

log = logging.getLogger(__name__)

Handler = Callable[[Peer, Any], Awaitable[dict[str, Any]]]


class RequestHandlers:
    """Answers every client request of one feed service."""

    def __init__(
        self,
        hub: Hub,
        guard: Guard,
        alerts: AlertService,
        metrics: FeedMetrics,
        on_refresh: Callable[[Peer], None],
    ) -> None:
        self.hub = hub
        self.guard = guard
        self.alerts = alerts
        self.metrics = metrics
        self.on_refresh = on_refresh
        self._handlers: dict[str, Handler] = {
            EVENT_SUBSCRIBE: self.subscribe,
            EVENT_UNSUBSCRIBE: self.unsubscribe,
            EVENT_MODIFY: self.modify,
            EVENT_SUBSCRIPTIONS: self.subscriptions,
            EVENT_CATALOG: self.catalog,
            EVENT_PING: self.ping,
            EVENT_REFRESH: self.refresh,
            EVENT_ALERT_CREATE: self.alert_create,
            EVENT_ALERT_LIST: self.alert_list,
            EVENT_ALERT_DELETE: self.alert_delete,
            EVENT_ALERT_ACK: self.alert_ack,
        }

    def handles(self, event: str) -> bool:
        return event in self._handlers

    async def handle(self, peer: Peer, event: str, payload: Any) -> dict[str, Any]:
        """Run the handler of `event`; every failure becomes a coded error ack."""
        started = time.perf_counter()
        self.metrics.requests.labels(event).inc()
        try:
            reply = await self._handlers[event](peer, payload)
        except RequestError as exc:
            reply = exc.ack(request_id_of(payload))
        except Exception:
            log.exception("request handler failed", extra={"sid": peer.sid, "event": event})
            reply = error_ack(request_id_of(payload), ErrorCode.INTERNAL, "internal error")
        if reply.get("ok") is False:
            self.metrics.request_errors.labels(reply["error"]["code"]).inc()
        self.metrics.request_seconds.labels(event).observe(time.perf_counter() - started)
        return reply

    async def subscribe(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(SubscribeRequest, payload)
        ack = self.hub.subscribe(peer.sid, request)
        await self._add_pending_alerts(peer, ack["channels"], ack["snapshot"])
        return ack

    async def unsubscribe(self, peer: Peer, payload: Any) -> dict[str, Any]:
        return self.hub.unsubscribe(peer.sid, parse_request(UnsubscribeRequest, payload))

    async def modify(self, peer: Peer, payload: Any) -> dict[str, Any]:
        ack = self.hub.modify(peer.sid, parse_request(ModifyRequest, payload))
        await self._add_pending_alerts(peer, ack["added"], ack["snapshot"])
        return ack

    async def subscriptions(self, peer: Peer, payload: Any) -> dict[str, Any]:
        return self.hub.subscriptions(peer.sid, parse_request(ListSubscriptionsRequest, payload))

    async def catalog(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(CatalogRequest, payload)
        return {"ok": True, "id": request.id, **self.hub.catalog.describe()}

    async def ping(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(PingRequest, payload)
        if request.rtt_ms is not None:
            peer.rtt_ms = request.rtt_ms
            self.metrics.client_rtt.observe(request.rtt_ms / 1000)
        return {"ok": True, "id": request.id, "client_ts": request.client_ts, "server_ts": now_ms()}

    async def refresh(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(RefreshRequest, payload)
        claims = self.guard.refresh(peer, request.token)
        self.hub.set_access(peer.sid, peer)
        self.on_refresh(peer)
        return {"ok": True, "id": request.id, "expires_at": claims.exp * 1000}

    async def alert_create(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(AlertCreateRequest, payload)
        rule = await self.alerts.create(_user(peer), request)
        return {"ok": True, "id": request.id, "rule": rule}

    async def alert_list(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(REQUEST_MODELS[EVENT_ALERT_LIST], payload)
        return {"ok": True, "id": request.id, "rules": await self.alerts.list(_user(peer))}

    async def alert_delete(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(AlertDeleteRequest, payload)
        await self.alerts.delete(_user(peer), request.rule_id)
        return {"ok": True, "id": request.id, "rule_id": request.rule_id}

    async def alert_ack(self, peer: Peer, payload: Any) -> dict[str, Any]:
        request = parse_request(AlertAckRequest, payload)
        acked = await self.alerts.ack(_user(peer), request.alert_ids)
        return {"ok": True, "id": request.id, "acknowledged": acked}

    async def _add_pending_alerts(
        self, peer: Peer, channels: list[str], snapshot: dict[str, Any]
    ) -> None:
        """Fired, unacknowledged alerts are the snapshot of the user's alerts channel."""
        if peer.user is None:
            return
        own = alerts_channel(peer.user)
        if own in channels:
            snapshot[own] = await self.alerts.pending(peer.user)


def _user(peer: Peer) -> str:
    if peer.user is None:
        raise RequestError(ErrorCode.UNAUTHORIZED, "alerts need a signed-in user")
    return peer.user
