"""The two servers under test, started on a free loopback port with the same workload.

* `ours`: the MarketPulse feed server (`python -m realtime_server`'s entry point) on the
  synthetic source: via `python -m benchmarks.feed_server` until the server has a setting for
  that source, and via `python -m realtime_server` with `FEED_SOURCE=synthetic` and
  `FEED_SYNTHETIC_SYMBOLS` once it has (detected from `Settings`).
* `reference`: `node benchmarks/reference/server.mjs`, the naive socket.io 4 server.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field

from benchmarks.common import (
    HOST,
    REFERENCE,
    BenchmarkError,
    Child,
    free_port,
    http_json,
    http_text,
    node_executable,
    wait_until,
)

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


def native_synthetic_source() -> bool:
    """Whether the feed server itself can run the synthetic source (FEED_SOURCE=synthetic)."""
    from realtime_server.config import Settings

    return "synthetic_symbols" in Settings.model_fields


@dataclass
class Server:
    kind: str
    child: Child
    port: int
    launcher: str
    data_dir: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.child.pid

    def source_ticks(self) -> int | None:
        """Ticks the server's source has produced so far (for the achieved tick rate)."""
        if self.kind == "reference":
            stats = http_json(f"{self.url}/stats")
            return int(stats["ticks"]) if stats else None
        text = http_text(f"{self.url}/metrics")
        match = re.search(r"^feed_ticks_total (\S+)$", text or "", re.MULTILINE)
        return int(float(match.group(1))) if match else None

    def stop(self) -> None:
        self.child.stop()
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def start_server(
    kind: str,
    workload: Workload,
    extra_env: dict[str, str] | None = None,
    feed_server_args: list[str] | None = None,
) -> Server:
    port = free_port()
    if kind == "ours":
        data_dir = tempfile.mkdtemp(prefix="bench-feed-data-")
        env = {
            **os.environ,
            **OUR_ENV,
            "FEED_HOST": HOST,
            "FEED_PORT": str(port),
            "FEED_DATA_DIR": data_dir,
            "FEED_TICKS_PER_SECOND": str(workload.rate),
            "FEED_SEED": str(workload.seed),
            **(extra_env or {}),
        }
        if native_synthetic_source() and not feed_server_args:
            env |= {"FEED_SOURCE": "synthetic", "FEED_SYNTHETIC_SYMBOLS": str(workload.symbols)}
            args = [sys.executable, "-m", "realtime_server"]
            launcher = "python -m realtime_server (FEED_SOURCE=synthetic)"
        else:
            args = [sys.executable, "-m", "benchmarks.feed_server"]
            args += ["--symbols", str(workload.symbols)]
            args += feed_server_args or []
            launcher = (
                "python -m benchmarks.feed_server (realtime_server entry point, synthetic source)"
            )
            if feed_server_args:
                launcher += f" {' '.join(feed_server_args)}"
        server = Server(kind, Child(args, "feed", env), port, launcher, data_dir, extra_env or {})
        ready = f"{server.url}/readyz"
    elif kind == "reference":
        args = [node_executable(), "server.mjs", "--host", HOST, "--port", str(port)]
        args += ["--symbols", str(workload.symbols), "--rate", str(workload.rate)]
        args += ["--seed", str(workload.seed)]
        child = Child(args, "reference", dict(os.environ), cwd=REFERENCE)
        server = Server(kind, child, port, "node benchmarks/reference/server.mjs")
        ready = f"{server.url}/healthz"
    else:
        raise ValueError(f"unknown server {kind!r}")

    def is_ready() -> bool:
        if not server.child.alive():
            raise BenchmarkError(f"{kind} server exited early:\n{server.child.output()}")
        return http_json(ready) is not None  # /readyz answers 200 only when ready

    try:
        wait_until(is_ready, 60, f"the {kind} server on port {port}")
    except BaseException:
        server.stop()
        raise
    return server
