"""Fault 7: log amplification (docs/reliability.md, "Log amplification"): python-engineio and
uvicorn logged a line (and python-engineio a plain-text copy, or a traceback) for every bad
frame or request a client sent, and the log file grew without end.

What an operator sees now: per kind of warning or error, one JSON line per window, counted
(`count`, `repeats`, and `feed_log_records_total{kind}` at `/metrics`); every line JSON; and
with `FEED_LOG_FILE` a file rotated by size, with a bounded number of old files beside it.
The figure at full size: `python -m benchmarks.faults.log_amplification`.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.http import http_text
from tests.support.ports import LOOPBACK

pytestmark = pytest.mark.timeout(60)

MALFORMED = ["4", "42", "4{", "42/feed,", "42/feed,[", "4x", "45", "451-", "43/feed,x"]
"""Socket.IO packets that do not parse (the campaign's 1-9 byte frames)."""
PUT = b"PUT /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
GARBAGE = b"GARBAGE\r\n\r\n"
BAD_UPGRADE = (
    b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


def answer(server: FeedServerProcess, request: bytes) -> bytes:
    """Send one raw request on a fresh connection and read the answer's first bytes."""
    with socket.create_connection((LOOPBACK, server.port), timeout=5) as sock:
        sock.sendall(request)
        return sock.recv(4096)


async def send_frames(server: FeedServerProcess, count: int) -> None:
    """`count` malformed frames on raw WebSockets, each 50 followed by a ping whose ack says
    they were read (on a new connection when the server closed the last one)."""
    url = f"{server.url}/socket.io/?EIO=4&transport=websocket"
    done = 0
    async with aiohttp.ClientSession() as session:
        while done < count:
            async with session.ws_connect(url) as ws:
                await ws.receive_str()
                await ws.send_str("40/feed,{}")
                await ws.receive_str()
                while done < count:
                    for i in range(50):
                        await ws.send_str(MALFORMED[(done + i) % len(MALFORMED)])
                    done += 50
                    await ws.send_str('42/feed,1["ping",{"id":"p","client_ts":1}]')
                    reply = await ws.receive(timeout=10)
                    if reply.type != aiohttp.WSMsgType.TEXT:
                        break


def log_records(server: FeedServerProcess, before: str) -> list[dict[str, object]]:
    """The lines the server wrote since `before`, each parsed; fails on a line not JSON."""
    grown = server.output()[len(before) :]
    records = []
    for line in grown.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a log line that is not JSON: {line[:200]!r}")
    return records


def log_count(server: FeedServerProcess, kind: str) -> float:
    text = http_text(f"{server.url}/metrics") or ""
    found = re.search(rf'^feed_log_records_total\{{kind="{re.escape(kind)}"\}} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def test_bad_requests_and_frames_make_one_counted_line_per_kind() -> None:
    # Bad frames are charged like requests: a connection sending them flat out is closed for
    # policy (fault 6), and without a penalty its address may connect again at once.
    with running_feed_server(FEED_HISTORY_MINUTES="0", FEED_POLICY_PENALTY_S="0") as server:
        before = server.output()
        puts = [answer(server, PUT) for _ in range(200)]
        garbage = [answer(server, GARBAGE) for _ in range(200)]
        asyncio.run(send_frames(server, 500))
        records = log_records(server, before)
        put_count = log_count(server, "engineio.server: Method %s not supported")
        garbage_count = log_count(server, "uvicorn.error: Invalid HTTP request received.")
        alive = http_text(f"{server.url}/healthz")
    assert {a.split(b" ", 2)[1] for a in puts} == {b"405"}
    assert {a.split(b" ", 2)[1] for a in garbage} == {b"400"}
    put_lines = [r for r in records if r["msg"] == "Method PUT not supported"]
    garbage_lines = [r for r in records if r["msg"] == "Invalid HTTP request received."]
    assert len(garbage_lines) == 1  # uvicorn's warning, once, not once per request
    assert len(put_lines) == 1 and put_lines[0]["count"] == 1  # python-engineio's, once
    assert (put_count, garbage_count) == (200, 200)
    warnings = [r for r in records if r["level"] in ("warning", "error")]
    assert len(warnings) <= 10, warnings  # a few kinds, each once: not one per frame
    tracebacks = [r for r in warnings if "Traceback" in str(r.get("exc", ""))]
    assert all(r["count"] == 1 for r in tracebacks)  # only the first of a kind has one
    assert alive is not None


def test_the_log_file_is_rotated_by_size(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "feed-server.log"
    with running_feed_server(
        FEED_HISTORY_MINUTES="0",
        FEED_LOG_FILE=str(log_file),
        FEED_LOG_FILE_MAX_BYTES="4096",
        FEED_LOG_FILE_BACKUPS="2",
    ) as server:
        for _ in range(300):  # one info line each, about 130 bytes: ~40 KB of log
            answer(server, BAD_UPGRADE)
        output = server.output()
    files = sorted(p.name for p in log_file.parent.iterdir())
    assert files == ["feed-server.log", "feed-server.log.1", "feed-server.log.2"]
    for path in log_file.parent.iterdir():
        text = path.read_text()
        assert len(text.encode()) <= 4096
        assert all(json.loads(line) for line in text.splitlines())
    assert '"logger"' not in output  # the log went to the file, not to stderr
