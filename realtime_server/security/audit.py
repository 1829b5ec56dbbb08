"""The security audit trail: events recorded without blocking, written as JSON lines.

`AuditLog.record(event, **fields)` is synchronous and cheap: it redacts the fields, counts the
event, keeps it in a bounded ring (`recent()`), and — when the log has a file — puts it on a
bounded queue. A writer task (`start()` / `await stop()`) appends queued events to the file
in batches from a worker thread (`asyncio.to_thread`), so the event loop never waits on a
disk. A full queue drops events (oldest first by default) and counts them in `dropped`.

Redaction: a field whose name contains token, secret, password, authorization, cookie or
api_key is replaced by "[redacted]" (at any depth); so is anything in a string value that
looks like a JWT. Long strings are truncated. The file is created with mode 0600.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
SENSITIVE_NAMES = ("token", "secret", "password", "authorization", "cookie", "api_key", "apikey")
MAX_STRING = 512
MAX_DEPTH = 4
_RESERVED = frozenset({"ts", "event"})

_JWT_LIKE = re.compile(
    r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"  # a JSON header: '{"' → eyJ
    r"|[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{12,}"  # any long three-part value
)


class AuditEvent(StrEnum):
    """The events the feed records (any other string is accepted too)."""

    CONNECT = "connect"
    REFUSE = "refuse"
    AUTH_FAILURE = "auth_failure"
    RATE_LIMITED = "rate_limited"
    TOKEN_REFRESH = "token_refresh"
    FORBIDDEN = "forbidden"
    DISCONNECT = "disconnect"
    SLOW_CONSUMER = "slow_consumer"


class AuditLog:
    """Security events: counted, kept in a ring, and (with a `path`) appended to a file."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        max_queue: int = 10_000,
        ring_size: int = 1_000,
        batch_size: int = 1_000,
        drop: Literal["oldest", "newest"] = "oldest",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_queue < 1 or ring_size < 0 or batch_size < 1:
            raise ValueError("max_queue and batch_size must be >= 1, ring_size >= 0")
        self.path = None if path is None else Path(path)
        self.max_queue = max_queue
        self.batch_size = batch_size
        self.drop = drop
        self.counts: Counter[str] = Counter()
        self.dropped = 0
        self.written = 0
        self.write_errors = 0
        self._clock = clock
        self._queue: deque[dict[str, Any]] = deque()
        self._ring: deque[dict[str, Any]] = deque(maxlen=ring_size)
        # Created on the loop that runs the writer (see `start`), not at construction.
        self._wake: asyncio.Event | None = None
        self._write_lock: asyncio.Lock | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def pending(self) -> int:
        """Events queued for the file and not yet written."""
        return len(self._queue)

    def record(self, event: str, **fields: Any) -> None:
        """Record one event. Never blocks, never raises for a field it cannot encode."""
        entry: dict[str, Any] = {"ts": int(self._clock() * 1000), "event": str(event)}
        for name, value in fields.items():
            entry[name if name not in _RESERVED else f"{name}_"] = _clean(name, value, 0)
        self.counts[entry["event"]] += 1
        self._ring.append(entry)
        if self.path is None:
            return
        if len(self._queue) >= self.max_queue:
            self.dropped += 1
            if self.drop == "newest":
                return
            self._queue.popleft()
        self._queue.append(entry)
        if self._wake is not None:
            self._wake.set()

    def recent(self, n: int | None = None) -> list[dict[str, Any]]:
        """The last `n` events recorded (all those the ring holds by default), oldest first."""
        items = list(self._ring)
        if n is None:
            return items
        return items[-n:] if n > 0 else []

    def start(self) -> None:
        """Start the writer task (on the running loop); no-op without a path or if running."""
        if self.path is None or (self._task is not None and not self._task.done()):
            return
        self._stopping = False
        self._wake = asyncio.Event()
        self._write_lock = asyncio.Lock()
        if self._queue:
            self._wake.set()  # events recorded before the start
        self._task = asyncio.get_running_loop().create_task(self._run(), name="audit-writer")

    async def stop(self) -> None:
        """Stop the writer after writing every queued event."""
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None
        await self.flush()

    async def flush(self) -> None:
        """Write every event queued so far."""
        if self._write_lock is None:
            self._write_lock = asyncio.Lock()
        async with self._write_lock:
            while self._queue:
                count = min(self.batch_size, len(self._queue))
                batch = [self._queue.popleft() for _ in range(count)]
                await asyncio.to_thread(self._append, batch)

    async def __aenter__(self) -> AuditLog:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        while not self._stopping:
            await wake.wait()
            wake.clear()
            await self.flush()

    def _append(self, batch: list[dict[str, Any]]) -> None:
        """Runs in a worker thread: encode and append one batch."""
        assert self.path is not None
        data = "".join(
            json.dumps(entry, default=str, ensure_ascii=False, separators=(",", ":")) + "\n"
            for entry in batch
        ).encode("utf-8", "replace")
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        except OSError as exc:
            self.write_errors += 1
            log.warning("audit log write failed; %d events lost: %s", len(batch), exc)
        else:
            self.written += len(batch)


def redact(value: Any, name: str = "") -> Any:
    """`value` as the audit log would store it under the field name `name`."""
    return _clean(name, value, 0)


def _clean(name: str, value: Any, depth: int) -> Any:
    if _sensitive(name):
        return REDACTED
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # JSON has no NaN or Infinity
    if isinstance(value, str):
        return _clean_text(value)
    if depth >= MAX_DEPTH:
        return "[nested]"
    if isinstance(value, dict):
        return {str(k): _clean(str(k), v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean("", v, depth + 1) for v in list(value)[:50]]
    try:
        text = str(value)
    except Exception:  # a field's __str__ must not break the caller
        text = f"<{type(value).__name__}>"
    return _clean_text(text)


def _clean_text(text: str) -> str:
    if text.count(".") >= 2:
        text = _JWT_LIKE.sub(REDACTED, text)
    return text if len(text) <= MAX_STRING else text[:MAX_STRING] + "…"


def _sensitive(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SENSITIVE_NAMES)
