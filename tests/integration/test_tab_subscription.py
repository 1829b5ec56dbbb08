"""`TabSubscription` with the real `FeedClient` against the real feed server process.

What a tab's feed task relies on, over real sockets: the plan subscribed once live (and the
catalog asked for), watchlist edits and a new update rate applied, a symbol the feed does not
trade reported without holding up the rest, another user's connection made with that user's
tokens, failover to the next server when one dies, and the in-band token refresh that keeps a
connection past its first token's expiry. Every wait is on an observed condition.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from marketpulse.auth.feed_tokens import FeedTokenIssuer, load_or_create_private_key
from marketpulse.feed import BackoffPolicy, Batch, FeedClientConfig, FeedEvent, LinkState
from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.subscription import UNAUTHORIZED_RETRY_S, TabSubscription
from realtime_server.security.keys import write_keypair
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration

SCOPE = "price:* bars:* news news:* summary"
CONFIG = FeedClientConfig(
    request_timeout_s=3, backoff=BackoffPolicy(base_s=0.05, cap_s=0.3), polling_after_failures=0
)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_keypair(tmp_path_factory.mktemp("app-keys"))


def issuer(keys: tuple[Path, Path], ttl_s: int = 600) -> FeedTokenIssuer:
    """The app's own token issuer, with the key the feed servers here verify."""
    return FeedTokenIssuer(
        load_or_create_private_key(keys[0]),
        audience="marketpulse-feed",
        issuer="marketpulse",
        scope=SCOPE,
        ttl_s=ttl_s,
    )


@pytest.fixture(scope="module")
def feed_server(keys: tuple[Path, Path]) -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_JWT_PUBLIC_KEY_FILE=str(keys[1])) as server:
        yield server


class Tab:
    """A tab's view of one subscription: every event it was handed, and sync helpers."""

    def __init__(self, subscription: TabSubscription) -> None:
        self.subscription = subscription
        self.events: list[FeedEvent] = []
        self.results: list[SyncResult] = []

    async def until(self, condition: Callable[[], bool], timeout: float = 15.0) -> None:
        """Read events (as the tab's task does) until `condition` holds."""
        async with asyncio.timeout(timeout):
            while not condition():
                self.events += await self.subscription.next_events(0.2)

    async def sync(self, plan: FeedPlan) -> SyncResult:
        result = await self.subscription.sync(plan)
        self.results.append(result)
        return result

    def live(self) -> bool:
        return self.subscription.state is LinkState.LIVE

    def channels_seen(self, since: int = 0) -> set[str]:
        return {u.channel for e in self.events[since:] if isinstance(e, Batch) for u in e.updates}


@pytest.fixture
async def open_tab(keys: tuple[Path, Path]) -> AsyncIterator[Callable[..., Tab]]:
    subscriptions: list[TabSubscription] = []

    def factory(urls: list[str], mint: Callable[[str], str] | None = None, **kw: object) -> Tab:
        mint = mint or (lambda subject: issuer(keys).mint(subject).token)
        subscription = TabSubscription(CONFIG, urls, mint, **kw)  # type: ignore[arg-type]  # clock
        subscriptions.append(subscription)
        return Tab(subscription)

    yield factory
    for subscription in subscriptions:
        await subscription.close()


def plan(*symbols: str, subject: str = "", throttle_ms: int = 100) -> FeedPlan:
    return FeedPlan(subject, symbols, throttle_ms, chart=("1s", symbols[0]))


async def test_the_plan_is_subscribed_once_live_with_the_catalog(
    feed_server: FeedServerProcess, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab([feed_server.url])
    wanted = plan("AAPL", "MSFT")
    tab.subscription.start(wanted)
    assert (await tab.sync(wanted)).catalog is None  # not live yet: nothing to do
    await tab.until(tab.live)
    first = await tab.sync(wanted)
    assert first.catalog is not None and first.catalog.source == "simulator"
    assert "AAPL" in {i.symbol for i in first.catalog.instruments}
    client = tab.subscription.client
    assert client is not None and set(client.channels) == set(wanted.channels)
    await tab.until(lambda: {"price:AAPL", "price:MSFT", "bars:1s:AAPL"} <= tab.channels_seen())
    again = await tab.sync(wanted)
    assert again.catalog is None and again.refused == {} and not again.restarted


async def test_watchlist_edits_and_a_new_rate_reach_the_server(
    feed_server: FeedServerProcess, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab([feed_server.url])
    tab.subscription.start(plan("AAPL", "MSFT"))
    await tab.until(tab.live)
    await tab.sync(plan("AAPL", "MSFT"))
    edited = plan("AAPL", "NVDA", throttle_ms=1000)
    await tab.sync(edited)
    client = tab.subscription.client
    assert client is not None and set(client.channels) == set(edited.channels)
    mark = len(tab.events)
    await tab.until(lambda: "price:NVDA" in tab.channels_seen(mark))
    settled = len(tab.events)  # from here on only the new set, at the new rate
    await tab.until(lambda: len(flushes(tab.events[settled:])) >= 4)
    assert "price:MSFT" not in tab.channels_seen(settled)
    times = flushes(tab.events[settled:])
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 900, gaps  # the server now flushes at most once a second


def flushes(events: list[FeedEvent]) -> list[int]:
    """Server flush times of the batches that carried prices (not the client's own)."""
    return [
        e.server_ts
        for e in events
        if isinstance(e, Batch) and any(u.channel.startswith("price:") for u in e.updates)
    ]


async def test_a_symbol_the_feed_does_not_trade_is_reported_once_and_the_rest_streams(
    feed_server: FeedServerProcess, open_tab: Callable[..., Tab]
) -> None:
    tab = open_tab([feed_server.url])
    wanted = plan("AAPL", "ZZZZ", "MSFT")
    tab.subscription.start(wanted)
    await tab.until(tab.live)
    result = await tab.sync(wanted)
    assert result.refused == {"price:ZZZZ": "unknown_symbol"}
    await tab.until(lambda: {"price:AAPL", "price:MSFT"} <= tab.channels_seen())
    assert (await tab.sync(wanted)).refused == {}  # never asked again


async def test_another_user_connects_again_with_that_users_tokens(
    feed_server: FeedServerProcess, keys: tuple[Path, Path], open_tab: Callable[..., Tab]
) -> None:
    app = issuer(keys)
    minted: list[str] = []

    def mint(subject: str) -> str:
        minted.append(subject)
        return app.mint(subject).token

    tab = open_tab([feed_server.url], mint=mint)
    tab.subscription.start(plan("AAPL"))  # a guest: no token asked for
    await tab.until(tab.live)
    await tab.sync(plan("AAPL"))
    assert minted == []
    guests_client = tab.subscription.client
    user = plan("AAPL", subject="u-42")
    assert (await tab.sync(user)).restarted
    assert tab.subscription.client is not guests_client
    await tab.until(tab.live)
    await tab.sync(user)
    client = tab.subscription.client
    assert client is not None and "alerts:u-42" in client.channels  # only a user may hold it
    assert minted and set(minted) == {"u-42"}


async def test_a_dead_server_is_failed_over_to_the_next(
    keys: tuple[Path, Path], open_tab: Callable[..., Tab]
) -> None:
    env = {"FEED_JWT_PUBLIC_KEY_FILE": str(keys[1])}
    with running_feed_server(**env) as first, running_feed_server(**env) as second:
        tab = open_tab([first.url, second.url])
        wanted = plan("AAPL")
        tab.subscription.start(wanted)
        await tab.until(tab.live)
        await tab.sync(wanted)
        status = tab.subscription.status()
        assert status is not None and status.url == first.url
        await asyncio.to_thread(first.kill)
        await tab.until(lambda: not tab.live())
        mark = len(tab.events)

        def live_on_second() -> bool:
            now = tab.subscription.status()
            return tab.live() and now is not None and now.url == second.url

        await tab.until(live_on_second)
        await tab.until(lambda: "price:AAPL" in tab.channels_seen(mark))  # resubscribed there


async def test_a_token_is_refreshed_in_band_before_it_expires(
    keys: tuple[Path, Path], open_tab: Callable[..., Tab]
) -> None:
    ttl_s = 4
    env = {"FEED_JWT_PUBLIC_KEY_FILE": str(keys[1]), "FEED_JWT_LEEWAY_S": "0"}
    with running_feed_server(**env) as server:
        short = issuer(keys, ttl_s=ttl_s)
        tab = open_tab([server.url], mint=lambda subject: short.mint(subject).token)
        wanted = plan("AAPL", subject="u-7")
        tab.subscription.start(wanted)
        await tab.until(tab.live)
        await tab.sync(wanted)
        expired_at = time.time() + ttl_s + 1.5  # the first token is dead by then
        client = tab.subscription.client
        assert client is not None
        await tab.until(lambda: time.time() > expired_at, timeout=ttl_s + 10)
        mark = len(tab.events)
        await tab.until(lambda: "price:AAPL" in tab.channels_seen(mark))
        metrics = client.metrics()
        assert tab.live() and metrics.reconnects == 0
        assert metrics.token_refreshes >= 1


async def test_a_refused_login_is_tried_again_after_its_pause(
    feed_server: FeedServerProcess,
    open_tab: Callable[..., Tab],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    stranger = issuer(write_keypair(tmp_path_factory.mktemp("other-keys")))
    now = [0.0]
    tab = open_tab(
        [feed_server.url], mint=lambda subject: stranger.mint(subject).token, clock=lambda: now[0]
    )
    wanted = plan("AAPL", subject="u-9")
    tab.subscription.start(wanted)
    await tab.until(lambda: tab.subscription.state is LinkState.UNAUTHORIZED)
    assert not (await tab.sync(wanted)).restarted
    now[0] += UNAUTHORIZED_RETRY_S
    assert (await tab.sync(wanted)).restarted
    await tab.until(lambda: tab.subscription.state is LinkState.UNAUTHORIZED)
