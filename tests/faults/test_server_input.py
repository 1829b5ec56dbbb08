"""Answers to bad input on the feed server's transport: faults 3, 4, 8 and 9 of
docs/reliability.md — binary attachments, oversized frames, long-polling abuse, packets that do
not decode. One server for the module, with a generous request budget (so that the cases here
measure what a frame costs, not the flood policy of test_server_limits.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import psutil
import pytest
import websockets

from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.raw_feed import RawFeed

MAX_MESSAGE_BYTES = 65536
"""The default `FEED_MAX_MESSAGE_BYTES`: frames over twice it are refused."""


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServerProcess]:
    with running_feed_server(
        FEED_HISTORY_MINUTES="0",
        FEED_MESSAGE_BURST="5000",
        FEED_FLOOD_BURST="5000",
        FEED_CONNECT_RATE_PER_IP="1000",
        FEED_CONNECT_BURST_PER_IP="1000",
    ) as server:
        yield server


def rss(server: FeedServerProcess) -> int:
    assert server.process is not None
    return int(psutil.Process(server.process.pid).memory_info().rss)


async def alive(feed: RawFeed, ack_id: int) -> None:
    """The connection still answers a ping."""
    reply = await feed.request("ping", {"id": "alive", "client_ts": 1}, ack_id, timeout=3)
    assert reply["ok"] is True, reply


# -- 3. binary attachments are buffered without limit ---------------------------------------


@pytest.mark.timeout(30)
async def test_binary_packets_are_refused_and_their_attachments_not_kept(server, feeds) -> None:
    feed = await RawFeed.open(server.port)
    feeds.append(feed)
    started = time.monotonic()
    await feed.send('4599999999-/feed,7["ping",{"_placeholder":true,"num":0}]')
    reply = await feed.ack(7, timeout=2)
    assert reply["ok"] is False and reply["error"]["code"] == "bad_request", reply
    assert time.monotonic() - started < 0.5

    before = rss(server)
    chunk = b"\0" * (100 * 1024)  # under the frame limit: only the binary refusal stops it
    for _ in range(400):  # 40 MB of would-be attachments
        await feed.send(chunk)
    await alive(feed, 8)  # read in order: every chunk before this ping has been handled
    assert rss(server) - before < 15_000_000, "the attachments were kept"


# -- 4. huge CONNECTs to unknown namespaces are kept ----------------------------------------


@pytest.mark.timeout(30)
async def test_a_frame_over_the_limit_closes_its_connection_before_it_is_read(server) -> None:
    before = rss(server)
    codes = []
    for _ in range(20):
        feed = await RawFeed.open(server.port, join=False)
        try:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                # On a loaded machine the server's close can land while the frame is still
                # being written, so the send itself may be the call that sees it.
                await feed.send("40/" + "a" * 900_000 + ",")
                await feed.next_frame(timeout=3)
            codes.append(closed.value.rcvd.code if closed.value.rcvd else None)
        finally:
            feed.close()
    assert codes == [1009] * 20, "message too big"
    assert rss(server) - before < 15_000_000


async def test_a_frame_under_the_limit_with_a_too_large_request_is_answered(server, feeds) -> None:
    feed = await RawFeed.open(server.port)
    feeds.append(feed)
    channels = ["price:AAPL"] * 6000  # ~80 KB: over the request limit, under the frame limit
    assert MAX_MESSAGE_BYTES < len(json.dumps(channels)) < 2 * MAX_MESSAGE_BYTES
    reply = await feed.request("subscribe", {"id": "big", "channels": channels}, 1)
    assert reply["error"]["code"] == "message_too_large"
    await alive(feed, 2)


# -- 8. HTTP 500 on long-polling abuse -----------------------------------------------------


async def polling_session(http: httpx.AsyncClient) -> str:
    reply = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert reply.status_code == 200
    return str(json.loads(reply.text[1:])["sid"])


@pytest.mark.timeout(30)
async def test_every_malformed_long_polling_request_gets_a_4xx(server) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:

        async def post(sid: str, body: bytes) -> int:
            params = {"EIO": "4", "transport": "polling", "sid": sid}
            reply = await http.post("/socket.io/", params=params, content=body)
            return reply.status_code

        # The session is closed by its CLOSE packet, but still known: the next POST found it.
        sid = await polling_session(http)
        assert await post(sid, b"1") == 200
        assert await post(sid, b"40/feed,{}") == 400

        statuses = {}
        for body in [b"x" * 10, b"\xff\xfe", b"", b"9", b"0", b"bAAAA", b"4\x1e" * 20, b"6"]:
            statuses[body[:12]] = await post(await polling_session(http), body)
        assert set(statuses.values()) == {400}, statuses

        params = {"EIO": "4", "transport": "polling", "sid": await polling_session(http)}
        big = await http.post("/socket.io/", params=params, content=b"4" * (3 * MAX_MESSAGE_BYTES))
        assert big.status_code == 413
        assert big.json()["error"]["code"] == "bad_request"


# -- 9. no ack at all for some malformed requests ------------------------------------------

UNREADABLE = {
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "a 5,000-digit integer": '["ping",{"id":"n","client_ts":' + "9" * 5000 + "}]",
    "an object": '{"event":"ping"}',
    "no event name": "[]",
    "an event name that is not a string": '[7,{"id":"x"}]',
    "not JSON": "[oops",
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("body", list(UNREADABLE.values()), ids=list(UNREADABLE))
async def test_an_unreadable_request_gets_a_coded_error_ack_within_milliseconds(
    server, feeds, body: str
) -> None:
    feed = await RawFeed.open(server.port)
    feeds.append(feed)
    started = time.monotonic()
    await feed.send(f"42/feed,5{body}")
    reply = await feed.ack(5, timeout=2)
    took = time.monotonic() - started
    assert (reply["ok"], reply["id"], reply["error"]["code"]) == (False, None, "bad_request")
    assert took < 0.25, f"{took * 1000:.0f} ms"
    await alive(feed, 6)


async def test_a_frame_that_is_not_engineio_closes_with_protocol_error(server) -> None:
    feed = await RawFeed.open(server.port)
    try:
        await feed.send("x")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await feed.next_frame(timeout=3)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1002
    finally:
        feed.close()
