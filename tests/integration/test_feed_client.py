"""`marketpulse.feed.FeedClient` against the real feed server process over real sockets.

Most tests share the module's server (`feed_server` in conftest). Tests that kill, stop or
start a server get one of their own. Every wait is on an observed condition under a timeout.
A subscription's snapshot arrives as a `ChannelReset` just before the link reports live; each
failed retry is its own `reconnecting` status (attempt number, next retry time).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable

import psutil
import pytest

from marketpulse.feed import (
    BackoffPolicy,
    ChannelReset,
    FeedClient,
    FeedClientConfig,
    FeedConnectError,
    FeedEvent,
    FeedRequestError,
    LinkState,
    LinkStateChanged,
)
from realtime_server.protocol import Batch
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.ports import free_port
from tests.support.processes import wait_until

pytestmark = pytest.mark.integration

SERVER_ENV = {"FEED_SEED": "11", "FEED_TICKS_PER_SECOND": "400"}
CHANNELS = ["price:AAPL", "price:MSFT", "price:NVDA"]


@pytest.fixture
async def client() -> AsyncIterator[FeedClient]:
    feed_client = FeedClient(
        FeedClientConfig(request_timeout_s=2, backoff=BackoffPolicy(base_s=0.05, cap_s=0.2))
    )
    yield feed_client
    await feed_client.close()


class Inbox:
    """Everything a client has handed over so far, read through `next_events()`."""

    def __init__(self, client: FeedClient) -> None:
        self.client = client
        self.events: list[FeedEvent] = []

    async def until(
        self, condition: Callable[[list[FeedEvent]], bool], timeout: float = 10.0
    ) -> list[FeedEvent]:
        """Read events until `condition` holds over those read by this call; return them."""
        seen: list[FeedEvent] = []
        async with asyncio.timeout(timeout):
            while not condition(seen):
                fresh = await self.client.next_events()
                seen.extend(fresh)
                self.events.extend(fresh)
        return seen


def states(events: list[FeedEvent]) -> list[LinkState]:
    return [e.state for e in events if isinstance(e, LinkStateChanged)]


def reached(state: LinkState) -> Callable[[list[FeedEvent]], bool]:
    return lambda seen: state in states(seen)


def snapshot_before_live(events: list[FeedEvent]) -> ChannelReset:
    """The last reset queued before the link went live: the subscription's snapshot."""
    before = events[: events.index(LinkStateChanged(LinkState.LIVE))]
    resets = [e for e in before if isinstance(e, ChannelReset)]
    assert resets, f"no snapshot before going live: {events}"
    assert not batches(before[before.index(resets[-1]) :]), "data between snapshot and live"
    return resets[-1]


def came_back_live(events: list[FeedEvent]) -> bool:
    """Retries (reconnecting, maybe polling) and then live, nothing else."""
    seen = states(events)
    return seen[-1] is LinkState.LIVE and set(seen[:-1]) <= {
        LinkState.RECONNECTING,
        LinkState.POLLING,
    }


def batches(events: list[FeedEvent]) -> list[Batch]:
    return [e for e in events if isinstance(e, Batch)]


def has_batches(count: int) -> Callable[[list[FeedEvent]], bool]:
    return lambda seen: len(batches(seen)) >= count


async def in_thread(action: Callable[[], object]) -> None:
    """Run a blocking server control (kill, stop, start) without stalling the client's loop."""
    await asyncio.to_thread(action)


# -- going live ---------------------------------------------------------------------------------


async def test_start_goes_live_with_the_snapshot_then_batches(
    feed_server: FeedServerProcess, client: FeedClient
) -> None:
    client.start(feed_server.url, CHANNELS, throttle_ms=250)
    inbox = Inbox(client)
    events = await inbox.until(reached(LinkState.LIVE))
    assert states(events) == [LinkState.CONNECTING, LinkState.LIVE]
    assert client.state is LinkState.LIVE
    assert client.channels == CHANNELS

    # The subscription's snapshot arrives as a reset, before the link reports live.
    assert batches(events) == []
    snapshot = snapshot_before_live(events)
    assert snapshot.reason == "subscribe"
    assert list(snapshot.items) == CHANNELS
    for channel, [quote] in snapshot.items.items():
        assert quote.symbol == channel.removeprefix("price:")
    assert all(snapshot.positions[channel].seq >= 1 for channel in CHANNELS)

    live = batches(await inbox.until(has_batches(4)))
    seen_seq = {channel: position.seq for channel, position in snapshot.positions.items()}
    for batch in live:
        assert batch.updates
        for update in batch.updates:
            assert update.channel in CHANNELS
            assert update.seq > seen_seq[update.channel], "stale or repeated update"
            seen_seq[update.channel] = update.seq
    # The requested throttle reached the server: flushes are paced by 250 ms, not the default.
    gaps = [later.server_ts - earlier.server_ts for earlier, later in itertools.pairwise(live)]
    assert min(gaps) >= 249, f"flushes closer than the requested throttle: {gaps}"
    assert client.invalid_messages == 0


async def test_connect_then_subscribe_returns_the_ack(
    feed_server: FeedServerProcess, client: FeedClient
) -> None:
    await client.connect(feed_server.url, retry=False)
    assert client.state is LinkState.LIVE
    ack = await client.subscribe(["price:AAPL"], throttle_ms=50)
    assert ack.channels == ["price:AAPL"]
    assert ack.throttle_ms == 50
    assert set(ack.snapshot) == {"price:AAPL"}
    assert client.channels == ["price:AAPL"]

    [update, *_] = (await Inbox(client).until(has_batches(1)))[-1].updates
    assert update.channel == "price:AAPL"
    assert update.seq > ack.positions["price:AAPL"].seq


@pytest.mark.parametrize(
    ("channel", "code"),
    [("price:ZZZZ", "unknown_symbol"), ("quotes:AAPL", "invalid_channel")],
)
async def test_refused_subscription_raises_the_servers_code(
    feed_server: FeedServerProcess, client: FeedClient, channel: str, code: str
) -> None:
    await client.connect(feed_server.url, retry=False)
    assert client.state is LinkState.LIVE
    with pytest.raises(FeedRequestError) as caught:
        await client.subscribe([channel])
    assert caught.value.code == code
    assert caught.value.message
    assert client.channels == []
    # The refusal costs nothing: the connection still serves a valid subscription.
    ack = await client.subscribe(["price:MSFT"])
    assert ack.channels == ["price:MSFT"]
    assert client.state is LinkState.LIVE


# -- losing the server and getting it back ------------------------------------------------------


@pytest.mark.parametrize("outage", ["kill", "stop"])
async def test_server_outage_reconnects_and_resubscribes_by_itself(
    client: FeedClient, outage: str
) -> None:
    """kill: a crash (SIGKILL, the socket just closes). stop: a graceful shutdown (SIGTERM)."""
    with running_feed_server(**SERVER_ENV) as server:
        client.start(server.url, ["price:AAPL"], throttle_ms=50)
        inbox = Inbox(client)
        await inbox.until(reached(LinkState.LIVE))
        await inbox.until(has_batches(1))

        await in_thread(server.kill if outage == "kill" else server.stop)
        events = await inbox.until(reached(LinkState.RECONNECTING))
        assert set(states(events)) == {LinkState.RECONNECTING}

        await in_thread(server.restart)
        events = await inbox.until(reached(LinkState.LIVE), timeout=15)
        assert came_back_live(events), states(events)
        assert list(snapshot_before_live(events).items) == ["price:AAPL"]
        # Fresh values: the restarted process only sends batches to subscribed connections.
        fresh = batches(await inbox.until(has_batches(2)))
        assert {u.channel for b in fresh for u in b.updates} == {"price:AAPL"}
        assert client.state is LinkState.LIVE
        assert client.channels == ["price:AAPL"]


# -- a feed that is not there -------------------------------------------------------------------


async def test_unreachable_feed_without_retry_ends_offline(client: FeedClient) -> None:
    with pytest.raises(FeedConnectError):
        await client.connect(f"http://127.0.0.1:{free_port()}", retry=False)
    assert client.state is LinkState.OFFLINE
    assert states(await Inbox(client).until(reached(LinkState.OFFLINE))) == [
        LinkState.CONNECTING,
        LinkState.OFFLINE,
    ]


async def test_unreachable_feed_is_retried_until_it_appears(client: FeedClient) -> None:
    server = FeedServerProcess(port=free_port(), **SERVER_ENV)
    try:
        client.start(server.url, ["price:AAPL"], throttle_ms=50)
        inbox = Inbox(client)
        events = await inbox.until(reached(LinkState.RECONNECTING))
        assert states(events) == [LinkState.CONNECTING, LinkState.RECONNECTING]

        await in_thread(server.start)
        events = await inbox.until(reached(LinkState.LIVE), timeout=15)
        assert came_back_live(events), states(events)
        assert list(snapshot_before_live(events).items) == ["price:AAPL"]
        fresh = batches(await inbox.until(has_batches(1)))
        assert fresh[0].updates[0].channel == "price:AAPL"
    finally:
        await in_thread(server.close)


# -- closing ------------------------------------------------------------------------------------


async def test_close_is_offline_and_idempotent(
    feed_server: FeedServerProcess, client: FeedClient
) -> None:
    client.start(feed_server.url, ["price:AAPL"], throttle_ms=50)
    inbox = Inbox(client)
    await inbox.until(reached(LinkState.LIVE))

    await client.close()
    assert client.state is LinkState.OFFLINE
    await client.close()
    assert client.state is LinkState.OFFLINE

    events = await inbox.until(reached(LinkState.OFFLINE))
    assert events[-1] == LinkStateChanged(LinkState.OFFLINE)
    assert states(events) == [LinkState.OFFLINE], "closing twice reported more than one change"
    with pytest.raises(TimeoutError):  # nothing follows: no batch, no reconnection
        async with asyncio.timeout(0.5):
            await client.next_events()


async def test_close_while_retrying_stops_the_retries(client: FeedClient) -> None:
    client.start(f"http://127.0.0.1:{free_port()}", ["price:AAPL"])
    inbox = Inbox(client)
    await inbox.until(reached(LinkState.RECONNECTING))
    async with asyncio.timeout(5):
        await client.close()
        await client.close()
    assert client.state is LinkState.OFFLINE


def sockets_to(port: int) -> int:
    """This process's established TCP connections to `port`."""
    return sum(
        1
        for conn in psutil.Process().net_connections(kind="tcp")
        if conn.raddr and conn.raddr.port == port and conn.status == psutil.CONN_ESTABLISHED
    )


async def test_closing_while_connecting_leaves_no_socket_open(
    feed_server: FeedServerProcess,
) -> None:
    """A tab closed while its feed client is still connecting (the app cancels the tab's task,
    which closes the client) must not leave a socket behind: closed at every moment of the
    handshake, from before the TCP connect to after the namespace joined."""
    for delay_ms in [0, 1, 2, 3, 5, 8, 12, 20, 30, 50, 80]:
        feed_client = FeedClient(FeedClientConfig(request_timeout_s=2))
        feed_client.start(feed_server.url, CHANNELS)
        await asyncio.sleep(delay_ms / 1000)
        await feed_client.close()
        # Polled from a thread, so the loop goes on closing meanwhile.
        await asyncio.to_thread(
            wait_until,
            lambda: sockets_to(feed_server.port) == 0,
            5,
            f"no socket left open when closed at {delay_ms} ms",
        )
