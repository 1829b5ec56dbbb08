"""The real feed server on a live source pointed at a fake exchange, and what a test reads
from it over HTTP: `/readyz` (with its 503 body) and `/metrics` figures.

Settings are short so that every fault shows within a second: 0.6 s of silence is a dead
link, reconnects wait at most 0.3 s (full jitter from 0.1 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from tests.support.feed_server import FeedServerProcess
from tests.support.http import http_ok, http_text

FAST = {
    # Silence is found within 2 s. Not less: the fake runs in a thread of the test process,
    # and on a loaded machine a shorter stall of that thread read as an outage, whose
    # reconnect lost the trade gap a test had just made.
    "FEED_EXCHANGE_IDLE_S": "2",
    "FEED_EXCHANGE_BACKOFF_S": "0.1",
    "FEED_EXCHANGE_BACKOFF_MAX_S": "0.3",
    "FEED_LOG_REPEAT_WINDOW_S": "0",
}


class LiveFeedServer(FeedServerProcess):
    """Started once it serves (`/healthz`): its source may well be retrying, honestly."""

    def _ready(self) -> bool:
        assert self.process is not None
        if not self.process.alive():
            raise RuntimeError(f"feed server exited early:\n{self.process.output()}")
        return http_ok(f"{self.url}/healthz")


@contextlib.contextmanager
def running_live_feed(source: str, url: str, **env: str) -> Iterator[LiveFeedServer]:
    """`python -m realtime_server` with `FEED_SOURCE=source` at `FEED_EXCHANGE_URL=url`."""
    server = LiveFeedServer(FEED_SOURCE=source, FEED_EXCHANGE_URL=url, **{**FAST, **env})
    try:
        server.start()
        yield server
    finally:
        server.close()


def readyz(server: FeedServerProcess) -> tuple[int, dict[str, Any]]:
    """`/readyz`'s status and body, whether 200 or 503."""
    try:
        with urllib.request.urlopen(f"{server.url}/readyz", timeout=3) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def metric(server: FeedServerProcess, name: str, labels: str = "") -> float:
    """One sample of `/metrics` (`labels` as written there: `reason="malformed"`); 0 if absent."""
    text = http_text(f"{server.url}/metrics") or ""
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == wanted:
            return float(value)
    return 0.0


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll `condition` (an HTTP read, a fake's record) until it holds, under a timeout."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - HTTP state, no event to wait on
            await asyncio.sleep(0.05)
