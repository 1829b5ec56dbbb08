"""`ExchangeFeed` in process against a fake Coinbase: its health from `starting` to `ok`, to
`retrying` with a reason and a retry time when the exchange goes away, and a failing adapter
that does not end the feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from realtime_server.protocol import SourceState
from realtime_server.sources.base import Tick
from realtime_server.sources.exchanges.coinbase import CoinbaseAdapter
from realtime_server.sources.exchanges.events import Event
from realtime_server.sources.exchanges.feed import ExchangeFeed
from realtime_server.sources.exchanges.link import FeedOptions
from tests.support.fake_exchange import FakeCoinbase
from tests.support.ports import LOOPBACK, free_port

FAST = {"idle_s": 0.5, "backoff_base_s": 0.05, "backoff_cap_s": 0.1, "seed": 1}


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 - the feed's state, no event to wait on
            await asyncio.sleep(0.02)


async def test_health_goes_from_starting_to_ok_to_retrying_with_a_reason() -> None:
    ticks: list[Tick] = []
    with FakeCoinbase(["BTC-USD"]) as fake:
        feed = ExchangeFeed(CoinbaseAdapter(["BTC-USD"]), FeedOptions(fake.url, **FAST))
        assert feed.health().state is SourceState.STARTING
        assert (feed.info.kind, feed.info.label, feed.info.news) == (
            "live",
            "Live · Coinbase",
            "none",
        )
        task = asyncio.create_task(feed.run(ticks.extend))
        try:
            await until(lambda: len(ticks) >= 3)
            assert feed.health().state is SourceState.OK
            assert all(t.symbol == "BTC-USD" and t.day is not None for t in ticks)
            fake.close()  # the exchange is gone
            await until(lambda: feed.health().state is SourceState.RETRYING)
            health = feed.health()
            assert health.reason in ("Coinbase closed the connection", "Coinbase unreachable")
            assert health.retry_at_ms is not None
            assert health.retry_at_ms <= time.time() * 1000 + 100 + 1  # within the cap
            await until(lambda: feed.health().reason == "Coinbase unreachable")
            assert feed.counts.reconnects >= 2
        finally:
            task.cancel()


class FailingOnce(CoinbaseAdapter):
    """A Coinbase adapter with a bug: its first parse raises."""

    failed = False

    def parse(self, raw: str | bytes) -> Sequence[Event]:
        if not self.failed:
            self.failed = True
            raise RuntimeError("a bug")
        return super().parse(raw)


async def test_a_failing_adapter_does_not_end_the_feed() -> None:
    ticks: list[Tick] = []
    with FakeCoinbase(["BTC-USD"]) as fake:
        feed = ExchangeFeed(FailingOnce(["BTC-USD"]), FeedOptions(fake.url, **FAST))
        task = asyncio.create_task(feed.run(ticks.extend))
        try:
            await until(lambda: len(ticks) >= 2)
            assert fake.connections == 2 and not task.done()
            assert feed.health().state is SourceState.OK
        finally:
            task.cancel()


async def test_nothing_listening_is_unreachable_and_no_tick_is_made() -> None:
    ticks: list[Tick] = []
    url = f"ws://{LOOPBACK}:{free_port()}"
    feed = ExchangeFeed(CoinbaseAdapter(["BTC-USD"]), FeedOptions(url, **FAST))
    task = asyncio.create_task(feed.run(ticks.extend))
    try:
        await until(lambda: feed.counts.reconnects >= 3)
        assert feed.health().state is SourceState.RETRYING
        assert feed.health().reason == "Coinbase unreachable"
        assert ticks == []
    finally:
        task.cancel()
