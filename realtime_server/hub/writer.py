"""One connection's outbound side: conflation buffer and paced flushing.

Updates offered to a writer replace any pending update of the same channel (latest value
wins). The writer flushes everything pending as one batch, at most once per `throttle`
seconds and never while the previous batch is still being sent: a slow connection simply
receives fewer, fresher batches. Offering never awaits, so publishing never waits on a client.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]
"""Delivers one batch payload to the connection."""


class ClientWriter:
    """Conflates and paces the updates owed to one connection."""

    __slots__ = (
        "_closed",
        "_handle",
        "_last_flush",
        "_loop",
        "_pending",
        "_send",
        "_sending",
        "_task",
        "conflated",
        "flushes",
        "sid",
        "throttle",
    )

    def __init__(self, sid: str, send: Send, throttle: float) -> None:
        self.sid = sid
        self.throttle = throttle
        self.conflated = 0
        """Updates replaced before they were sent (dropped by conflation)."""
        self.flushes = 0
        self._send = send
        self._loop = asyncio.get_running_loop()
        self._pending: dict[str, tuple[int, Any]] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._sending = False
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._last_flush = float("-inf")

    def offer(self, channel: str, seq: int, data: Any) -> None:
        """Queue a channel's new value for the next flush, replacing an unsent older one."""
        if self._closed:
            return
        if channel in self._pending:
            self.conflated += 1
        self._pending[channel] = (seq, data)
        self._schedule()

    def discard(self, channels: set[str]) -> None:
        """Drop pending updates of channels the connection no longer follows."""
        for channel in channels:
            self._pending.pop(channel, None)

    def close(self) -> None:
        self._closed = True
        self._pending.clear()
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        if self._handle is not None or self._sending or not self._pending:
            return
        delay = self._last_flush + self.throttle - self._loop.time()
        self._handle = self._loop.call_at(self._loop.time() + max(delay, 0.0), self._flush)

    def _flush(self) -> None:
        self._handle = None
        if self._closed or not self._pending:
            return
        pending, self._pending = self._pending, {}
        self._last_flush = self._loop.time()
        self._sending = True
        self.flushes += 1
        batch = {
            "server_ts": int(time.time() * 1000),
            "updates": [
                {"channel": channel, "seq": seq, "data": data}
                for channel, (seq, data) in pending.items()
            ],
        }
        self._task = self._loop.create_task(self._deliver(batch))

    async def _deliver(self, batch: dict[str, Any]) -> None:
        try:
            await self._send(batch)
        except Exception:
            log.exception("batch delivery failed", extra={"sid": self.sid})
        finally:
            self._sending = False
            self._task = None
            self._schedule()
