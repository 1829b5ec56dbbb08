"""What the market engine does with a live source: a quote shows the exchange's own day
figures; a live source without news gets no generated headlines; a missed trade recovered
late reaches the bars but never moves the quote back."""

from __future__ import annotations

from typing import Any

from realtime_server.market.engine import MarketEngine
from realtime_server.market.quotes import QuoteBook
from realtime_server.sources.base import DayStats, Jump, Tick
from realtime_server.sources.exchanges.products import crypto_pair

BTC = crypto_pair("BTC-USD", "BTC-USD", {}).instrument()
DAY = DayStats(open=49_000.0, high=51_000.0, low=48_500.0, volume=12_345.6, prev_close=49_000.0)


def tick(price: float, ts: int, day: DayStats | None = DAY, size: float = 0.01) -> Tick:
    return Tick("BTC-USD", price, size, price - 1, price + 1, 0.5, 0.7, 12_345.6, ts, day)


class Recorder:
    def __init__(self) -> None:
        self.published: list[tuple[str, Any]] = []

    def publish(self, channel: str, data: Any, key: Any = None) -> int:
        self.published.append((channel, data))
        return len(self.published)

    def publish_lossless(self, channel: str, data: Any) -> int:
        return self.publish(channel, data)


def test_a_quote_shows_the_exchange_s_day_not_the_trades_seen() -> None:
    book = QuoteBook([BTC])
    quote = book.apply(tick(50_000.0, 1_000))
    assert (quote["open"], quote["high"], quote["low"]) == (49_000.0, 51_000.0, 48_500.0)
    assert quote["prev_close"] == 49_000.0 and quote["change"] == 1_000.0
    assert quote["volume"] == 12_345.6 and quote["vwap"] == 50_000.0  # no VWAP given: trades'
    assert quote["bid_size"] == 0.5
    above = book.apply(tick(52_000.0, 2_000))  # a trade past the exchange's (older) high
    assert above["high"] == 52_000.0
    with_vwap = DayStats(49_000.0, 51_000.0, 48_500.0, 1.0, 49_000.0, vwap=49_800.0)
    assert book.apply(tick(50_000.0, 3_000, with_vwap))["vwap"] == 49_800.0


def test_a_live_source_without_news_gets_no_generated_headlines() -> None:
    recorder = Recorder()
    engine = MarketEngine([BTC], recorder, ambient_news_per_minute=6_000, generated_news=False)
    engine.on_ticks([tick(50_000.0, 1_000)])
    engine.on_jump(Jump("BTC-USD", 1_000, 0.03, 50_000.0))
    for now in range(1_000, 120_000, 250):
        engine.on_timer(now, summary_due=False)
    assert not [c for c, _ in recorder.published if c.startswith("news")]


def test_a_recovered_older_trade_goes_to_the_bars_and_leaves_the_quote() -> None:
    engine = MarketEngine([BTC], Recorder())
    engine.on_ticks([tick(50_000.0, 60_500), tick(50_010.0, 61_000)])
    engine.on_history([tick(49_990.0, 60_700, size=100.0)])  # missed, recovered late
    assert engine.book.quote("BTC-USD")["last"] == 50_010.0
    [minute] = engine.bars.recent("1m", "BTC-USD")
    assert minute["volume"] == 100.02 and minute["low"] == 49_990.0
