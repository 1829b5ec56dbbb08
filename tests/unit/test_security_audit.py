"""The audit trail: JSON lines, redaction, bounded queue, flush on stop (security.audit)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from realtime_server.security.audit import REDACTED, AuditEvent, AuditLog, redact

JWT = (
    "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0"
    ".c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def watch_writes(audit: AuditLog, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """An event set (on the loop) after each batch the writer thread appends."""
    loop = asyncio.get_running_loop()
    wrote = asyncio.Event()
    real_append = audit._append

    def append(batch: list[dict[str, Any]]) -> None:
        real_append(batch)
        loop.call_soon_threadsafe(wrote.set)

    monkeypatch.setattr(audit, "_append", append)
    return wrote


async def wait_until(wrote: asyncio.Event, condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while True:
            wrote.clear()
            if condition():
                return
            await wrote.wait()


async def test_writes_json_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, clock=lambda: 1_700_000_000.123)
    wrote = watch_writes(audit, monkeypatch)
    audit.start()
    audit.record(AuditEvent.CONNECT, sid="s1", ip="10.0.0.1", user="alice")
    audit.record("refuse", ip="10.0.0.2", code="forbidden")
    await wait_until(wrote, lambda: audit.written == 2)
    assert lines(path) == [
        {
            "ts": 1_700_000_000_123,
            "event": "connect",
            "sid": "s1",
            "ip": "10.0.0.1",
            "user": "alice",
        },
        {"ts": 1_700_000_000_123, "event": "refuse", "ip": "10.0.0.2", "code": "forbidden"},
    ]
    await audit.stop()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert audit.counts == {"connect": 1, "refuse": 1}


async def test_redaction(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    async with AuditLog(path) as audit:
        audit.record(
            "auth_failure",
            token="anything",
            Authorization="Bearer x",
            hs_secret="s",
            password="p",
            reason=f"bad token {JWT} from client",
            header=f"Bearer {JWT}",
            nested={"auth": {"access_token": "x", "ok": 1}, "list": [JWT, "fine.host.name"]},
            ts="collides",
        )
    (entry,) = lines(path)
    text = path.read_text()
    assert JWT not in text and JWT.split(".")[1] not in text
    assert entry["token"] == entry["Authorization"] == entry["hs_secret"] == REDACTED
    assert entry["password"] == REDACTED
    assert entry["reason"] == f"bad token {REDACTED} from client"
    assert entry["header"] == f"Bearer {REDACTED}"
    assert entry["nested"] == {
        "auth": {"access_token": REDACTED, "ok": 1},
        "list": [REDACTED, "fine.host.name"],
    }
    assert entry["ts_"] == "collides" and isinstance(entry["ts"], int)
    assert redact("x" * 5000).endswith("…") and len(redact("x" * 5000)) < 600
    assert redact(float("nan")) == "nan"


async def test_queue_is_bounded_and_drops_oldest(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, max_queue=100, ring_size=10)
    started = time.perf_counter()
    for i in range(100_000):
        audit.record("rate_limited", ip="10.0.0.1", i=i)
    elapsed = time.perf_counter() - started
    assert elapsed < 3, f"100k records took {elapsed:.2f} s"
    assert (audit.pending, audit.dropped, audit.counts["rate_limited"]) == (100, 99_900, 100_000)
    assert [e["i"] for e in audit.recent()] == list(range(99_990, 100_000))
    assert [e["i"] for e in audit.recent(2)] == [99_998, 99_999]
    audit.start()  # events recorded before the start are written too
    await audit.stop()
    assert [e["i"] for e in lines(path)] == list(range(99_900, 100_000))


async def test_drop_newest(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, max_queue=3, drop="newest")
    for i in range(10):
        audit.record("connect", i=i)
    assert audit.dropped == 7
    await audit.flush()
    assert [e["i"] for e in lines(path)] == [0, 1, 2]


async def test_record_never_waits_for_a_stuck_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl", max_queue=1_000, batch_size=10)
    entered, release = threading.Event(), threading.Event()
    real_append = audit._append

    def stuck_append(batch: list[dict[str, Any]]) -> None:
        entered.set()
        release.wait(5)
        real_append(batch)

    monkeypatch.setattr(audit, "_append", stuck_append)
    audit.start()
    audit.record("connect", i=-1)
    await asyncio.to_thread(entered.wait, 5)  # the writer thread is now stuck on the disk
    for i in range(100_000):
        audit.record("slow_consumer", i=i)
    assert audit.pending == 1_000 and audit.dropped == 99_000
    release.set()
    await audit.stop()
    assert audit.pending == 0 and audit.written == 1_001
    assert audit.counts["slow_consumer"] == 100_000


async def test_stop_flushes_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path, batch_size=7)
    audit.start()
    for i in range(50):
        audit.record("disconnect", i=i)
    await audit.stop()
    assert [e["i"] for e in lines(path)] == list(range(50))
    await audit.stop()
    audit.record("disconnect", i=50)
    audit.start()
    await audit.stop()
    assert len(lines(path)) == 51


async def test_write_errors_are_counted_not_raised(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path)  # a directory: every write fails
    audit.start()
    audit.record("connect")
    await audit.stop()
    assert audit.write_errors == 1 and audit.written == 0


async def test_without_a_path_events_stay_in_memory() -> None:
    audit = AuditLog(None, ring_size=3)
    audit.start()
    for i in range(5):
        audit.record("token_refresh", user="alice", token=JWT, i=i)
    await audit.stop()
    assert audit.pending == 0 and audit.dropped == 0
    assert [e["i"] for e in audit.recent()] == [2, 3, 4]
    assert all(e["token"] == REDACTED for e in audit.recent())
    assert audit.counts["token_refresh"] == 5
