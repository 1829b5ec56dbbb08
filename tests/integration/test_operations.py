"""What operators and HTTP clients see: health, readiness, metrics, the snapshot route, and how
the server closes connections itself (shutdown, slow consumers) — against the real process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from realtime_server.protocol import (
    Goodbye,
    PingAck,
    Position,
    Quote,
    SubscribeAck,
    Summary,
)
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def feed_server(tokens) -> Iterator[FeedServerProcess]:
    """Signs in with the session's tokens; ~4 headlines a second, never in bursts (ambient
    only), and a lossless queue bound of 2 for the slow-consumer test."""
    with running_feed_server(
        FEED_SEED="13",
        FEED_TICKS_PER_SECOND="300",
        FEED_AMBIENT_NEWS_PER_MINUTE="600",
        FEED_JUMPS_PER_MINUTE="0",
        FEED_MAX_QUEUE="2",
        **tokens.env(),
    ) as server:
        yield server


@pytest.fixture
async def http(feed_server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=feed_server.url, timeout=5) as client:
        yield client


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def read_metrics(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def metric(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# -- health ------------------------------------------------------------------------------------


async def test_healthz_answers_ok(http) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_passes_every_check(http) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"], "readiness names its checks"
    assert all(value is True for value in body["checks"].values()), body["checks"]
    assert {"source_running", "quotes_complete", "alerts_ready", "accepting"} <= set(body["checks"])


# -- metrics -----------------------------------------------------------------------------------


async def test_metrics_count_connects_requests_updates_and_errors(
    http, open_client, feed_server
) -> None:
    before = await read_metrics(http)
    client = await open_client(feed_server.url)
    await client.request("subscribe", {"id": "s", "channels": ["price:*"], "throttle_ms": 20})
    await client.wait_for(lambda: len(client.updates()) >= 5)
    refused = await client.request("subscribe", {"id": "x", "channels": ["price:ZZZZ"]})
    assert refused["error"]["code"] == "unknown_symbol"

    after = await read_metrics(http)
    assert metric(after, "feed_connects_total") >= 1
    assert metric(after, "feed_connects_total") >= metric(before, "feed_connects_total") + 1
    assert metric(after, "feed_updates_sent_total") > 0
    assert metric(after, "feed_updates_sent_total") >= (
        metric(before, "feed_updates_sent_total") + len(client.updates())
    )
    subscribes = metric(after, "feed_requests_total", event="subscribe")
    assert subscribes >= 1
    assert subscribes == metric(before, "feed_requests_total", event="subscribe") + 2
    unknown = metric(after, "feed_request_errors_total", code="unknown_symbol")
    assert unknown >= 1
    assert unknown == metric(before, "feed_request_errors_total", code="unknown_symbol") + 1
    assert metric(after, "feed_connections", kind="guest") >= 1


async def test_ping_with_a_round_trip_is_observed_in_metrics(
    http, open_client, feed_server
) -> None:
    client = await open_client(feed_server.url)
    before = await read_metrics(http)
    pong = PingAck.model_validate(
        await client.request("ping", {"id": "p", "client_ts": 1_700_000_000_000, "rtt_ms": 42.0})
    )
    assert (pong.id, pong.client_ts) == ("p", 1_700_000_000_000)
    PingAck.model_validate(await client.request("ping", {"id": "q", "client_ts": 5}))  # no rtt

    after = await read_metrics(http)
    count = "feed_client_rtt_seconds_count"
    assert metric(after, count) == metric(before, count) + 1
    assert metric(after, "feed_client_rtt_seconds_sum") == pytest.approx(
        metric(before, "feed_client_rtt_seconds_sum") + 0.042
    )


# -- /api/snapshot -----------------------------------------------------------------------------


async def test_snapshot_route_answers_like_a_subscribe_ack(http, open_client, feed_server) -> None:
    channels = ["price:AAPL", "summary"]
    response = await http.get("/api/snapshot", params={"channels": ",".join(channels)})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["channels"] == channels
    assert isinstance(body["server_ts"], int)
    assert Quote.model_validate(body["snapshot"]["price:AAPL"]).symbol == "AAPL"
    Summary.model_validate(body["snapshot"]["summary"])
    positions = {name: Position.model_validate(p) for name, p in body["positions"].items()}

    client = await open_client(feed_server.url)
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": channels})
    )
    assert set(body["snapshot"]) == set(ack.snapshot)
    assert set(positions) == set(ack.positions)
    for name, position in positions.items():
        assert position.epoch == ack.positions[name].epoch
        assert position.seq <= ack.positions[name].seq


@pytest.mark.parametrize(
    ("channels", "status", "code"),
    [
        ("price:aapl", 400, "invalid_channel"),
        ("price:AAPL,bars:2s:AAPL", 400, "invalid_channel"),
        ("price:ZZZZ", 400, "unknown_symbol"),
        ("", 400, "bad_request"),
        ("alerts:bob", 403, "forbidden"),
    ],
)
async def test_snapshot_route_refuses_with_a_status_and_code(http, channels, status, code) -> None:
    response = await http.get("/api/snapshot", params={"channels": channels})
    assert response.status_code == status
    body = response.json()
    assert body["ok"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]


async def test_snapshot_route_refuses_another_users_alerts(http, tokens) -> None:
    response = await http.get(
        "/api/snapshot",
        params={"channels": "alerts:bob"},
        headers={"Authorization": f"Bearer {tokens.mint('alice')}"},
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_snapshot_route_reads_own_alerts_with_a_bearer_token(http, tokens) -> None:
    response = await http.get(
        "/api/snapshot",
        params={"channels": "alerts:alice,price:AAPL"},
        headers={"Authorization": f"Bearer {tokens.mint('alice')}"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["snapshot"]["alerts:alice"] == []
    assert "alerts:alice" in body["positions"]


async def test_snapshot_route_refuses_a_forged_token(http, tokens) -> None:
    forged = tokens.mint("alice")[:-4] + "AAAA"
    response = await http.get(
        "/api/snapshot",
        params={"channels": "price:AAPL"},
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


# -- the server closing connections ------------------------------------------------------------


async def test_sigterm_says_goodbye_before_closing_the_connection(open_client) -> None:
    with running_feed_server(FEED_SHUTDOWN_GRACE_S="2") as server:
        client = await open_client(server.url)
        await client.request("subscribe", {"id": "s", "channels": ["price:AAPL"]})
        await client.wait_for(lambda: client.batches)

        await asyncio.to_thread(server.stop)
        async with asyncio.timeout(10):
            await client.disconnected.wait()

    assert client.events == ["goodbye", "disconnect"]
    goodbye = Goodbye.model_validate(client.goodbyes[0])
    assert goodbye.code == "shutdown"
    assert goodbye.reconnect is True
    assert goodbye.message


async def test_a_client_past_its_lossless_queue_bound_is_told_slow_consumer(
    open_client, feed_server, http
) -> None:
    """The writer's bound: at most FEED_MAX_QUEUE news items may wait for one connection.

    Headlines arrive ~4 a second (ambient only: at most one per market-timer run, so never in
    bursts). With FEED_MAX_QUEUE=2, a client that asked for one flush per 3 s has more than 2
    waiting within a second and is closed as a slow consumer; a client flushed every 20 ms on
    the same channel is not, and keeps receiving every item.
    """
    before = await read_metrics(http)
    steady = await open_client(feed_server.url)
    ack = await steady.request("subscribe", {"id": "s", "channels": ["news"], "throttle_ms": 20})
    start = ack["positions"]["news"]["seq"]
    lagging = await open_client(feed_server.url)
    await lagging.request("subscribe", {"id": "s", "channels": ["news"], "throttle_ms": 3000})

    async with asyncio.timeout(10):
        await lagging.disconnected.wait()
    assert lagging.events == ["goodbye", "disconnect"]
    goodbye = Goodbye.model_validate(lagging.goodbyes[0])
    assert goodbye.code == "slow_consumer"
    assert goodbye.reconnect is True

    received = len(steady.updates("news"))
    await steady.wait_for(lambda: len(steady.updates("news")) >= received + 2)
    assert steady.sio.connected and steady.goodbyes == []
    seqs = [u["seq"] for u in steady.updates("news")]
    assert seqs == list(range(start + 1, start + 1 + len(seqs)))

    after = await read_metrics(http)
    name = "feed_server_disconnects_total"
    assert metric(after, name, code="slow_consumer") == (
        metric(before, name, code="slow_consumer") + 1
    )


async def test_a_client_that_stops_reading_is_closed_as_a_slow_consumer(open_client) -> None:
    """A raw Engine.IO v4 / Socket.IO v5 websocket that subscribes to a lot and never reads.

    Its receive buffer is tiny and the websocket library stops reading once one frame is
    buffered, so the server's socket buffers fill within ~2 s at 3000 ticks/s. Once its writes
    stall, a server that bounds each connection's backlog must close it with `slow_consumer`
    (FEED_MAX_QUEUE=5: ~9 lossless items a second arrive for it) — within 5 s, while another
    client on the same news keeps receiving. (5, not less: one sector headline is 4 lossless
    items for a `news` + `news:*` subscriber, all published in one market-timer run.)
    """
    env = {
        "FEED_MAX_QUEUE": "5",
        "FEED_TICKS_PER_SECOND": "3000",
        "FEED_AMBIENT_NEWS_PER_MINUTE": "600",
        "FEED_JUMPS_PER_MINUTE": "0",
        # No replayed past: its bars would make the subscribe ack larger than the stalled
        # client's websocket accepts in one message, and it would hang up itself.
        "FEED_HISTORY_MINUTES": "0",
    }
    with running_feed_server(**env) as server, _killed_at_exit(server):
        steady = await open_client(server.url)
        await steady.request("subscribe", {"id": "s", "channels": ["news"], "throttle_ms": 20})
        channels = ["news", "news:*", "price:*", "bars:1s:*", "bars:1m:*", "bars:5m:*"]
        async with _stalled_socket(server.port, channels) as stalled:
            async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
                async with asyncio.timeout(5):
                    while True:
                        samples = await read_metrics(http)
                        name = "feed_server_disconnects_total"
                        if metric(samples, name, code="slow_consumer") > 0:
                            break
                        await asyncio.sleep(0.1)

            # Now read what the server sent: its last words on /feed were a goodbye.
            frames = [frame async for frame in _drain(stalled)]
            assert frames[-1] == "41/feed,", "the server disconnected the namespace"
            goodbye = frames[-2]
            assert goodbye.startswith('42/feed,["goodbye"')
            assert json.loads(goodbye.removeprefix("42/feed,"))[1]["code"] == "slow_consumer"

        received = len(steady.updates("news"))
        await steady.wait_for(lambda: len(steady.updates("news")) >= received + 3)
        assert steady.sio.connected
        await steady.sio.disconnect()


@contextlib.contextmanager
def _killed_at_exit(server: FeedServerProcess) -> Iterator[None]:
    """SIGKILL at the end: a graceful stop would wait out the grace period on the stalled
    connection, which is not what this test is about."""
    try:
        yield
    finally:
        server.kill()


@contextlib.asynccontextmanager
async def _stalled_socket(port: int, channels: list[str]) -> AsyncIterator[object]:
    """A hand-spoken Socket.IO connection on `/feed` that subscribes, then stops reading."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    uri = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
    ws = await websockets.connect(uri, sock=sock, max_queue=1, compression=None, open_timeout=5)
    try:
        async with asyncio.timeout(5):
            assert (await ws.recv()).startswith("0{")  # Engine.IO OPEN
            await ws.send("40/feed,")  # Socket.IO CONNECT to /feed, as a guest
            assert (await ws.recv()).startswith("40/feed,{")
        request = {"id": "s", "channels": channels, "throttle_ms": 20}
        await ws.send("42/feed,1" + json.dumps(["subscribe", request]))  # EVENT with ack id 1
        yield ws
    finally:
        # Not `close()`: its handshake would wait behind every unread frame.
        ws.transport.abort()


async def _drain(ws) -> AsyncIterator[str]:
    """Every frame still to be read, up to the Socket.IO DISCONNECT of `/feed` (or the close)."""
    with contextlib.suppress(websockets.ConnectionClosed):
        async with asyncio.timeout(10):
            async for frame in ws:
                yield frame
                if frame == "41/feed,":
                    return
