"""Run one fake exchange until Ctrl-C, to see a live source without a network:

    .venv/bin/python -m tests.support.fake_exchange coinbase --port 8901
    FEED_SOURCE=coinbase FEED_EXCHANGE_URL=ws://127.0.0.1:8901 ./script/deploy.sh dev

Its prices are made up (a walk of a few ticks), its messages Coinbase's (or Kraken's,
Binance's, Alpaca's: `FEED_EXCHANGE_DATA_URL=http://127.0.0.1:8901`, and the key
`FEED_ALPACA_KEY_ID`/`FEED_ALPACA_SECRET_KEY` of `tests/support/fake_exchange/alpaca.py`).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading

from tests.support.fake_exchange import FakeAlpaca, FakeBinance, FakeCoinbase, FakeKraken

FAKES = {
    "coinbase": FakeCoinbase,
    "kraken": FakeKraken,
    "binance": FakeBinance,
    "alpaca": FakeAlpaca,
}
PRODUCTS = {
    "coinbase": ["BTC-USD", "ETH-USD", "SOL-USD"],
    "kraken": ["BTC/USD", "ETH/USD", "SOL/USD"],
    "binance": ["btcusdt", "ethusdt", "solusdt"],
    "alpaca": ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM"],
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.support.fake_exchange")
    parser.add_argument("exchange", choices=sorted(FAKES))
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--beat", type=float, default=0.25, help="seconds between trades")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FAKES[args.exchange](PRODUCTS[args.exchange], beat_s=args.beat, port=args.port) as fake:
        print(f"fake {args.exchange} at {fake.url} (Ctrl-C stops it)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()


if __name__ == "__main__":
    main()
