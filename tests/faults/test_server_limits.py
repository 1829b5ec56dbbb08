"""Resources one client can hold on the feed server: faults 1, 2 and 6 of docs/reliability.md.

One feed server for the module, trading fast (2,000 ticks/s, no replayed past) with small
bounds so that each case takes seconds: a batch may wait 0.5 s to be taken
(`FEED_MAX_BATCH_WAIT_S`), a websocket write 3 s (`FEED_WRITE_TIMEOUT_S`), and the kernel
send buffer of a connection is 16 KiB (`FEED_SEND_BUFFER_BYTES`), so a client that stops
reading stalls the server's writes within a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from realtime_server.hub.writer import ClientWriter
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.http import http_text
from tests.support.raw_feed import RawFeed, goodbye_of

FLOODER = "127.0.0.2"
"""The flooder's own address: the server refuses it for a while after cutting it."""
EVERYTHING = ["news", "news:*", "price:*", "bars:1s:*", "bars:1m:*", "bars:5m:*", "summary"]


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServerProcess]:
    with running_feed_server(
        FEED_TICKS_PER_SECOND="2000",
        FEED_HISTORY_MINUTES="0",
        FEED_MAX_BATCH_WAIT_S="0.5",
        FEED_WRITE_TIMEOUT_S="3",
        FEED_SEND_BUFFER_BYTES="16384",
        FEED_CONNECT_RATE_PER_IP="1000",
        FEED_CONNECT_BURST_PER_IP="1000",
    ) as server:
        yield server


def disconnects(server: FeedServerProcess, code: str) -> float:
    """`feed_server_disconnects_total{code}` as the server's /metrics says now."""
    text = http_text(f"{server.url}/metrics") or ""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "feed_server_disconnects_total" and sample.labels == {"code": code}:
                return float(sample.value)
    return 0.0


def holds(server: FeedServerProcess, client_port: int) -> bool:
    """Whether the server process still has a TCP socket to this client port."""
    assert server.process is not None
    connections = psutil.Process(server.process.pid).net_connections(kind="tcp")
    return any(c.raddr and c.raddr.port == client_port for c in connections)


async def eventually(condition: object, timeout: float, what: str) -> float:
    """Poll `condition()` until it holds; seconds it took."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


# -- 1. sockets that never read are never released -----------------------------------------


@pytest.mark.timeout(30)
async def test_a_socket_that_never_reads_is_closed_within_the_write_timeout(server, feeds) -> None:
    before = disconnects(server, "slow_consumer")
    stalled = await RawFeed.open(server.port, stalled=True)
    feeds.append(stalled)
    port = stalled.ws.transport.get_extra_info("sockname")[1]
    await stalled.emit("subscribe", {"id": "s", "channels": EVERYTHING, "throttle_ms": 20}, 1)

    held = await eventually(lambda: not holds(server, port), 12, "the server to let go")
    assert held < 8, f"held {held:.1f}s: stall (<1 s) + batch wait (0.5 s) + write timeout (3 s)"
    assert disconnects(server, "slow_consumer") == before + 1, "cut as a slow consumer first"
    _ = [frame async for frame in stalled.drain(3)]
    assert stalled.ws.state.name == "CLOSED", "and the client finds its connection over"


# -- 2. the slow-consumer bound never trips -------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_stalled_reader_of_conflated_channels_gets_slow_consumer_within_seconds(
    server, feeds
) -> None:
    """Bars only: every pending update is conflated, none counts towards FEED_MAX_QUEUE."""
    before = disconnects(server, "slow_consumer")
    stalled = await RawFeed.open(server.port, stalled=True)
    feeds.append(stalled)
    await stalled.emit("subscribe", {"id": "s", "channels": ["bars:1s:*"], "throttle_ms": 20}, 1)

    took = await eventually(
        lambda: disconnects(server, "slow_consumer") > before, 6, "a slow_consumer cut"
    )
    goodbyes = [g async for f in stalled.drain(5) if (g := goodbye_of(f)) is not None]
    assert [g["code"] for g in goodbyes] == ["slow_consumer"], f"cut after {took:.1f}s"
    assert goodbyes[0]["reconnect"] is True


async def test_conflated_bars_count_towards_the_pending_bytes_bound() -> None:
    """A writer whose socket takes nothing: each new bar start is a key of its own."""
    stuck = asyncio.Event()
    overflows: list[int] = []

    async def never(_batch: bytes) -> None:
        await stuck.wait()

    writer = ClientWriter(
        "sid", never, throttle=0.0, on_overflow=lambda: overflows.append(1), max_pending_bytes=8192
    )
    writer.offer("bars:1s:AAPL", 1, {"start": 0, "close": 1.0}, key=0)
    await asyncio.sleep(0.01)  # flushed: the writer now waits on the socket
    for start in range(1, 400):
        writer.offer("bars:1s:AAPL", start + 1, {"start": start, "close": 1.0}, key=start)
    assert overflows == [1]
    assert writer.pending_bytes == 0, "dropped once cut"
    writer.close()


async def test_a_batch_that_is_never_taken_makes_a_slow_consumer() -> None:
    stuck = asyncio.Event()
    overflows: list[float] = []
    started = time.monotonic()

    async def never(_batch: bytes) -> None:
        await stuck.wait()

    writer = ClientWriter(
        "sid", never, 0.0, on_overflow=lambda: overflows.append(time.monotonic()), max_wait=0.2
    )
    writer.offer("price:AAPL", 1, {"last": 1.0})
    await asyncio.sleep(0.5)
    assert len(overflows) == 1
    assert 0.15 < overflows[0] - started < 0.45
    writer.close()


# -- 6. a flooder is never disconnected -----------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_flooder_is_told_policy_and_disconnected_while_others_are_served(
    server, feeds
) -> None:
    bystander = await RawFeed.open(server.port)
    flooder = await RawFeed.open(server.port, source=FLOODER)
    feeds.extend([bystander, flooder])
    await bystander.request("subscribe", {"id": "b", "channels": ["price:AAPL"]}, 1)

    started = time.monotonic()
    for n in range(2_000):  # as fast as the socket takes them; replies read below
        await flooder.emit("ping", {"id": str(n), "client_ts": n}, n)
    frames = [frame async for frame in flooder.drain(5)]
    goodbyes = [g for f in frames if (g := goodbye_of(f)) is not None]
    assert goodbyes == [
        {
            "code": "policy",
            "message": "kept sending past the request rate; do not reconnect automatically",
            "reconnect": False,
        }
    ]
    assert "41/feed," in frames, "the server left /feed after its goodbye"
    assert time.monotonic() - started < 5
    assert '"rate_limited"' in "".join(str(f) for f in frames)

    reply = await bystander.request("ping", {"id": "p", "client_ts": 1}, 2)
    assert reply["ok"] is True
    await bystander.until(lambda f: str(f).startswith('42/feed,["batch"'))

    # The flooder's address is refused at the door for a while; others' are not.
    async with httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=FLOODER)) as http:
        again = await http.get(
            f"{server.url}/socket.io/", params={"EIO": "4", "transport": "polling"}
        )
    assert again.status_code == 429 and again.json()["error"]["code"] == "rate_limited"
    assert int(again.headers["retry-after"]) > 20
    feeds.append(await RawFeed.open(server.port))
