"""Every channel kind against the real server process, as a Socket.IO client sees it.

One server for the module, tuned so that everything happens within a second or two: news from
ambient headlines and price shocks several times a second, a summary every 200 ms, 400 ticks/s
(AAPL alone trades ~20 times a second, so its 1 s bars close every second). Every wait is on
an observed condition under a timeout.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import httpx
import pytest

from realtime_server.protocol import (
    Bar,
    Batch,
    CatalogAck,
    ErrorAck,
    ModifyAck,
    NewsItem,
    PingAck,
    Quote,
    SourceStatus,
    SubscribeAck,
    SubscriptionsAck,
    Summary,
    UnsubscribeAck,
)
from realtime_server.sources.universe import DEFAULT_UNIVERSE
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration

SYMBOLS = [entry.symbol for entry in DEFAULT_UNIVERSE]
"""Every symbol the simulator trades, in the server's order."""
PRICE_CHANNELS = [f"price:{symbol}" for symbol in SYMBOLS]


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(
        FEED_SEED="11",
        FEED_TICKS_PER_SECOND="400",
        FEED_AMBIENT_NEWS_PER_MINUTE="600",
        FEED_JUMPS_PER_MINUTE="300",
        FEED_SUMMARY_INTERVAL_MS="200",
    ) as server:
        yield server


@pytest.fixture
def connect(open_client, feed_server):
    """A guest client of the module's server (a `FeedTestClient`)."""
    return lambda: open_client(feed_server.url)


def news_seqs(updates: list[dict]) -> list[int]:
    return [update["seq"] for update in updates]


# -- price -------------------------------------------------------------------------------------


async def test_price_pattern_expands_to_every_symbol_in_the_ack(connect) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "all", "channels": ["price:*"]})
    )

    assert ack.id == "all"
    assert sorted(ack.channels) == sorted(PRICE_CHANNELS)
    assert len(ack.channels) == len(set(ack.channels))
    assert set(ack.snapshot) == set(PRICE_CHANNELS)
    assert set(ack.positions) == set(PRICE_CHANNELS)
    for channel, quote in ack.snapshot.items():
        assert isinstance(quote, Quote)
        assert quote.symbol == channel.removeprefix("price:")
    assert ack.recovered is True
    assert ack.replay == {}

    listed = SubscriptionsAck.model_validate(await client.request("subscriptions", {"id": "l"}))
    assert sorted(listed.channels) == sorted(PRICE_CHANNELS)


async def test_the_catalog_lists_what_the_feed_trades_to_guests_and_over_http(
    connect, feed_server: FeedServerProcess
) -> None:
    client = await connect()
    ack = CatalogAck.model_validate(await client.request("catalog", {"id": "c"}))
    assert ack.id == "c" and ack.source == "simulator"
    assert [i.symbol for i in ack.instruments] == SYMBOLS  # the server's display order
    by_symbol = {i.symbol: i for i in ack.instruments}
    assert by_symbol["AAPL"].name == "Apple Inc." and by_symbol["AAPL"].sector == "Technology"
    assert all(i.currency == "USD" and i.price_decimals == 2 for i in ack.instruments)
    # exactly what a subscription accepts
    expanded = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": ["price:*"]})
    )
    assert sorted(expanded.channels) == sorted(f"price:{i.symbol}" for i in ack.instruments)

    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{feed_server.url}/api/catalog")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["source"] == "simulator"
    assert body["instruments"] == [i.model_dump(mode="json") for i in ack.instruments]


async def test_the_source_channel_says_where_prices_come_from_and_ticks_along(connect) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": ["source"], "throttle_ms": 50})
    )
    status = ack.snapshot["source"]
    assert isinstance(status, SourceStatus)
    assert (status.name, status.kind, status.label) == (
        "simulator",
        "simulated",
        "Simulated market",
    )
    assert status.state == "ok" and status.news == "generated" and status.session == "always"
    assert abs(status.clock - time.time() * 1000) < 5_000  # the simulator trades in the present

    def newer() -> bool:
        return any(u["data"]["clock"] > status.clock for u in client.updates("source"))

    await client.wait_for(newer, timeout=5)


def test_a_synthetic_feed_is_set_up_by_settings_alone() -> None:
    with running_feed_server(
        FEED_SOURCE="synthetic", FEED_SYNTHETIC_SYMBOLS="12", FEED_HISTORY_MINUTES="0"
    ) as server:
        body = httpx.get(f"{server.url}/api/catalog", timeout=5).json()
        assert body["source"] == "synthetic"
        assert [i["symbol"] for i in body["instruments"]] == [f"S{i:03d}" for i in range(12)]
        ready = httpx.get(f"{server.url}/readyz", timeout=5).json()
        assert ready["checks"]["source_ok"] is True


async def test_conflation_paces_flushes_and_always_ends_on_the_latest_value(
    connect, feed_server
) -> None:
    """Throttle 250 ms: batches at least 250 ms apart, and nothing is ever held back.

    "Ends on the latest value" cannot be checked by stopping the feed, so it is checked as the
    property it stands for: whatever the server holds at a moment T (read with GET
    /api/snapshot, which gives each channel's value, its seq and the server's clock) reaches
    the client — that very update, or a newer one of the same channel — in a batch flushed no
    later than T + one throttle window (+ scheduling slack). A server that dropped the last
    update of a window, or kept an older value when a newer one was pending, would leave the
    client short of that seq for good. Where the client received that very seq, it must carry
    the very value of the snapshot. A value the subscribe ack's snapshot already carried is
    delivered by the ack itself.
    """
    throttle, slack = 250, 300
    # Busy and quiet symbols (AAPL ~20 trades/s, LIN and DUK ~2/s: a value held back on a quiet
    # channel would not be superseded, and so not delivered, for a long while).
    channels = ["price:AAPL", "price:MSFT", "price:LIN", "price:DUK", "summary"]
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe", {"id": "c", "channels": channels, "throttle_ms": throttle}
        )
    )
    assert ack.throttle_ms == throttle
    await client.wait_for(lambda: len(client.batches) >= 2)

    def first_batch_reaching(channel: str, seq: int) -> tuple[Batch, dict] | None:
        for received in client.batches:
            batch = Batch.model_validate(received.payload)
            for update in received.payload["updates"]:
                if update["channel"] == channel and update["seq"] >= seq:
                    return batch, update
        return None

    checked: set[str] = set()
    async with httpx.AsyncClient(base_url=feed_server.url, timeout=5) as http:
        for _ in range(3):
            response = await http.get("/api/snapshot", params={"channels": ",".join(channels)})
            assert response.status_code == 200
            held = response.json()
            for channel in channels:
                seq = held["positions"][channel]["seq"]
                if seq <= ack.positions[channel].seq:
                    # Still the value the ack's snapshot delivered (a quiet channel): no batch
                    # owes it, and the next batch of that channel will carry a newer seq.
                    continue
                await client.wait_for(lambda ch=channel, s=seq: first_batch_reaching(ch, s))
                found = first_batch_reaching(channel, seq)
                assert found is not None
                batch, update = found
                assert batch.server_ts <= held["server_ts"] + throttle + slack, (
                    f"{channel} seq {seq} held at {held['server_ts']} reached the client only "
                    f"in the batch of {batch.server_ts}"
                )
                if update["seq"] == seq:
                    assert update["data"] == held["snapshot"][channel]
                checked.add(channel)
            # The next snapshot is taken after at least one more flush.
            seen = len(client.batches)
            await client.wait_for(lambda n=seen: len(client.batches) > n)
    assert "price:AAPL" in checked, f"the busy channel never moved past the ack: {checked}"

    batches = [Batch.model_validate(b.payload) for b in client.batches]
    gaps = [b.server_ts - a.server_ts for a, b in itertools.pairwise(batches)]
    assert min(gaps) >= throttle - 1, f"flushes closer than the throttle: {gaps}"
    last_seq = {ch: pos.seq for ch, pos in ack.positions.items()}
    delivered = 0
    for batch in batches:
        names = [u.channel for u in batch.updates]
        assert len(names) == len(set(names)), "a conflated batch repeats a channel"
        for update in batch.updates:
            assert update.seq > last_seq[update.channel], "a stale or repeated update"
            last_seq[update.channel] = update.seq
            delivered += update.channel == "price:AAPL"
    # AAPL trades ~20 times a second: most of its values were superseded within a window.
    assert last_seq["price:AAPL"] - ack.positions["price:AAPL"].seq > delivered


# -- bars --------------------------------------------------------------------------------------


async def test_bars_snapshot_is_oldest_first_and_a_closed_bar_is_followed_by_the_next(
    connect,
) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe", {"id": "b", "channels": ["bars:1s:AAPL"], "throttle_ms": 50}
        )
    )
    bars = ack.snapshot["bars:1s:AAPL"]
    assert isinstance(bars, list)
    assert bars, "the server has been trading AAPL for a while: some bars exist"
    assert all(isinstance(bar, Bar) for bar in bars)
    assert all(bar.symbol == "AAPL" and bar.interval == "1s" for bar in bars)
    starts = [bar.start for bar in bars]
    assert starts == sorted(set(starts)), "bars oldest first, one per start"
    assert all(start % 1000 == 0 for start in starts)
    assert all(bar.closed for bar in bars[:-1]), "only the newest bar may still be forming"
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high

    def closed_then_next() -> tuple[int, int] | None:
        updates = client.updates("bars:1s:AAPL")
        for i, update in enumerate(updates):
            if update["data"]["closed"]:
                later = [
                    u for u in updates[i + 1 :] if u["data"]["start"] > update["data"]["start"]
                ]
                if later:
                    return i, updates.index(later[0])
        return None

    await client.wait_for(lambda: closed_then_next() is not None, timeout=10)
    updates = client.updates("bars:1s:AAPL")
    closed_at, next_at = closed_then_next()  # type: ignore[misc]  # Optional; the wait_for above ensured it is not None
    closed = Bar.model_validate(updates[closed_at]["data"])
    following = Bar.model_validate(updates[next_at]["data"])
    assert following.start > closed.start
    assert following.start % 1000 == 0
    assert not any(u["data"]["start"] == closed.start for u in updates[closed_at + 1 :]), (
        "a closed bar is final: no update of it follows"
    )
    seqs = [u["seq"] for u in updates]
    assert seqs == sorted(set(seqs))
    assert seqs[0] > ack.positions["bars:1s:AAPL"].seq


async def test_a_fresh_server_charts_the_replayed_past_up_to_now(connect) -> None:
    """The simulator replays two hours before going live (FEED_HISTORY_MINUTES default)."""
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe",
            {"id": "h", "channels": ["bars:1m:AAPL", "bars:5m:AAPL"], "throttle_ms": 50},
        )
    )
    minutes = ack.snapshot["bars:1m:AAPL"]
    assert isinstance(minutes, list) and len(minutes) == 120, "FEED_BARS_SNAPSHOT bars, all past"
    assert minutes[-1].start >= time.time() * 1000 - 180_000, "up to the present"
    assert minutes[-1].start - minutes[0].start >= 100 * 60_000, "about two hours of 1m bars"
    assert all(bar.volume > 0 and bar.trades > 0 for bar in minutes)
    five = ack.snapshot["bars:5m:AAPL"]
    assert isinstance(five, list) and len(five) >= 20


# -- summary -----------------------------------------------------------------------------------


async def test_summary_snapshot_and_updates_are_summaries(connect) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": ["summary"], "throttle_ms": 50})
    )
    snapshot = ack.snapshot["summary"]
    assert isinstance(snapshot, Summary)

    await client.wait_for(lambda: len(client.updates("summary")) >= 3)
    summaries = [Summary.model_validate(u["data"]) for u in client.updates("summary")]
    for summary in [snapshot, *summaries]:
        assert summary.advancers + summary.decliners + summary.unchanged == len(SYMBOLS)
        assert summary.indices
        assert summary.gainers and summary.losers and summary.most_active
    stamps = [snapshot.ts] + [s.ts for s in summaries]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    seqs = news_seqs(client.updates("summary"))
    assert seqs[0] > ack.positions["summary"].seq


# -- news --------------------------------------------------------------------------------------


async def test_news_is_lossless_and_in_order_under_a_long_throttle(connect) -> None:
    """Several headlines a second, one flush a second: every one arrives, none twice, in order."""
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "n", "channels": ["news"], "throttle_ms": 1000})
    )
    assert ack.throttle_ms == 1000
    recent = ack.snapshot["news"]
    assert isinstance(recent, list)
    assert all(isinstance(item, NewsItem) for item in recent)
    start = ack.positions["news"].seq

    await client.wait_for(lambda: len(client.batches) >= 3, timeout=10)
    updates = client.updates("news")
    seqs = news_seqs(updates)
    assert seqs == list(range(start + 1, start + 1 + len(seqs))), "a gap or a reordering"
    items = [NewsItem.model_validate(u["data"]) for u in updates]
    assert len({item.id for item in items}) == len(items)
    # Not conflated: a window holding several headlines delivers them all.
    assert max(len(b.payload["updates"]) for b in client.batches) > 1


async def test_symbol_news_items_all_tag_their_symbol(connect) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "n", "channels": ["news:*"], "throttle_ms": 50})
    )
    assert sorted(ack.channels) == sorted(f"news:{s}" for s in SYMBOLS)
    for channel, recent in ack.snapshot.items():
        assert isinstance(recent, list)
        assert all(channel.removeprefix("news:") in item.symbols for item in recent)

    await client.wait_for(lambda: len(client.updates()) >= 6, timeout=10)
    by_channel: dict[str, list[int]] = {}
    for update in client.updates():
        item = NewsItem.model_validate(update["data"])
        assert update["channel"].removeprefix("news:") in item.symbols
        by_channel.setdefault(update["channel"], []).append(update["seq"])
    for channel, seqs in by_channel.items():
        first = ack.positions[channel].seq + 1
        assert seqs == list(range(first, first + len(seqs))), f"{channel} lost or reordered"


# -- modify, subscriptions, unsubscribe ---------------------------------------------------------


async def test_modify_adds_removes_and_retimes_in_one_step(connect) -> None:
    client = await connect()
    await client.request(
        "subscribe", {"id": "s", "channels": ["price:AAPL", "price:MSFT"], "throttle_ms": 50}
    )
    reply = ModifyAck.model_validate(
        await client.request(
            "modify",
            {
                "id": "m",
                "add": ["price:NVDA", "summary", "price:MSFT"],
                "remove": ["price:AAPL", "price:KO"],
                "throttle_ms": 120,
            },
        )
    )
    assert reply.id == "m"
    assert reply.added == ["price:NVDA", "summary"], "MSFT was held already"
    assert reply.removed == ["price:AAPL"], "KO was never held"
    assert reply.throttle_ms == 120
    assert isinstance(reply.snapshot["price:NVDA"], Quote)
    assert isinstance(reply.snapshot["summary"], Summary)
    assert {"price:NVDA", "summary"} <= set(reply.positions)

    listed = SubscriptionsAck.model_validate(await client.request("subscriptions", {"id": "l"}))
    assert listed.id == "l"
    assert sorted(listed.channels) == ["price:MSFT", "price:NVDA", "summary"]
    assert listed.throttle_ms == 120

    after = len(client.batches)
    await client.wait_for(lambda: len(client.batches) >= after + 4)
    later = {u["channel"] for b in client.batches[after + 1 :] for u in b.payload["updates"]}
    assert "price:AAPL" not in later
    assert "price:NVDA" in later


async def test_unsubscribe_by_pattern_drops_every_channel_it_covers(connect) -> None:
    client = await connect()
    await client.request(
        "subscribe", {"id": "s", "channels": ["price:*", "summary"], "throttle_ms": 50}
    )
    reply = UnsubscribeAck.model_validate(
        await client.request("unsubscribe", {"id": "u", "channels": ["price:*"]})
    )
    assert sorted(reply.channels) == sorted(PRICE_CHANNELS)

    listed = SubscriptionsAck.model_validate(await client.request("subscriptions", {"id": "l"}))
    assert listed.channels == ["summary"]

    after = len(client.batches)
    await client.wait_for(lambda: len(client.batches) >= after + 3)
    later = {u["channel"] for b in client.batches[after + 1 :] for u in b.payload["updates"]}
    assert later == {"summary"}


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "code"),
    [
        ("bars:2s:AAPL", "invalid_channel"),
        ("alerts:", "invalid_channel"),
        ("price:aapl", "invalid_channel"),
        ("price:ZZZZ", "unknown_symbol"),
        ("news:QQQQ", "unknown_symbol"),
        ("alerts:bob", "forbidden"),
    ],
)
async def test_a_refused_channel_gets_its_code_and_nothing_is_subscribed(
    connect, channel, code
) -> None:
    client = await connect()
    reply = ErrorAck.model_validate(
        await client.request("subscribe", {"id": "x", "channels": ["price:AAPL", channel]})
    )
    assert reply.id == "x"
    assert reply.error.code == code
    assert reply.error.message

    # All or nothing: the valid channel of the refused request was not subscribed either,
    # and the connection lives on.
    listed = SubscriptionsAck.model_validate(await client.request("subscriptions", {"id": "l"}))
    assert listed.channels == []
    pong = PingAck.model_validate(await client.request("ping", {"id": "p", "client_ts": 1}))
    assert pong.client_ts == 1


async def test_a_pattern_past_the_subscription_limit_is_refused(open_client) -> None:
    with running_feed_server(FEED_MAX_SUBSCRIPTIONS="10") as server:
        client = await open_client(server.url)
        refused = ErrorAck.model_validate(
            await client.request("subscribe", {"id": "all", "channels": ["price:*"]})
        )
        assert refused.error.code == "too_many_subscriptions"
        assert refused.id == "all"

        held = ["price:AAPL", "price:MSFT", "summary"]
        assert (await client.request("subscribe", {"id": "ok", "channels": held}))["ok"] is True
        listed = SubscriptionsAck.model_validate(await client.request("subscriptions", {"id": "l"}))
        assert listed.channels == held
        await client.sio.disconnect()
