"""The real feed server as a child process on a free port, for tests and benchmarks.

`python -m realtime_server` by default; the benchmarks give another `command` (their entry
point runs the same server on a synthetic source). Its data (alerts database, audit log) lives
in a temporary directory kept across restarts of one `FeedServerProcess` and removed by
`close()`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.support.http import http_ok
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, StartupError, wait_until

ROOT = Path(__file__).resolve().parents[2]


class FeedServerProcess:
    """The feed server with the given `FEED_*` environment (over the process's own)."""

    def __init__(
        self, port: int | None = None, *, command: list[str] | None = None, **env: str
    ) -> None:
        self.port = port or free_port()
        self.command = command or [sys.executable, "-m", "realtime_server"]
        self.data_dir = tempfile.mkdtemp(prefix="feed-data-")
        """Alerts database and audit log; kept across restarts of this process object."""
        self.env = {
            **os.environ,
            "FEED_HOST": LOOPBACK,
            "FEED_PORT": str(self.port),
            "FEED_LOG_FORMAT": "json",
            "FEED_DATA_DIR": self.data_dir,
            **env,
        }
        self.process: ManagedProcess | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, timeout: float = 20.0) -> FeedServerProcess:
        self.process = ManagedProcess(self.command, self.env, ROOT, name="feed-server")
        try:
            wait_until(self._ready, timeout, f"feed server on port {self.port} to be ready")
        except TimeoutError:
            output = self.process.output()
            self.process.close()
            raise StartupError(f"feed server did not become ready; output:\n{output}") from None
        return self

    def _ready(self) -> bool:
        assert self.process is not None
        if not self.process.alive():
            raise StartupError(f"feed server exited early:\n{self.process.output()}")
        return http_ok(f"{self.url}/readyz")

    def restart(self) -> FeedServerProcess:
        """Start again on the same port after `stop` or `kill`."""
        if self.process is not None:
            self.process.close()
        return self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """The server hung (SIGSTOP) for the block: connections stay open and say nothing.
        It always runs again (SIGCONT) afterwards, even when the block fails."""
        assert self.process is not None
        self.process.suspend()
        try:
            yield
        finally:
            self.process.resume()

    def output(self) -> str:
        return self.process.output() if self.process else ""

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


@contextlib.contextmanager
def running_feed_server(**env: str) -> Iterator[FeedServerProcess]:
    """Start the real feed server, yield it ready, and always reap it afterwards."""
    server = FeedServerProcess(**env)
    try:
        yield server.start()
    finally:
        server.close()
