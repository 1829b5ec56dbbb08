"""The hub: who follows which channel, and fan-out of every published message to them.

`publish` (conflated) and `publish_lossless` append the message to the channel log (assigning
its seq) and hand it to the writer of every subscribed connection; neither ever awaits.
Subscribe, modify and unsubscribe run synchronously too, so an ack's snapshot and the first
update that follows it can never overlap or leave a gap: later updates carry a greater seq.

Access is checked on every subscribe and modify, not only at connect: each connection holds an
`Access` (its user and what it may read), which a token refresh can replace.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from realtime_server.hub.catalog import ChannelCatalog
from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.encoding import encode_update
from realtime_server.hub.recovery import Snapshots, build_snapshot
from realtime_server.hub.writer import ClientWriter, Pending, Send, WriterStats
from realtime_server.protocol import (
    DEFAULT_THROTTLE_MS,
    Channel,
    ErrorCode,
    ListSubscriptionsRequest,
    ModifyRequest,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
)


class Access(Protocol):
    """What one connection may read."""

    user: str | None

    def allows(self, channel: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class HubLimits:
    min_throttle_ms: int = 20
    max_throttle_ms: int = 5_000
    max_subscriptions: int = 500
    max_queue: int = 1_000
    max_pending_bytes: int = 1024 * 1024
    max_batch_wait_s: float = 3.0


@dataclass(slots=True)
class Connection:
    writer: ClientWriter
    access: Access
    channels: dict[str, Channel] = field(default_factory=dict)
    throttle_ms: int = DEFAULT_THROTTLE_MS


class Hub:
    """Subscriptions of every connection and the fan-out of channel messages."""

    def __init__(
        self,
        catalog: ChannelCatalog,
        log: ChannelLog,
        snapshots: Snapshots,
        limits: HubLimits | None = None,
    ) -> None:
        self.catalog = catalog
        self.log = log
        self.snapshots = snapshots
        self.limits = limits or HubLimits()
        self.connections: dict[str, Connection] = {}
        self.retired = WriterStats()
        """Counts of the writers of closed connections."""
        self._subscribers: dict[str, dict[str, ClientWriter]] = {}

    @property
    def subscription_count(self) -> int:
        return sum(len(conn.channels) for conn in self.connections.values())

    def writer_stats(self) -> WriterStats:
        """Counts over every writer ever opened (queue depth: the open ones)."""
        total = WriterStats(
            self.retired.batches, self.retired.updates, self.retired.conflation_drops
        )
        for conn in self.connections.values():
            total.add(conn.writer.stats())
        return total

    def is_connected(self, sid: str) -> bool:
        return sid in self.connections

    def connect(
        self,
        sid: str,
        send: Send,
        access: Access,
        on_overflow: Callable[[], None] | None = None,
        on_flush: Callable[[list[Pending]], None] | None = None,
    ) -> ClientWriter:
        throttle_ms = self._clamp_throttle(DEFAULT_THROTTLE_MS)
        limits = self.limits
        writer = ClientWriter(
            sid,
            send,
            throttle_ms / 1000,
            limits.max_queue,
            on_overflow,
            on_flush,
            max_pending_bytes=limits.max_pending_bytes,
            max_wait=limits.max_batch_wait_s,
        )
        self.connections[sid] = Connection(writer, access, throttle_ms=throttle_ms)
        return writer

    def disconnect(self, sid: str) -> None:
        conn = self.connections.pop(sid, None)
        if conn is None:
            return
        conn.writer.close()
        self.retired.add(conn.writer.stats())
        for name in conn.channels:
            self._drop_subscriber(name, sid)

    def set_access(self, sid: str, access: Access) -> list[str]:
        """Replace a connection's access; drops (and returns) channels it no longer allows."""
        conn = self.connections[sid]
        conn.access = access
        lost = [name for name in conn.channels if not access.allows(name)]
        self._remove(sid, conn, lost)
        return lost

    def subscribe(self, sid: str, request: SubscribeRequest) -> dict[str, Any]:
        conn = self.connections[sid]
        wanted = self._admit(conn, request.channels)
        self._set_throttle(conn, request.throttle_ms)
        self._add(sid, conn, wanted)
        snapshot = build_snapshot(self.log, self.snapshots, wanted.values(), request.since)
        return {
            "ok": True,
            "id": request.id,
            "channels": list(wanted),
            "throttle_ms": conn.throttle_ms,
            **snapshot,
        }

    def modify(self, sid: str, request: ModifyRequest) -> dict[str, Any]:
        conn = self.connections[sid]
        removing = [name for name in request.remove if name in conn.channels]
        wanted = self._admit(conn, request.add, leaving=len(removing))
        if request.throttle_ms is not None:
            self._set_throttle(conn, request.throttle_ms)
        self._remove(sid, conn, removing)
        added = [name for name in wanted if name not in conn.channels]
        self._add(sid, conn, wanted)
        snapshot = build_snapshot(self.log, self.snapshots, wanted.values(), {})
        return {
            "ok": True,
            "id": request.id,
            "added": added,
            "removed": removing,
            "throttle_ms": conn.throttle_ms,
            "snapshot": snapshot["snapshot"],
            "positions": snapshot["positions"],
        }

    def unsubscribe(self, sid: str, request: UnsubscribeRequest) -> dict[str, Any]:
        conn = self.connections[sid]
        names: list[str] = []
        for name in request.channels:
            if "*" in name:
                names.extend(ch.name for ch in self.catalog.resolve(name))
            else:
                names.append(name)
        removed = [name for name in dict.fromkeys(names) if name in conn.channels]
        self._remove(sid, conn, removed)
        return {"ok": True, "id": request.id, "channels": removed}

    def subscriptions(self, sid: str, request: ListSubscriptionsRequest) -> dict[str, Any]:
        conn = self.connections[sid]
        return {
            "ok": True,
            "id": request.id,
            "channels": list(conn.channels),
            "throttle_ms": conn.throttle_ms,
        }

    def publish(self, channel: str, data: Any, key: Hashable | None = None) -> int:
        """Record a conflated channel's new value and offer it to every subscriber."""
        seq = self.log.append(channel, data)
        subscribers = self._subscribers.get(channel)
        if subscribers:
            encoded = encode_update(channel, seq, data)
            for writer in subscribers.values():
                writer.offer(channel, seq, data, key, encoded)
        return seq

    def publish_lossless(self, channel: str, data: Any) -> int:
        """Record a lossless channel's message in history and queue it for every subscriber."""
        seq = self.log.append(channel, data, keep=True)
        subscribers = self._subscribers.get(channel)
        if subscribers:
            encoded = encode_update(channel, seq, data)
            for writer in list(subscribers.values()):
                writer.enqueue(channel, seq, data, encoded)
        return seq

    def close(self) -> None:
        for sid in list(self.connections):
            self.disconnect(sid)

    def _admit(
        self, conn: Connection, names: Iterable[str], leaving: int = 0
    ) -> dict[str, Channel]:
        """Resolve, authorise and count the channels a request asks for; all or nothing."""
        wanted = self.catalog.resolve_all(names)
        for name in wanted:
            if not conn.access.allows(name):
                raise RequestError(ErrorCode.FORBIDDEN, f"not allowed to read {name[:80]!r}")
        new = sum(1 for name in wanted if name not in conn.channels)
        held = len(conn.channels) - leaving
        if held + new > self.limits.max_subscriptions:
            raise RequestError(
                ErrorCode.TOO_MANY_SUBSCRIPTIONS,
                f"at most {self.limits.max_subscriptions} subscriptions per connection; "
                f"{held} held, {new} more asked",
            )
        return wanted

    def _add(self, sid: str, conn: Connection, channels: dict[str, Channel]) -> None:
        for name, channel in channels.items():
            if name not in conn.channels:
                conn.channels[name] = channel
                self._subscribers.setdefault(name, {})[sid] = conn.writer

    def _remove(self, sid: str, conn: Connection, names: list[str]) -> None:
        for name in names:
            conn.channels.pop(name, None)
            self._drop_subscriber(name, sid)
        if names:
            conn.writer.discard(set(names))

    def _set_throttle(self, conn: Connection, throttle_ms: int) -> None:
        conn.throttle_ms = self._clamp_throttle(throttle_ms)
        conn.writer.throttle = conn.throttle_ms / 1000

    def _drop_subscriber(self, channel: str, sid: str) -> None:
        subscribers = self._subscribers.get(channel)
        if subscribers is not None:
            subscribers.pop(sid, None)
            if not subscribers:
                del self._subscribers[channel]

    def _clamp_throttle(self, throttle_ms: int) -> int:
        return min(max(throttle_ms, self.limits.min_throttle_ms), self.limits.max_throttle_ms)
