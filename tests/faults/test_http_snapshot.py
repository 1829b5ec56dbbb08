"""Fault 5: `/api/snapshot` was an unlimited amplifier (docs/reliability.md, "`/api/snapshot` is
an unlimited amplifier"): 92 bytes of guest request got 2.2 MB, as often as asked.

What a client sees now: a request for more than `FEED_SNAPSHOT_MAX_BYTES` is refused at once
with `limit_exceeded`; past the rate of its address (a guest) or of its user (a token), every
request is refused with `429`, `rate_limited` and `Retry-After`, while other users and the
server go on. The figures at full size: `python -m benchmarks.faults.snapshot_amplifier`.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from realtime_server.security.keys import mint_token, write_keypair
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.ports import LOOPBACK

pytestmark = pytest.mark.timeout(60)

EVERY_BAR = "bars:1s:*,bars:1m:*,bars:5m:*"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    size: int
    """Bytes of the whole answer: status line, headers and body."""
    seconds: float


class Api:
    """One keep-alive HTTP/1.1 connection to the feed server's API."""

    def __init__(self, server: FeedServerProcess) -> None:
        self.connection = http.client.HTTPConnection(LOOPBACK, server.port, timeout=5)
        self.sent = 0

    def get(self, path: str, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.sent += len(f"GET {path} HTTP/1.1\r\nHost: {LOOPBACK}\r\n\r\n")
        self.sent += sum(len(f"{k}: {v}\r\n") for k, v in headers.items())
        started = time.monotonic()
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        raw = response.read()
        seconds = time.monotonic() - started
        head = 17 + sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders()) + 2
        return Answer(
            response.status, dict(response.getheaders()), json.loads(raw), head + len(raw), seconds
        )

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def keys(tmp_path: Path) -> tuple[str, Path]:
    private_path, public_path = write_keypair(tmp_path)
    return private_path.read_text(), public_path


def token_for(private_pem: str, sub: str) -> str:
    return mint_token(
        private_pem,
        "EdDSA",
        sub,
        ["price:*"],
        audience="marketpulse-feed",
        issuer="marketpulse",
        ttl_s=600,
    )


@pytest.fixture
def api() -> Iterator[Any]:
    opened: list[Api] = []

    def factory(server: FeedServerProcess) -> Api:
        opened.append(Api(server))
        return opened[-1]

    yield factory
    for connection in opened:
        connection.close()


def test_a_guest_asking_for_every_bar_is_refused_at_once(api: Any) -> None:
    with running_feed_server() as server:  # two hours of replayed past: full bar snapshots
        guest = api(server)
        refused = guest.get(f"/api/snapshot?channels={EVERY_BAR}")
        quotes = guest.get("/api/snapshot?channels=price:*")
        health = guest.get("/healthz")
    assert refused.status == 400
    assert refused.body["error"]["code"] == "limit_exceeded"
    assert refused.size < 1024 and refused.seconds < 0.25
    assert quotes.status == 200 and len(quotes.body["snapshot"]) == len(quotes.body["channels"])
    assert len(quotes.body["channels"]) > 50  # patterns expand
    assert health.status == 200


def test_a_flooding_guest_is_rate_limited_and_a_user_is_not_starved(
    api: Any, keys: tuple[str, Path]
) -> None:
    private_pem, public_key = keys
    limits = {
        "FEED_API_RATE_PER_IP": "0.5",
        "FEED_API_BURST_PER_IP": "5",
        "FEED_API_RATE_PER_USER": "0.5",
        "FEED_API_BURST_PER_USER": "3",
    }
    with running_feed_server(
        FEED_HISTORY_MINUTES="0", FEED_JWT_PUBLIC_KEY_FILE=str(public_key), **limits
    ) as server:
        guest, alice = api(server), api(server)
        flood = [guest.get("/api/snapshot?channels=price:*") for _ in range(60)]
        catalog = guest.get("/api/catalog")
        token = token_for(private_pem, "alice")
        as_alice = [alice.get("/api/snapshot?channels=price:AAPL", token) for _ in range(5)]
        health = guest.get("/healthz")
    served = [a for a in flood if a.status == 200]
    limited = [a for a in flood if a.status == 429]
    assert len(served) == 5 and len(limited) == 55
    assert {a.body["error"]["code"] for a in limited} == {"rate_limited"}
    assert all(int(a.headers["retry-after"]) >= 1 for a in limited)
    assert sum(a.size for a in flood) < 100 * guest.sent  # not an amplifier any more
    assert catalog.status == 429  # the same address, the same bucket
    assert [a.status for a in as_alice] == [200, 200, 200, 429, 429]  # her own bucket
    assert health.status == 200


def test_guest_tabs_polling_through_the_app_are_not_refused_for_its_address(api: Any) -> None:
    """Every guest tab's poll comes from the app's one address during a feed outage: behind
    `FEED_APP_ADDRESSES` they are not counted per address (the size cap still holds)."""
    limits = {
        "FEED_API_RATE_PER_IP": "0.5",
        "FEED_API_BURST_PER_IP": "5",
        "FEED_SNAPSHOT_MAX_BYTES": "16384",
    }
    with running_feed_server(
        FEED_HISTORY_MINUTES="0", FEED_APP_ADDRESSES='["127.0.0.1/32"]', **limits
    ) as server:
        app = api(server)
        polls = [app.get("/api/snapshot?channels=price:AAPL,news") for _ in range(30)]
        too_big = app.get(f"/api/snapshot?channels={EVERY_BAR}")
    assert [a.status for a in polls] == [200] * 30
    assert too_big.status == 400 and too_big.body["error"]["code"] == "limit_exceeded"
