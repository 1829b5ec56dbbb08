"""The hub: who follows which channel, and fan-out of every published value to them.

`publish` appends the value to the channel log (assigning its seq) and offers it to the
writer of every subscribed connection; it never awaits. Subscribe and unsubscribe run
synchronously too, so a subscribe ack's snapshot and the first update that follows it can
never overlap or leave a gap: updates after the snapshot carry a greater seq.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from realtime_server.hub.catalog import ChannelCatalog
from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.writer import ClientWriter, Send
from realtime_server.protocol import (
    DEFAULT_THROTTLE_MS,
    ErrorCode,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
)


@dataclass(frozen=True, slots=True)
class HubLimits:
    min_throttle_ms: int
    max_throttle_ms: int
    max_subscriptions: int


@dataclass(slots=True)
class _Connection:
    writer: ClientWriter
    channels: set[str] = field(default_factory=set)


class Hub:
    """Subscriptions of every connection and the fan-out of channel values."""

    def __init__(self, catalog: ChannelCatalog, log: ChannelLog, limits: HubLimits) -> None:
        self.catalog = catalog
        self.log = log
        self.limits = limits
        self._connections: dict[str, _Connection] = {}
        self._subscribers: dict[str, dict[str, ClientWriter]] = {}

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    @property
    def subscription_count(self) -> int:
        return sum(len(conn.channels) for conn in self._connections.values())

    def connected_sids(self) -> list[str]:
        return list(self._connections)

    def is_connected(self, sid: str) -> bool:
        return sid in self._connections

    def connect(self, sid: str, send: Send) -> ClientWriter:
        writer = ClientWriter(sid, send, self._clamp_throttle(DEFAULT_THROTTLE_MS) / 1000)
        self._connections[sid] = _Connection(writer)
        return writer

    def disconnect(self, sid: str) -> None:
        conn = self._connections.pop(sid, None)
        if conn is None:
            return
        conn.writer.close()
        for channel in conn.channels:
            self._drop_subscriber(channel, sid)

    def subscribe(self, sid: str, request: SubscribeRequest) -> dict[str, Any]:
        conn = self._connections[sid]
        for channel in request.channels:
            self.catalog.validate(channel)
        new = [ch for ch in request.channels if ch not in conn.channels]
        if len(conn.channels) + len(new) > self.limits.max_subscriptions:
            raise RequestError(
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                f"at most {self.limits.max_subscriptions} subscriptions per connection; "
                f"{len(conn.channels)} held, {len(new)} more asked",
            )
        throttle_ms = self._clamp_throttle(request.throttle_ms)
        conn.writer.throttle = throttle_ms / 1000
        for channel in new:
            conn.channels.add(channel)
            self._subscribers.setdefault(channel, {})[sid] = conn.writer
        snapshot = {}
        for channel in request.channels:
            latest = self.log.latest(channel)
            if latest is not None:
                snapshot[channel] = latest
        return {
            "ok": True,
            "id": request.id,
            "channels": request.channels,
            "throttle_ms": throttle_ms,
            "snapshot": snapshot,
            "positions": {ch: self.log.position(ch) for ch in request.channels},
            "recovered": not request.since,
            "replay": {},
        }

    def unsubscribe(self, sid: str, request: UnsubscribeRequest) -> dict[str, Any]:
        conn = self._connections[sid]
        removed = [ch for ch in request.channels if ch in conn.channels]
        for channel in removed:
            conn.channels.discard(channel)
            self._drop_subscriber(channel, sid)
        conn.writer.discard(set(removed))
        return {"ok": True, "id": request.id, "channels": removed}

    def publish(self, channel: str, data: Any) -> int:
        """Record a channel's new value and offer it to every subscriber; returns its seq."""
        seq = self.log.append(channel, data)
        subscribers = self._subscribers.get(channel)
        if subscribers:
            for writer in subscribers.values():
                writer.offer(channel, seq, data)
        return seq

    def close(self) -> None:
        for sid in list(self._connections):
            self.disconnect(sid)

    def _drop_subscriber(self, channel: str, sid: str) -> None:
        subscribers = self._subscribers.get(channel)
        if subscribers is not None:
            subscribers.pop(sid, None)
            if not subscribers:
                del self._subscribers[channel]

    def _clamp_throttle(self, throttle_ms: int) -> int:
        return min(max(throttle_ms, self.limits.min_throttle_ms), self.limits.max_throttle_ms)
