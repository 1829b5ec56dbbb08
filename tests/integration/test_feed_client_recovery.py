"""Recovery after a lost connection, against the real feed server process.

- The client's socket is cut while the server keeps running (a TCP proxy the test controls
  sits between them): on reconnect it subscribes with `since`, the server replays exactly the
  news it missed (`recovered: true`), nothing lost, nothing twice.
- Requests made while cut off (subscription changes, alert operations) wait in the outbound
  queue and are applied on reconnect, in order, each caller getting its own ack.
- The server is killed (SIGKILL) and restarted on the same port: history was in memory, so
  the epoch changed; the client comes back live by itself with a reset (`recovered: false`)
  and fresh data.

Every wait is on an observed condition under a timeout; the proxy and servers are always
closed, even on failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from marketpulse.feed import (
    BackoffPolicy,
    Batch,
    ChannelReset,
    FeedClient,
    FeedClientConfig,
    LinkState,
)
from tests.integration.conftest import Tokens
from tests.support.feed_server import running_feed_server
from tests.support.recorder import Recorder, states
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration

NEWS_FAST = {
    "FEED_SEED": "5",
    "FEED_AMBIENT_NEWS_PER_MINUTE": "600",
    "FEED_TICKS_PER_SECOND": "200",
}
CHANNELS = ["news", "price:AAPL"]


def fast_config(**overrides: object) -> FeedClientConfig:
    return FeedClientConfig(
        backoff=BackoffPolicy(base_s=0.05, cap_s=0.3),
        request_timeout_s=3,
        connect_timeout_s=3,
        **overrides,  # type: ignore[arg-type]  # overrides: any of FeedClientConfig's fields, typed object
    )


@pytest.fixture
async def proxied(tokens: Tokens) -> AsyncIterator[tuple[str, TcpProxy]]:
    """The server (accepting the session's tokens, and guests) behind a `TcpProxy`."""
    with running_feed_server(**NEWS_FAST, **tokens.env()) as server:
        proxy = await TcpProxy(server.port).start()
        try:
            yield server.url, proxy
        finally:
            await proxy.close()


async def test_cut_connection_recovers_exactly_the_missed_news(
    proxied: tuple[str, TcpProxy], open_client: Callable[..., object]
) -> None:
    server_url, proxy = proxied
    # An observer straight on the server sees every news item, to compare against.
    observer = await open_client(server_url)  # type: ignore[misc]  # the fixture is typed Callable[..., object]; it is a coroutine function
    ack = await observer.request("subscribe", {"id": "o1", "channels": ["news"]})
    observed_from = ack["positions"]["news"]["seq"]

    client = FeedClient(fast_config())
    recorder = Recorder(client)
    try:
        client.start(proxy.url, CHANNELS, throttle_ms=50)
        await recorder.until(recorder.reached(LinkState.LIVE))
        [initial] = [e for e in recorder.events if isinstance(e, ChannelReset)]
        start_seq = initial.positions["news"].seq
        assert start_seq >= observed_from
        await recorder.until(lambda: len(recorder.news()) >= 2)

        proxy.cut()
        await recorder.until(recorder.reached(LinkState.RECONNECTING))
        cut_at = recorder.news()[-1][0]
        # While the client is cut off, the server publishes news it will have to recover.
        await observer.wait_for(
            lambda: any(u["seq"] >= cut_at + 5 for u in observer.updates("news"))
        )
        assert recorder.news()[-1][0] == cut_at, "news arrived through a cut connection"

        mark = recorder.mark()
        proxy.restore()
        await recorder.until(recorder.reached(LinkState.LIVE, mark))
        after = recorder.since(mark)
        # news was replayed, not reset; only the conflated price was refreshed by snapshot
        resets = [e for e in after if isinstance(e, ChannelReset)]
        assert all("news" not in r.items for r in resets)
        assert states(after)[-1] is LinkState.LIVE
        await recorder.until(lambda: recorder.news()[-1][0] >= cut_at + 8)
    finally:
        await client.close()
        await recorder.close()

    got = recorder.news()
    seqs = [seq for seq, _ in got]
    assert seqs == list(range(start_seq + 1, start_seq + 1 + len(got))), "lost or repeated news"
    observed = {u["seq"]: u["data"]["id"] for u in observer.updates("news")}
    assert dict(got) == {seq: observed[seq] for seq in seqs}, "news differs from the server's"
    assert client.metrics().reconnects == 1


async def test_kill_and_restart_comes_back_live_with_a_reset_and_fresh_data() -> None:
    with running_feed_server(**NEWS_FAST) as server:
        # No HTTP polling here: a poll of the restarted server would bridge the outage (and
        # apply the new epoch's reset itself), and this test is about the socket's recovery.
        client = FeedClient(fast_config(polling_after_failures=0))
        recorder = Recorder(client)
        try:
            client.start(server.url, CHANNELS, throttle_ms=50)
            await recorder.until(recorder.reached(LinkState.LIVE))
            [initial] = [e for e in recorder.events if isinstance(e, ChannelReset)]
            old_epoch = initial.positions["news"].epoch
            await recorder.until(lambda: len(recorder.news()) >= 1)

            await asyncio.to_thread(server.kill)
            await recorder.until(recorder.reached(LinkState.RECONNECTING))
            mark = recorder.mark()
            await asyncio.to_thread(server.restart)
            await recorder.until(recorder.reached(LinkState.LIVE, mark), 20)

            after = recorder.since(mark)
            [reset] = [e for e in after if isinstance(e, ChannelReset)]
            assert reset.reason == "resubscribe"
            assert set(reset.items) == set(CHANNELS)
            new_epoch = reset.positions["news"].epoch
            assert new_epoch != old_epoch
            price_seq = reset.positions["price:AAPL"].seq

            # Fresh data of the new epoch follows: prices past the reset's position.
            def fresh_price() -> bool:
                return any(
                    u.channel == "price:AAPL" and u.seq > price_seq
                    for e in recorder.since(after.index(reset) + mark)
                    if isinstance(e, Batch)
                    for u in e.updates
                )

            await recorder.until(fresh_price)
            assert client.state is LinkState.LIVE
            assert client.status.attempt == 0
            assert client.metrics().reconnects == 1
        finally:
            await client.close()
            await recorder.close()


async def test_requests_made_while_cut_off_are_applied_in_order_on_reconnect(
    proxied: tuple[str, TcpProxy], tokens: Tokens
) -> None:
    _, proxy = proxied
    client = FeedClient(fast_config())
    recorder = Recorder(client)
    try:
        client.start(
            proxy.url, ["price:AAPL"], throttle_ms=50, token_provider=lambda: tokens.mint("dora")
        )
        await recorder.until(recorder.reached(LinkState.LIVE))
        proxy.cut()
        await recorder.until(recorder.reached(LinkState.RECONNECTING))

        subscribed = asyncio.create_task(client.subscribe(["price:MSFT", "alerts:dora"]))
        created = asyncio.create_task(client.alert_create("MSFT", "above", 9e8, note="never"))
        dropped = asyncio.create_task(client.unsubscribe(["price:AAPL"]))
        listed = asyncio.create_task(client.alert_list())
        await asyncio.sleep(0)  # one loop turn: each task has queued its request
        assert client.queued == 4
        assert not any(t.done() for t in (subscribed, created, dropped, listed))

        mark = recorder.mark()
        proxy.restore()
        async with asyncio.timeout(10):
            sub_ack, rule_ack, unsub_ack, list_ack = await asyncio.gather(
                subscribed, created, dropped, listed
            )
        assert sub_ack.channels == ["price:MSFT", "alerts:dora"]
        assert rule_ack.rule.note == "never"
        assert unsub_ack.channels == ["price:AAPL"]
        # listed after it was created: the queue kept the callers' order
        assert [rule.id for rule in list_ack.rules] == [rule_ack.rule.id]
        assert client.queued == 0
        assert client.channels == ["price:MSFT", "alerts:dora"]

        # From the unsubscribe's ack on, only the new subscription's data arrives. A ping sent
        # after the acks is answered at a server time after the unsubscribe was applied: every
        # batch the server flushed from then on must leave AAPL out.
        applied_by = (await client.ping()).server_ts

        def after_ack() -> list[str]:
            """The channel of every update the server flushed after the unsubscribe."""
            batches = [e for e in recorder.since(mark) if isinstance(e, Batch)]
            return [u.channel for b in batches if b.server_ts > applied_by for u in b.updates]

        await recorder.until(lambda: after_ack().count("price:MSFT") >= 3)
        assert "price:AAPL" not in after_ack(), after_ack()
        assert client.state is LinkState.LIVE
    finally:
        await client.close()
        await recorder.close()
