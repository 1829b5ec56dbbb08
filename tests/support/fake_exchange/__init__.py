"""Fake exchanges for the live sources' tests: each one speaks its exchange's documented
websocket messages (`/work/shared/fixtures/exchanges/` and the exchange's API docs) on a real
websocket on a free port, in a thread of its own, and can be told to misbehave: drop every
connection, skip a trade number, go silent, send garbage, refuse the key.

    with FakeCoinbase(["BTC-USD"]) as fake:          # serving, prices flowing
        env = {"FEED_SOURCE": "coinbase", "FEED_EXCHANGE_URL": fake.url}
        fake.skip_trade("BTC-USD"); fake.drop_connections(); fake.go_silent(); ...
"""

from tests.support.fake_exchange.alpaca import FakeAlpaca
from tests.support.fake_exchange.binance import FakeBinance
from tests.support.fake_exchange.coinbase import FakeCoinbase
from tests.support.fake_exchange.kraken import FakeKraken
from tests.support.fake_exchange.server import FakeExchange

__all__ = ["FakeAlpaca", "FakeBinance", "FakeCoinbase", "FakeExchange", "FakeKraken"]
