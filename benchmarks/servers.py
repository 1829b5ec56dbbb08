"""The two servers under test, started on a free loopback port with the same workload.

* `ours`: the MarketPulse feed server exactly as users run it, `python -m realtime_server`,
  configured by settings only: `FEED_SOURCE=synthetic`, `FEED_SYNTHETIC_SYMBOLS`,
  `FEED_TICKS_PER_SECOND`, `FEED_SEED`, and the admission limits of a load test from one host.
* `reference`: `node benchmarks/reference/server.mjs`, the naive socket.io 4 server.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

from benchmarks.common import REFERENCE, node_executable
from tests.support.feed_server import FeedServerProcess
from tests.support.http import http_json, http_text
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, StartupError, wait_until

LABELS = {"ours": "MarketPulse feed (python-socketio)", "reference": "reference (Node socket.io 4)"}

OUR_ENV = {
    # Admission limits sized for a load test from one IP (the defaults protect production).
    "FEED_MAX_CONNECTIONS_PER_IP": "100000",
    "FEED_MAX_CONNECTIONS_PER_USER": "100000",
    "FEED_CONNECT_RATE_PER_IP": "100000",
    "FEED_CONNECT_BURST_PER_IP": "100000",
    # Nothing but price fan-out competes for the CPU; memory does not grow with uptime (bar
    # history would otherwise grow for 5 minutes and blur RSS per connection).
    "FEED_AMBIENT_NEWS_PER_MINUTE": "0",
    "FEED_JUMPS_PER_MINUTE": "0",
    "FEED_BARS_HISTORY": "1",
    "FEED_LOG_LEVEL": "warning",
    "FEED_LOG_FORMAT": "text",
    "FEED_SHUTDOWN_GRACE_S": "1",
}


@dataclass
class Workload:
    symbols: int = 500
    rate: float = 5000.0
    seed: int = 7


@dataclass
class Server:
    kind: str
    process: ManagedProcess
    port: int
    launcher: str
    feed: FeedServerProcess | None = None
    """Ours: the feed server (its data directory goes with it)."""

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def source_ticks(self) -> int | None:
        """Ticks the server's source has produced so far (for the achieved tick rate)."""
        if self.kind == "reference":
            stats = http_json(f"{self.url}/stats")
            return int(stats["ticks"]) if stats else None
        text = http_text(f"{self.url}/metrics")
        match = re.search(r"^feed_ticks_total (\S+)$", text or "", re.MULTILINE)
        return int(float(match.group(1))) if match else None

    def stop(self) -> None:
        if self.feed is not None:
            self.feed.close()
        else:
            self.process.close()


def start_server(kind: str, workload: Workload, extra_env: dict[str, str] | None = None) -> Server:
    if kind == "ours":
        return _start_ours(workload, extra_env or {})
    if kind == "reference":
        return _start_reference(workload)
    raise ValueError(f"unknown server {kind!r}")


def _start_ours(workload: Workload, extra_env: dict[str, str]) -> Server:
    env = {
        **OUR_ENV,
        "FEED_SOURCE": "synthetic",
        "FEED_SYNTHETIC_SYMBOLS": str(workload.symbols),
        "FEED_TICKS_PER_SECOND": str(workload.rate),
        "FEED_SEED": str(workload.seed),
        "FEED_HISTORY_MINUTES": "0",
        **extra_env,
    }
    launcher = "python -m realtime_server (FEED_SOURCE=synthetic)"
    feed = FeedServerProcess(command=[sys.executable, "-m", "realtime_server"], **env)
    try:
        feed.start(timeout=60)
    except BaseException:
        feed.close()
        raise
    assert feed.process is not None
    return Server("ours", feed.process, feed.port, launcher, feed)


def _start_reference(workload: Workload) -> Server:
    port = free_port()
    args = [node_executable(), "server.mjs", "--host", LOOPBACK, "--port", str(port)]
    args += ["--symbols", str(workload.symbols), "--rate", str(workload.rate)]
    args += ["--seed", str(workload.seed)]
    process = ManagedProcess(args, dict(os.environ), REFERENCE, name="reference")
    server = Server("reference", process, port, "node benchmarks/reference/server.mjs")

    def is_ready() -> bool:
        if not process.alive():
            raise StartupError(f"reference server exited early:\n{process.output(limit=4000)}")
        return http_json(f"{server.url}/healthz") is not None

    try:
        wait_until(is_ready, 60, f"the reference server on port {port}")
    except BaseException:
        server.stop()
        raise
    return server
