"""One connection's outbound side: conflation buffer, lossless queue and paced flushing.

Conflated updates offered to a writer replace any pending update with the same key (latest
value wins; the key is the channel, or the channel and bar start for bars). Lossless updates
(news, alerts) are queued in order and never replaced. The writer flushes everything pending
as one batch, at most once per `throttle` seconds and never while the previous batch is still
being sent (`send` returns once the batch has been taken for writing to the socket): a slow
connection simply receives fewer, fresher batches.

What waits is bounded, so server memory is, and a connection that cannot keep up is told so
within seconds: it is a slow consumer when more than `max_queue` lossless messages wait, when
the updates waiting (conflated ones included: every new bar start is a key of its own, so a
stalled connection's bars grow by one per symbol and second) pass `max_pending_bytes`
encoded, or when a batch has not been taken within `max_wait` seconds of its flush. Then the
writer stops accepting updates and asks, once, for the connection to be closed
(`on_overflow`). Offering never awaits, so publishing never waits on a client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from realtime_server.clock import now_ms
from realtime_server.hub.encoding import encode_batch, encode_update

log = logging.getLogger(__name__)

Send = Callable[[bytes], Awaitable[None]]
"""Delivers one batch, already encoded as JSON (`encoding.encode_batch`), to the connection."""

Pending = tuple[str, int, Any, bytes]
"""(channel, seq, data, the update encoded) of an update waiting for the next flush."""


@dataclass(slots=True)
class WriterStats:
    """Counts of one writer, or sums over several."""

    batches: int = 0
    updates: int = 0
    conflation_drops: int = 0
    queue_depth: int = 0

    def add(self, other: WriterStats) -> None:
        self.batches += other.batches
        self.updates += other.updates
        self.conflation_drops += other.conflation_drops
        self.queue_depth += other.queue_depth


class ClientWriter:
    """Conflates, queues and paces the updates owed to one connection."""

    __slots__ = (
        "_closed",
        "_conflated",
        "_handle",
        "_last_flush",
        "_loop",
        "_lossless",
        "_on_flush",
        "_on_overflow",
        "_send",
        "_sending",
        "_task",
        "batches_sent",
        "conflated_drops",
        "max_pending_bytes",
        "max_queue",
        "max_wait",
        "overflowed",
        "pending_bytes",
        "sid",
        "throttle",
        "updates_sent",
    )

    def __init__(
        self,
        sid: str,
        send: Send,
        throttle: float,
        max_queue: int = 1000,
        on_overflow: Callable[[], None] | None = None,
        on_flush: Callable[[list[Pending]], None] | None = None,
        *,
        max_pending_bytes: int = 1024 * 1024,
        max_wait: float = 3.0,
    ) -> None:
        self.sid = sid
        self.throttle = throttle
        self.max_queue = max_queue
        self.max_pending_bytes = max_pending_bytes
        self.max_wait = max_wait
        self.pending_bytes = 0
        """Encoded size of the updates waiting for the next flush."""
        self.conflated_drops = 0
        """Updates replaced before they were sent."""
        self.batches_sent = 0
        self.updates_sent = 0
        self.overflowed = False
        self._send = send
        self._on_overflow = on_overflow
        self._on_flush = on_flush
        self._loop = asyncio.get_running_loop()
        self._conflated: dict[Hashable, Pending] = {}
        self._lossless: list[Pending] = []
        self._handle: asyncio.TimerHandle | None = None
        self._sending = False
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._last_flush = float("-inf")

    @property
    def queue_depth(self) -> int:
        """Updates waiting for the next flush."""
        return len(self._conflated) + len(self._lossless)

    def stats(self) -> WriterStats:
        return WriterStats(
            self.batches_sent, self.updates_sent, self.conflated_drops, self.queue_depth
        )

    def offer(
        self,
        channel: str,
        seq: int,
        data: Any,
        key: Hashable | None = None,
        encoded: bytes | None = None,
    ) -> None:
        """Queue a conflated update, replacing an unsent one with the same key.

        `encoded` is the update as `encode_update` makes it (the hub encodes once for every
        subscriber); it is encoded here when not given.
        """
        if self._closed:
            return
        slot = channel if key is None else (channel, key)
        wire = encoded if encoded is not None else encode_update(channel, seq, data)
        replaced = self._conflated.get(slot)
        if replaced is not None:
            self.conflated_drops += 1
            self.pending_bytes -= len(replaced[3])
        self._conflated[slot] = (channel, seq, data, wire)
        self._add_bytes(len(wire))

    def enqueue(self, channel: str, seq: int, data: Any, encoded: bytes | None = None) -> None:
        """Queue a lossless update behind every earlier one (`encoded`: as for `offer`)."""
        if self._closed:
            return
        if len(self._lossless) >= self.max_queue:
            self._overflow(f"more than {self.max_queue} lossless messages waiting")
            return
        wire = encoded if encoded is not None else encode_update(channel, seq, data)
        self._lossless.append((channel, seq, data, wire))
        self._add_bytes(len(wire))

    def discard(self, channels: set[str]) -> None:
        """Drop pending updates of channels the connection no longer follows."""
        self._conflated = {k: v for k, v in self._conflated.items() if v[0] not in channels}
        self._lossless = [item for item in self._lossless if item[0] not in channels]
        self.pending_bytes = sum(len(item[3]) for item in self._lossless) + sum(
            len(item[3]) for item in self._conflated.values()
        )

    def close(self) -> None:
        """Stop: drop what is pending, and stop waiting on a batch still being delivered."""
        self._closed = True
        self._conflated.clear()
        self._lossless.clear()
        self.pending_bytes = 0
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._task is not None:
            self._task.cancel()

    def _add_bytes(self, size: int) -> None:
        self.pending_bytes += size
        if self.pending_bytes > self.max_pending_bytes:
            self._overflow(f"more than {self.max_pending_bytes} bytes of updates waiting")
        else:
            self._schedule()

    def _overflow(self, reason: str) -> None:
        if not self.overflowed:
            self.overflowed = True
            log.warning("slow consumer", extra={"sid": self.sid, "reason": reason})
            if self._on_overflow is not None:
                self._on_overflow()
        self.close()

    def _schedule(self) -> None:
        if self._handle is not None or self._sending:
            return
        loop = self._loop
        due = max(self._last_flush + self.throttle, loop.time())
        self._handle = loop.call_at(due, self._flush)

    def _flush(self) -> None:
        self._handle = None
        if self._closed or not (self._conflated or self._lossless):
            return
        items = self._lossless + list(self._conflated.values())
        self._lossless = []
        self._conflated = {}
        self.pending_bytes = 0
        self._last_flush = self._loop.time()
        self._sending = True
        self.batches_sent += 1
        self.updates_sent += len(items)
        if self._on_flush is not None:
            self._on_flush(items)
        batch = encode_batch(now_ms(), [item[3] for item in items])
        self._task = self._loop.create_task(self._deliver(batch))

    async def _deliver(self, batch: bytes) -> None:
        try:
            async with asyncio.timeout(self.max_wait):
                await self._send(batch)
        except TimeoutError:
            self._task = None  # not cancelled by the close below: it is this task
            self._overflow(f"a batch not taken within {self.max_wait:g}s")
        except asyncio.CancelledError:
            return  # closed while the connection was not draining
        except Exception:
            log.exception("batch delivery failed", extra={"sid": self.sid})
        finally:
            self._sending = False
            self._task = None
            if self._conflated or self._lossless:
                self._schedule()
