"""The app's feed link under faults (docs/reliability.md, faults 10 and 11), over real sockets
against the real feed server process.

- Fault 10: the link is cut (a TCP proxy refuses everything) while headlines flow, long enough
  for the client to poll; when the link is back, the first successful poll returns the latest
  headlines, which no longer reach back to the last one received. Every headline of the
  server's history must still reach the client.
- Fault 11: the feed server is killed (SIGKILL) while the socket's backoff sleep is long; it
  comes back, and the link must be live within 2 s of the server being ready: a poll that
  succeeds after failing ends the sleep.

The backoff draws are the worst case (every delay at its ceiling), so the faults happen every
run, not by chance.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterator

import pytest

from marketpulse.feed import (
    BackoffPolicy,
    Batch,
    ChannelReset,
    FeedClient,
    FeedClientConfig,
    FeedEvent,
    LinkState,
)
from realtime_server.protocol import NewsItem
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.recorder import Recorder
from tests.support.tcp_proxy import TcpProxy

LIVE_AFTER_READY_S = 2.0
NEWS_FAST = {"FEED_SEED": "5", "FEED_AMBIENT_NEWS_PER_MINUTE": "900", "FEED_NEWS_SNAPSHOT": "5"}
"""15 headlines a second; a poll returns the last 5."""


class CeilingJitter(random.Random):
    """Backoff's worst case: every delay drawn at its ceiling."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
def feed_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_SEED="5", FEED_TICKS_PER_SECOND="200") as server:
        yield server


def headlines(events: list[FeedEvent]) -> set[str]:
    """The ids of every headline handed over: in batches, and in resets."""
    ids = {
        u.data.id
        for e in events
        if isinstance(e, Batch)
        for u in e.updates
        if isinstance(u.data, NewsItem)
    }
    for event in events:
        if isinstance(event, ChannelReset):
            items = event.items.get("news", ())
            ids.update(item.id for item in items if isinstance(item, NewsItem))
    return ids


@pytest.mark.timeout(60)
async def test_headlines_polled_across_a_cut_are_all_recovered() -> None:
    with running_feed_server(**NEWS_FAST) as server:
        proxy = await TcpProxy(server.port).start()
        # What the server published, straight from it: the history to compare against.
        observer = FeedClient()
        seen = Recorder(observer)
        client = FeedClient(FeedClientConfig(), rng=CeilingJitter())
        recorder = Recorder(client)
        try:
            await observer.connect(server.url)
            await observer.subscribe(["news"])
            await client.connect(proxy.url)
            start = (await client.subscribe(["news"])).positions["news"].seq
            await recorder.until(lambda: len(recorder.news()) >= 3)

            proxy.cut()
            mark = recorder.mark()
            # The socket's next attempt is 4 s away; its polls have begun (and fail).
            await recorder.until(lambda: client.status.attempt >= 4, timeout=10)
            cut_at = max(seq for seq, _ in recorder.news())
            await seen.until(lambda: any(seq > cut_at + 10 for seq, _ in seen.news()))
            proxy.restore()
            await recorder.until(recorder.reached(LinkState.POLLING, mark), timeout=10)
            await recorder.until(recorder.reached(LinkState.LIVE, mark), timeout=15)
            # Everything up to a headline published once live again must have arrived.
            end = max(seq for seq, _ in seen.news()) + 5
            await recorder.until(lambda: any(seq >= end for seq, _ in recorder.news()))
            await seen.until(lambda: any(seq >= end for seq, _ in seen.news()))
        finally:
            for each in (recorder, seen):
                await each.close()
            for feed in (client, observer):
                await feed.close()
            await proxy.close()

    published = {news_id for seq, news_id in seen.news() if start < seq <= end}
    missing = published - headlines(recorder.events)
    assert not missing, f"{len(missing)} of {len(published)} headlines never arrived"


def restarted(server: FeedServerProcess) -> float:
    """Start the killed server again; the monotonic time it was ready (`/readyz`)."""
    server.restart()
    return time.monotonic()


@pytest.mark.timeout(60)
async def test_live_within_two_seconds_of_a_killed_feed_being_ready(
    feed_server: FeedServerProcess,
) -> None:
    # Socket retries after 0.1 s, 1 s, then 10 s (at the ceiling); polling from the 2nd failure.
    backoff = BackoffPolicy(base_s=0.1, cap_s=30.0, factor=10.0)
    config = FeedClientConfig(backoff=backoff, polling_after_failures=2)
    client = FeedClient(config, rng=CeilingJitter())
    recorder = Recorder(client)
    try:
        await client.connect(feed_server.url)
        await client.subscribe(["price:AAPL", "summary"])
        mark = recorder.mark()
        await asyncio.to_thread(feed_server.kill)

        def sleeping_long() -> bool:  # the 3rd attempt is 10 s away, and polls have begun
            status = client.status
            return client.state is LinkState.RECONNECTING and status.attempt >= 3

        await recorder.until(sleeping_long, timeout=10)
        ready = await asyncio.to_thread(restarted, feed_server)
        await recorder.until(recorder.reached(LinkState.LIVE, mark), timeout=20)
        late = time.monotonic() - ready
        assert late <= LIVE_AFTER_READY_S, f"live {late:.1f}s after the server was ready"
    finally:
        await recorder.close()
        await client.close()
