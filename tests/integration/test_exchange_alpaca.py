"""The feed server on `FEED_SOURCE=alpaca` against a fake Alpaca (IEX stream and REST
snapshots): it logs in by message, gets each symbol's quote, day bar and previous close from
the snapshots, and streams trades and quotes on the US-equities calendar; a refused key makes
the source `down` with the reason, and the key is never written to the log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from realtime_server.protocol import SubscribeAck
from tests.support.fake_exchange import FakeAlpaca
from tests.support.fake_exchange.alpaca import KEY_ID, SECRET
from tests.support.fake_exchange.live_feed import eventually, readyz, running_live_feed

pytestmark = pytest.mark.integration


@pytest.fixture
def fake() -> Iterator[FakeAlpaca]:
    with FakeAlpaca(["AAPL", "MSFT"]) as exchange:
        yield exchange  # type: ignore[misc]


def env(fake: FakeAlpaca, secret: str = SECRET) -> dict[str, str]:
    return {
        "FEED_EXCHANGE_DATA_URL": fake.http_url,
        "FEED_EXCHANGE_SYMBOLS": '["AAPL","MSFT"]',
        "FEED_ALPACA_KEY_ID": KEY_ID,
        "FEED_ALPACA_SECRET_KEY": secret,
    }


async def test_alpaca_quotes_carry_the_previous_close_and_the_day_bar(
    open_client: Any, fake: FakeAlpaca
) -> None:
    with running_live_feed("alpaca", fake.url, **env(fake)) as feed:
        await eventually(lambda: readyz(feed)[0] == 200)
        client = await open_client(feed.url)
        ack = SubscribeAck.model_validate(
            await client.request("subscribe", {"id": "s", "channels": ["price:AAPL", "source"]})
        )
        source = ack.snapshot["source"]
        assert (source.label, source.state, source.news) == ("Live · Alpaca", "ok", "none")
        assert source.session in ("pre", "regular", "after", "closed")  # the NYSE calendar
        await client.wait_for(lambda: len(client.updates("price:AAPL")) >= 2)
        quote = client.updates("price:AAPL")[-1]["data"]
        state = fake.state("AAPL")
        assert quote["prev_close"] == state.prev_close  # from the snapshot's prevDailyBar
        assert quote["open"] == state.open_24h  # today's daily bar
        assert quote["bid_size"] == 3 and quote["ask_size"] == 2
        auth = fake.messages(lambda m: m.get("action") == "auth")
        assert auth == [{"action": "auth", "key": KEY_ID, "secret": SECRET}]
        assert SECRET not in feed.output()


async def test_a_refused_key_is_down_with_the_reason_and_never_logged(
    open_client: Any, fake: FakeAlpaca
) -> None:
    fake.refuse_key = True
    with running_live_feed("alpaca", fake.url, **env(fake), FEED_LOG_LEVEL="debug") as feed:
        await eventually(lambda: "reasons" in readyz(feed)[1])
        status, body = readyz(feed)
        assert status == 503
        assert body["reasons"] == {"source_ok": "Alpaca refused the API key"}
        client = await open_client(feed.url)
        ack = SubscribeAck.model_validate(
            await client.request("subscribe", {"id": "s", "channels": ["price:AAPL", "source"]})
        )
        assert ack.snapshot["source"].state == "down"
        assert ack.snapshot.get("price:AAPL") is None
        assert fake.connections == 1  # a refused key is not retried
        output = feed.output()
        assert "exchange refused the API key" in output
        assert SECRET not in output and KEY_ID not in output
