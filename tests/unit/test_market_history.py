"""`MarketEngine.on_history`: the replayed past builds quotes and bars, and publishes nothing."""

from __future__ import annotations

from typing import Any

from realtime_server.market.engine import MarketEngine
from realtime_server.protocol import parse_channel
from realtime_server.sources.base import Tick
from realtime_server.sources.market_model import MarketSimulator


class Recorder:
    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(self, channel: str, data: Any, key: Any = None) -> int:
        self.published.append(channel)
        return len(self.published)

    def publish_lossless(self, channel: str, data: Any) -> int:
        return self.publish(channel, data)


def past_ticks(minutes: int) -> tuple[MarketSimulator, list[Tick]]:
    sim = MarketSimulator(seed=9, start_ms=1_700_000_040_000, ticks_per_second=20)
    ticks = sim.opening()
    while ticks[-1].ts < sim.start_ms + minutes * 60_000:
        ticks.append(sim.step()[1])
    return sim, ticks


def test_history_fills_quotes_and_bars_without_publishing_or_alerting() -> None:
    sim, ticks = past_ticks(30)
    publisher = Recorder()
    engine = MarketEngine([e.instrument() for e in sim.universe], publisher)
    heard: list[object] = []
    engine.add_quote_listener(heard.append)
    engine.on_history(ticks)
    assert publisher.published == [] and heard == []
    bars = engine.snapshot(parse_channel("bars:1m:AAPL"))
    assert bars is not None and 25 <= len(bars) <= 31
    assert all(bar["closed"] for bar in bars[:-1])
    quote = engine.snapshot(parse_channel("price:AAPL"))
    assert quote is not None and quote["ts"] == max(t.ts for t in ticks if t.symbol == "AAPL")
    assert engine.last_tick_ts == ticks[-1].ts

    engine.on_ticks([sim.step()[1]])  # the first live trade is published as usual
    assert publisher.published
