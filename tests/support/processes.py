"""Child processes of the test and benchmark harness, and waiting on conditions.

A `ManagedProcess` runs in its own session (process group), so that stopping it reaches
everything it spawned; its output goes to a temporary log file (or, with `pipes=True`, stdin
and stdout are pipes and only stderr goes to the log). It is stopped by its id — SIGTERM to
the group, SIGKILL after a grace period — and `close()` also reaps any grandchild and removes
the log. Every process is registered until closed: `cleanup_on_exit()` closes those still
open whenever its block ends, and turns SIGTERM/SIGHUP into such an end (the benchmarks'
commands run inside it; the suite closes its processes in fixtures).

`wait_until` polls a condition under a timeout; `StartupError` is a server that exited early
or did not become ready.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any


class StartupError(RuntimeError):
    """A server the harness started exited early, or did not become ready in time."""


class ManagedProcess:
    """A child process in its own session, so that stop/kill reach everything it spawned."""

    def __init__(
        self,
        args: list[str],
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        *,
        name: str,
        pipes: bool = False,
    ) -> None:
        self.args = args
        self.name = name
        fd, path = tempfile.mkstemp(prefix=f"{name}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(path)
        self._log = self.log_path.open("wb")
        self._closed = False
        self.proc = subprocess.Popen(
            args,
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE if pipes else subprocess.DEVNULL,
            stdout=subprocess.PIPE if pipes else self._log,
            stderr=self._log if pipes else subprocess.STDOUT,
            start_new_session=True,
        )
        _OPEN.append(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self, limit: int | None = None) -> str:
        """What it wrote so far (the last `limit` characters); empty once closed."""
        if self._closed:
            return ""
        self._log.flush()
        text = self.log_path.read_text(errors="replace")
        return text if limit is None else text[-limit:]

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the whole group, then SIGKILL whatever is left after `grace` seconds."""
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(5)
        self._reap_group()

    def kill(self) -> None:
        """SIGKILL the whole group at once (a crash, as far as clients can tell)."""
        self._signal(signal.SIGKILL)
        self.proc.wait(5)
        self._reap_group()

    def suspend(self) -> None:
        """SIGSTOP the whole group: it hangs, its sockets open but silent, until `resume`."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT the whole group after `suspend`."""
        self._signal(signal.SIGCONT)

    def close(self, grace: float = 10.0) -> None:
        """Stop it if it runs, reap the group, close the pipes, remove the log. Idempotent."""
        if self._closed:
            return
        if self.alive():
            self.stop(grace)
        self._reap_group()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._log.close()
        self.log_path.unlink(missing_ok=True)
        self._closed = True
        with contextlib.suppress(ValueError):
            _OPEN.remove(self)

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def _reap_group(self) -> None:
        # Grandchildren may outlive the leader; make sure none survives.
        self._signal(signal.SIGKILL)


_OPEN: list[ManagedProcess] = []


@contextlib.contextmanager
def cleanup_on_exit(grace: float = 3.0) -> Iterator[None]:
    """Close every process still open when the block ends, however it ends; SIGTERM and
    SIGHUP end it too (as `SystemExit`)."""

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for process in list(_OPEN):
            process.close(grace)
        for sig, old in previous.items():
            signal.signal(sig, old)


def wait_until(
    condition: Callable[[], bool], timeout: float, what: str, interval: float = 0.05
) -> None:
    """Poll `condition` until it holds; `TimeoutError` naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
