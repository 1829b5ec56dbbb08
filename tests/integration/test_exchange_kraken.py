"""The feed server on `FEED_SOURCE=kraken` against a fake Kraken WebSocket v2: `BTC/USD`
arrives as `BTC-USD` with Kraken's 24 h figures; a skipped trade number resubscribes the pair
with a snapshot, which brings the missed trade back (the trades already seen are dropped as
repeats); a pair Kraken refuses is reported and the others trade on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from realtime_server.protocol import CatalogAck, SubscribeAck
from tests.support.fake_exchange import FakeKraken
from tests.support.fake_exchange.live_feed import (
    LiveFeedServer,
    eventually,
    metric,
    readyz,
    running_live_feed,
)
from tests.support.fake_exchange.market import SKIPPED_SIZE

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeKraken]:
    with FakeKraken(["BTC/USD", "ETH/USD"]) as exchange:
        yield exchange  # type: ignore[misc]


@pytest.fixture(scope="module")
def feed(fake: FakeKraken) -> Iterator[LiveFeedServer]:
    # XRP-USD is not listed on the fake: Kraken refuses that one pair
    with running_live_feed(
        "kraken", fake.url, FEED_EXCHANGE_SYMBOLS='["BTC-USD","ETH-USD","XRP-USD"]'
    ) as server:
        yield server


async def test_kraken_pairs_arrive_in_the_protocol_s_names_with_kraken_s_24h_figures(
    open_client: Any, fake: FakeKraken, feed: LiveFeedServer
) -> None:
    client = await open_client(feed.url)
    catalog = CatalogAck.model_validate(await client.request("catalog", {"id": "c"}))
    decimals = {i.symbol: i.price_decimals for i in catalog.instruments}
    assert decimals == {"BTC-USD": 1, "ETH-USD": 2, "XRP-USD": 5}
    SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": ["price:BTC-USD"]})
    )
    await client.wait_for(lambda: len(client.updates("price:BTC-USD")) >= 2)
    quote = client.updates("price:BTC-USD")[-1]["data"]
    state = fake.state("BTC/USD")
    assert quote["symbol"] == "BTC-USD"
    assert quote["open"] == pytest.approx(state.open_24h)  # last - change, Kraken's 24 h open
    assert quote["volume"] > 12_345 and quote["vwap"] != quote["last"]


async def test_a_refused_pair_is_counted_and_the_others_trade_on(feed: LiveFeedServer) -> None:
    await eventually(lambda: metric(feed, "feed_source_exchange_errors_total") >= 2)
    status, body = readyz(feed)
    assert status == 503 and body["checks"] == {**body["checks"], "quotes_complete": False}
    assert body["checks"]["source_ok"] is True  # the exchange is fine; one pair never quotes
    assert "Currency pair not supported XRP/USD" in feed.output()


async def test_a_gap_resubscribes_with_a_snapshot_that_brings_the_missed_trade_back(
    open_client: Any, fake: FakeKraken, feed: LiveFeedServer
) -> None:
    client = await open_client(feed.url)
    bars = ["bars:1m:ETH-USD", "bars:5m:ETH-USD"]
    channels = ["price:ETH-USD", *bars]
    await client.request("subscribe", {"id": "s", "channels": channels, "throttle_ms": 20})
    await client.wait_for(lambda: len(client.updates("price:ETH-USD")) >= 1)
    repeats = metric(feed, "feed_source_dropped_messages_total", 'reason="repeat"')
    fake.skip_trade("ETH/USD")

    def resubscribed() -> bool:
        methods = [
            m["method"]
            for m in fake.messages(lambda m: m.get("params", {}).get("symbol") == ["ETH/USD"])
        ]
        return methods[-2:] == ["unsubscribe", "subscribe"]

    await eventually(resubscribed)
    assert metric(feed, "feed_source_sequence_gaps_total") >= 1
    # the snapshot replays trades already seen: dropped as repeats, never shown twice
    await eventually(
        lambda: metric(feed, "feed_source_dropped_messages_total", 'reason="repeat"') > repeats
    )

    def recovered() -> bool:  # the missed trade (of SKIPPED_SIZE) is in a bar now
        return any(
            u["data"]["volume"] >= SKIPPED_SIZE for u in client.updates_matching(bars.__contains__)
        )

    await client.wait_for(recovered)
    assert metric(feed, "feed_source_recovered_trades_total") >= 1
    seen = len(client.updates("price:ETH-USD"))
    await client.wait_for(lambda: len(client.updates("price:ETH-USD")) > seen + 2)
