"""A tab the feed refuses for a reason other than its credentials is told why (docs/
reliability.md, fault 18), over real sockets against the real feed server process.

The server admits one connection per address; a first tab takes it, a second tab is refused
with `too_many_connections`. The second tab's link is not unauthorized (it is retried): its
status carries the refusal's code, the round's notice (a toast) and the connection details
say plainly why and that it is retried; once the first tab is gone, it is live by itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from marketpulse.feed import FeedClientConfig, LinkState
from marketpulse.streaming.plan import FeedPlan
from marketpulse.streaming.refusals import link_refusal_message
from marketpulse.streaming.rounds import TabView
from marketpulse.streaming.subscription import TabSubscription
from marketpulse.streaming.tab_feed import TabFeed
from tests.support.feed_server import running_feed_server

VIEW = TabView(subject="", user_id=0, symbols=("AAPL",), throttle_ms=250, chart=None)
PLAN = FeedPlan("", VIEW.symbols, VIEW.throttle_ms)


class Tab:
    """One tab's feed task, reduced: its subscription's events folded into its `TabFeed`."""

    def __init__(self, url: str) -> None:
        self.subscription = TabSubscription(FeedClientConfig(), [url], lambda _: "")
        self.feed = TabFeed()
        self.notices: list[str] = []

    async def until(self, condition: Callable[[], bool], timeout: float = 15.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                events = await self.subscription.next_events(0.2)
                self.feed.desk.fold(events, int(time.time() * 1000))
                delivery = self.feed.deliver(VIEW, int(time.time() * 1000), lambda: None)
                self.notices += [notice.text for notice in delivery.notices]
                self.subscription.completed()
                self.subscription.reconcile(PLAN)


@pytest.mark.timeout(60)
async def test_a_tab_refused_for_too_many_connections_is_told_why_and_retried() -> None:
    with running_feed_server(FEED_MAX_CONNECTIONS_PER_IP="1") as server:
        first, second = Tab(server.url), Tab(server.url)
        try:
            first.subscription.start(PLAN)
            await first.until(lambda: first.subscription.state is LinkState.LIVE)
            second.subscription.start(PLAN)

            def refused() -> bool:
                status = second.subscription.status()
                return status is not None and status.refusal == "too_many_connections"

            await second.until(refused)
            status = second.subscription.status()
            assert status is not None and status.state is not LinkState.UNAUTHORIZED
            await second.until(lambda: bool(second.notices))
            said = second.notices[-1]
            assert "too many connections from this app" in said
            assert "Retrying automatically" in said
            assert link_refusal_message(status).startswith("The price feed refused this tab")

            await first.subscription.close()
            await second.until(lambda: second.subscription.state is LinkState.LIVE, timeout=20)
        finally:
            await first.subscription.close()
            await second.subscription.close()
