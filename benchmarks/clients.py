"""The load generator: a few Node processes (benchmarks/reference/client.mjs), each holding
many socket.io-client connections, driven over stdin/stdout with one JSON line per command."""

from __future__ import annotations

import json
import os
import selectors
import time
from typing import Any

from benchmarks.common import REFERENCE, BenchmarkError, ProcessMeter, node_executable
from tests.support.processes import ManagedProcess


class ClientProcess:
    def __init__(self, index: int) -> None:
        self.index = index
        self.child = ManagedProcess(
            [node_executable(), "client.mjs"],
            dict(os.environ),
            REFERENCE,
            name=f"client{index}",
            pipes=True,
        )
        self._buffer = b""
        self.meter = ProcessMeter(self.child.pid)

    def send(self, command: dict[str, Any]) -> None:
        stdin = self.child.proc.stdin
        assert stdin is not None
        stdin.write((json.dumps(command) + "\n").encode())
        stdin.flush()

    def receive(self, op: str, deadline: float) -> dict[str, Any]:
        stdout = self.child.proc.stdout
        assert stdout is not None
        fd = stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BenchmarkError(f"client process {self.index}: no answer to {op!r}")
                if selector.select(remaining):
                    chunk = os.read(fd, 1 << 20)
                    if not chunk:
                        raise BenchmarkError(
                            f"client process {self.index} exited:\n{self.child.output(limit=4000)}"
                        )
                    self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message = json.loads(line)
        if message.get("op") != op:
            raise BenchmarkError(f"client process {self.index}: expected {op!r}, got {message}")
        return message


class ClientPool:
    """`processes` Node processes; client ids are dealt to them round-robin."""

    def __init__(self, processes: int) -> None:
        self.procs: list[ClientProcess] = []
        try:
            for index in range(max(1, processes)):
                self.procs.append(ClientProcess(index))
        except BaseException:
            self.close()
            raise

    def _all(self, command: dict[str, Any], timeout: float) -> list[dict[str, Any]]:
        for proc in self.procs:
            proc.send(command)
        deadline = time.monotonic() + timeout
        return [proc.receive(command["op"], deadline) for proc in self.procs]

    def connect(
        self,
        url: str,
        kind: str,
        ids: list[int],
        *,
        subscribe: bool,
        symbols_per_client: int,
        nsymbols: int,
        throttle_ms: int,
        concurrency: int = 20,
        timeout_s: float = 120.0,
        deflate: bool = True,
    ) -> dict[str, Any]:
        """Connect (and subscribe) the clients `ids`; returns {ok, failed, errors}."""
        shares = [ids[i :: len(self.procs)] for i in range(len(self.procs))]
        for proc, share in zip(self.procs, shares, strict=True):
            proc.send(
                {
                    "op": "connect",
                    "url": url,
                    "kind": kind,
                    "ids": share,
                    "subscribe": subscribe,
                    "symbols_per_client": symbols_per_client,
                    "nsymbols": nsymbols,
                    "throttle_ms": throttle_ms,
                    "concurrency": concurrency,
                    "timeout_ms": 20_000,
                    "deflate": deflate,
                }
            )
        deadline = time.monotonic() + timeout_s
        answers = [proc.receive("connect", deadline) for proc in self.procs]
        return {
            "ok": sum(a["ok"] for a in answers),
            "failed": sum(a["failed"] for a in answers),
            "errors": [e for a in answers for e in a["errors"]][:5],
        }

    def pids(self) -> list[int]:
        return [proc.child.pid for proc in self.procs]

    def reset(self) -> None:
        self._all({"op": "reset"}, 30)
        for proc in self.procs:
            proc.meter.start()

    def sample(self) -> None:
        for proc in self.procs:
            proc.meter.sample()

    def report(self) -> tuple[list[dict[str, Any]], list[dict[str, float]]]:
        """(each process's counters since reset, each process's CPU/RSS over the window)."""
        meters = [proc.meter.stop() for proc in self.procs]
        return self._all({"op": "report"}, 60), meters

    def close(self) -> None:
        for proc in self.procs:
            if proc.child.alive():
                try:
                    proc.send({"op": "close"})
                    proc.receive("close", time.monotonic() + 10)
                except (BenchmarkError, OSError, ValueError):
                    pass
            proc.child.close(grace=5)
        self.procs = []
