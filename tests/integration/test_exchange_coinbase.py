"""The feed server on `FEED_SOURCE=coinbase` against a fake Coinbase Exchange (a real
websocket on a free port): a protocol client receives the exchange's prices with its own day
figures; a skipped trade number resubscribes the product; a dropped connection, silence and
garbage are recovered from or reported, and `/readyz` and the `source` channel say which.
One fake and one server for the module; each case leaves the source `ok` again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from realtime_server.protocol import CatalogAck, SourceStatus, SubscribeAck
from tests.support.fake_exchange import FakeCoinbase
from tests.support.fake_exchange.live_feed import (
    LiveFeedServer,
    eventually,
    metric,
    readyz,
    running_live_feed,
)
from tests.support.ports import LOOPBACK, free_port

pytestmark = pytest.mark.integration

PRODUCTS = ["BTC-USD", "ETH-USD"]


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeCoinbase]:
    with FakeCoinbase(PRODUCTS) as exchange:
        yield exchange  # type: ignore[misc]


@pytest.fixture(scope="module")
def feed(fake: FakeCoinbase) -> Iterator[LiveFeedServer]:
    with running_live_feed(
        "coinbase", fake.url, FEED_EXCHANGE_SYMBOLS='["BTC-USD","ETH-USD"]'
    ) as server:
        yield server


def source_ok(feed: LiveFeedServer) -> bool:
    return readyz(feed)[0] == 200


async def subscribe(open_client: Any, feed: LiveFeedServer, *channels: str) -> Any:
    client = await open_client(feed.url)
    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe", {"id": "s", "channels": list(channels), "throttle_ms": 20}
        )
    )
    return client, ack


async def test_a_client_gets_coinbase_prices_with_coinbase_s_own_day_figures(
    open_client: Any, fake: FakeCoinbase, feed: LiveFeedServer
) -> None:
    await eventually(lambda: source_ok(feed))
    client = await open_client(feed.url)
    catalog = CatalogAck.model_validate(await client.request("catalog", {"id": "c"}))
    assert catalog.source == "coinbase"
    btc = {i.symbol: i for i in catalog.instruments}["BTC-USD"]
    assert (btc.asset_class, btc.currency, btc.price_decimals) == ("crypto", "USD", 2)
    assert btc.name == "Bitcoin / USD"

    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe", {"id": "s", "channels": ["price:BTC-USD", "source"], "throttle_ms": 20}
        )
    )
    status = ack.snapshot["source"]
    assert isinstance(status, SourceStatus)
    assert (status.kind, status.label, status.state) == ("live", "Live · Coinbase", "ok")
    assert (status.news, status.session) == ("none", "always")

    await client.wait_for(lambda: len(client.updates("price:BTC-USD")) >= 3)
    quote = client.updates("price:BTC-USD")[-1]["data"]
    state = fake.state("BTC-USD")
    assert quote["last"] in {t.price for t in state.history}  # a price Coinbase traded
    assert quote["open"] == quote["prev_close"] == state.open_24h  # the 24 h open, as sent
    assert state.low_24h <= quote["low"] <= quote["high"] <= state.high_24h
    assert quote["volume"] > 12_345  # Coinbase's 24 h volume, not the few trades seen
    assert quote["bid"] < quote["last"] < quote["ask"]
    assert quote["bid_size"] == pytest.approx(0.46688654)


async def test_a_skipped_trade_number_resubscribes_the_product(
    open_client: Any, fake: FakeCoinbase, feed: LiveFeedServer
) -> None:
    await eventually(lambda: source_ok(feed))
    client, _ = await subscribe(open_client, feed, "price:ETH-USD")
    fake.skip_trade("ETH-USD")
    await eventually(lambda: metric(feed, "feed_source_sequence_gaps_total") >= 1)
    await eventually(lambda: len(fake.messages(lambda m: m.get("product_ids") == ["ETH-USD"])) >= 2)
    resubscribed = fake.messages(lambda m: m.get("product_ids") == ["ETH-USD"])
    assert [m["type"] for m in resubscribed[:2]] == ["unsubscribe", "subscribe"]
    seen = len(client.updates("price:ETH-USD"))
    await client.wait_for(lambda: len(client.updates("price:ETH-USD")) > seen + 2)  # flowing
    assert source_ok(feed)


async def test_a_dropped_connection_is_reconnected_and_prices_flow_again(
    open_client: Any, fake: FakeCoinbase, feed: LiveFeedServer
) -> None:
    await eventually(lambda: source_ok(feed))
    client, _ = await subscribe(open_client, feed, "price:BTC-USD")
    before, reconnects = fake.connections, metric(feed, "feed_source_reconnects_total")
    fake.drop_connections()
    await eventually(lambda: fake.connections > before)
    assert metric(feed, "feed_source_reconnects_total") > reconnects
    seen = len(client.updates("price:BTC-USD"))
    await client.wait_for(lambda: len(client.updates("price:BTC-USD")) > seen + 2)
    await eventually(lambda: source_ok(feed))


async def test_garbage_is_counted_and_dropped_and_the_feed_goes_on(
    open_client: Any, fake: FakeCoinbase, feed: LiveFeedServer
) -> None:
    await eventually(lambda: source_ok(feed))
    client, _ = await subscribe(open_client, feed, "price:BTC-USD")
    dropped = metric(feed, "feed_source_dropped_messages_total", 'reason="malformed"')
    fake.send_raw("<html>502 Bad Gateway" + "x" * 500)
    fake.send_raw('{"type": "ticker", "product_id": "BTC-USD", "price": "NaN"}')
    fake.send_raw('{"type": "match", "product_id": "BTC-USD", "price": "-3"}')
    await eventually(
        lambda: (
            metric(feed, "feed_source_dropped_messages_total", 'reason="malformed"') >= dropped + 3
        )
    )
    seen = len(client.updates("price:BTC-USD"))
    await client.wait_for(lambda: len(client.updates("price:BTC-USD")) > seen + 2)
    assert all(u["data"]["last"] > 0 for u in client.updates("price:BTC-USD"))
    log = feed.output()
    assert "malformed exchange message dropped" in log
    assert "x" * 100 not in log  # a short prefix only


async def test_silence_past_the_heartbeat_is_reported_then_recovered(
    open_client: Any, fake: FakeCoinbase, feed: LiveFeedServer
) -> None:
    await eventually(lambda: source_ok(feed))
    client, _ = await subscribe(open_client, feed, "price:BTC-USD", "source")
    fake.go_silent()
    try:
        await eventually(lambda: readyz(feed)[0] == 503, timeout=5)
        _, body = readyz(feed)
        assert body["checks"]["source_ok"] is False
        assert body["reasons"]["source_ok"].startswith("Coinbase went silent")

        def retrying() -> bool:
            return any(u["data"]["state"] == "retrying" for u in client.updates("source"))

        await client.wait_for(retrying, timeout=5)
        update = next(
            u["data"] for u in client.updates("source") if u["data"]["state"] == "retrying"
        )
        assert update["reason"].startswith("Coinbase")
        assert update["retry_at"] is not None
        quoted = len(client.updates("price:BTC-USD"))
    finally:
        fake.resume()
    assert len(client.updates("price:BTC-USD")) == quoted  # nothing made up while silent
    await eventually(lambda: source_ok(feed), timeout=5)
    await client.wait_for(lambda: len(client.updates("price:BTC-USD")) > quoted)


async def test_an_unreachable_exchange_is_retried_and_no_price_is_invented(
    open_client: Any,
) -> None:
    with running_live_feed("coinbase", f"ws://{LOOPBACK}:{free_port()}") as server:
        await eventually(lambda: "reasons" in readyz(server)[1])
        status, body = readyz(server)
        assert status == 503 and body["reasons"] == {"source_ok": "Coinbase unreachable"}
        client, ack = await subscribe(open_client, server, "price:BTC-USD", "source")
        assert ack.snapshot.get("price:BTC-USD") is None
        source = ack.snapshot["source"]
        assert source.state in ("retrying", "starting")
        await eventually(lambda: metric(server, "feed_source_reconnects_total") >= 2)
        assert metric(server, "feed_source_up") == 0
        assert client.updates("price:BTC-USD") == []
