"""The feed server on `FEED_SOURCE=binance` against fake Binance combined streams:
`btcusdt@trade`/`btcusdt@ticker` arrive as `BTC-USDT` in USDT with Binance's 24 h figures; a
skipped trade number resubscribes the symbol's trade stream; a dropped connection reconnects
through the combined-stream URL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realtime_server.protocol import CatalogAck
from tests.support.fake_exchange import FakeBinance
from tests.support.fake_exchange.live_feed import (
    LiveFeedServer,
    eventually,
    metric,
    readyz,
    running_live_feed,
)
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBinance]:
    with FakeBinance(["btcusdt", "ethusdt"]) as exchange:
        yield exchange  # type: ignore[misc]


@pytest.fixture(scope="module")
def feed(fake: FakeBinance) -> Iterator[LiveFeedServer]:
    with running_live_feed(
        "binance", fake.url, FEED_EXCHANGE_SYMBOLS='["BTC-USDT","ETH-USDT"]'
    ) as server:
        yield server


async def test_binance_symbols_arrive_as_pairs_with_binance_s_24h_figures(
    open_client: Any, fake: FakeBinance, feed: LiveFeedServer
) -> None:
    await eventually(lambda: readyz(feed)[0] == 200)
    client = await open_client(feed.url)
    catalog = CatalogAck.model_validate(await client.request("catalog", {"id": "c"}))
    assert [(i.symbol, i.currency) for i in catalog.instruments] == [
        ("BTC-USDT", "USDT"),
        ("ETH-USDT", "USDT"),
    ]
    await client.request("subscribe", {"id": "s", "channels": ["price:BTC-USDT"]})
    await client.wait_for(lambda: len(client.updates("price:BTC-USDT")) >= 2)
    quote = client.updates("price:BTC-USDT")[-1]["data"]
    state = fake.state("btcusdt")
    assert quote["open"] == quote["prev_close"] == state.open_24h
    assert quote["volume"] > 12_345 and quote["ask_size"] == 1.25
    assert quote["change"] == pytest.approx(quote["last"] - state.open_24h, abs=1e-6)


async def test_a_gap_resubscribes_the_trade_stream_and_a_drop_reconnects(
    open_client: Any, fake: FakeBinance, feed: LiveFeedServer
) -> None:
    fake.skip_trade("ethusdt")

    def resubscribed() -> bool:
        sent = fake.messages(lambda m: m.get("params") == ["ethusdt@trade"])
        return [m["method"] for m in sent][-2:] == ["UNSUBSCRIBE", "SUBSCRIBE"]

    await eventually(resubscribed)
    assert metric(feed, "feed_source_sequence_gaps_total") >= 1

    client = await open_client(feed.url)
    await client.request("subscribe", {"id": "s", "channels": ["price:ETH-USDT"]})
    before = fake.connections
    fake.drop_connections()
    await eventually(lambda: fake.connections > before)
    seen = len(client.updates("price:ETH-USDT"))
    await client.wait_for(lambda: len(client.updates("price:ETH-USDT")) > seen + 2)
    assert readyz(feed)[0] == 200


def test_symbols_in_binance_s_own_names_stop_the_start_with_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "realtime_server"],
        env={
            **os.environ,
            "FEED_SOURCE": "binance",
            "FEED_EXCHANGE_SYMBOLS": '["btcusdt"]',
            "FEED_PORT": str(free_port()),
            "FEED_LOG_FORMAT": "text",
            "FEED_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    assert "FEED_EXCHANGE_SYMBOLS for binance: 'btcusdt' is not a pair" in done.stderr
    assert "Traceback" not in done.stderr
