"""The bar aggregator: OHLCV folding, alignment, closing, history, wire shape, simulator runs."""

from __future__ import annotations

from collections import defaultdict

import pytest

from realtime_server.market.bars import BarAggregator
from realtime_server.protocol import BAR_INTERVALS, Bar, bars_channel
from realtime_server.sources.base import Tick
from realtime_server.sources.market_model import MarketSimulator

T0 = 5_666_666 * 300_000  # aligned to every interval of SHORT
SHORT = {name: BAR_INTERVALS[name] for name in ("1s", "1m", "5m")}
"""The intraday intervals these cases follow (day-long bars: tests/unit/test_replay_bars.py)."""


def tick(price: float, ts: int, size: int = 100, symbol: str = "ACME") -> Tick:
    return Tick(symbol, price, size, price - 0.01, price + 0.01, 100, 100, 0, ts)


def by_channel(updates: list[tuple[str, dict]]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for channel, bar in updates:
        grouped[channel].append(bar)
    return grouped


def assert_wire(bar: dict) -> None:
    assert Bar.model_validate(bar).model_dump(mode="json") == bar


def test_ohlcv_of_one_bar() -> None:
    agg = BarAggregator(SHORT)
    for ts, price, size in [(100, 10.0, 100), (200, 10.5, 200), (300, 9.8, 50), (900, 10.2, 300)]:
        updates = agg.apply(tick(price, T0 + ts, size))
    assert [channel for channel, _ in updates] == [
        "bars:1s:ACME",
        "bars:1m:ACME",
        "bars:5m:ACME",
    ]
    for interval, (_, bar) in zip(SHORT, updates, strict=True):
        assert bar == {
            "symbol": "ACME",
            "interval": interval,
            "start": T0,
            "open": 10.0,
            "high": 10.5,
            "low": 9.8,
            "close": 10.2,
            "volume": 650,
            "trades": 4,
            "closed": False,
        }
        assert_wire(bar)


def test_first_tick_opens_a_forming_bar_per_interval() -> None:
    updates = BarAggregator(SHORT).apply(tick(5.0, T0 + 7, 30))
    assert len(updates) == len(SHORT)
    for _, bar in updates:
        assert (bar["open"], bar["high"], bar["low"], bar["close"]) == (5.0, 5.0, 5.0, 5.0)
        assert (bar["volume"], bar["trades"], bar["closed"]) == (30, 1, False)


@pytest.mark.parametrize("offset", [0, 1, 999, 1_000, 59_999, 61_234, 299_999, 300_001, 987_654])
def test_bars_are_aligned_to_their_interval(offset: int) -> None:
    ts = T0 + offset
    for channel, bar in BarAggregator(SHORT).apply(tick(1.0, ts)):
        length = BAR_INTERVALS[bar["interval"]]
        assert bar["start"] % length == 0
        assert bar["start"] <= ts < bar["start"] + length
        assert channel == bars_channel(bar["interval"], "ACME")


def test_tick_in_next_period_closes_previous_bar_first() -> None:
    agg = BarAggregator(SHORT)
    agg.apply(tick(10.0, T0 + 100, 100))
    agg.apply(tick(11.0, T0 + 400, 200))
    grouped = by_channel(agg.apply(tick(12.0, T0 + 1_500, 300)))
    closed, forming = grouped["bars:1s:ACME"]
    assert closed == {
        "symbol": "ACME",
        "interval": "1s",
        "start": T0,
        "open": 10.0,
        "high": 11.0,
        "low": 10.0,
        "close": 11.0,
        "volume": 300,
        "trades": 2,
        "closed": True,
    }
    assert forming["start"] == T0 + 1_000
    assert (forming["open"], forming["volume"], forming["trades"]) == (12.0, 300, 1)
    assert forming["closed"] is False
    # The longer intervals only update their forming bar.
    assert [bar["closed"] for bar in grouped["bars:1m:ACME"]] == [False]
    assert grouped["bars:1m:ACME"][0]["volume"] == 600
    assert [bar["closed"] for bar in grouped["bars:5m:ACME"]] == [False]


def test_gap_makes_no_empty_bars() -> None:
    agg = BarAggregator(SHORT)
    agg.apply(tick(10.0, T0 + 100))
    agg.apply(tick(10.0, T0 + 5_100))
    assert [bar["start"] for bar in agg.recent("1s", "ACME", 10)] == [T0, T0 + 5_000]


def test_close_due_closes_quiet_bars_exactly_once() -> None:
    agg = BarAggregator(SHORT)
    agg.apply(tick(10.0, T0 + 100, 100))
    assert agg.close_due(T0 + 999) == []
    due = agg.close_due(T0 + 1_000)
    assert [channel for channel, _ in due] == ["bars:1s:ACME"]
    assert due[0][1]["closed"] is True
    assert due[0][1]["volume"] == 100
    assert_wire(due[0][1])
    assert agg.close_due(T0 + 5_000) == []
    assert [channel for channel, _ in agg.close_due(T0 + 60_000)] == ["bars:1m:ACME"]
    assert [channel for channel, _ in agg.close_due(T0 + 10 * 60_000)] == ["bars:5m:ACME"]
    assert agg.close_due(T0 + 100 * 60_000) == []
    # The next tick opens new bars without re-announcing the closed ones.
    later = T0 + 100 * 60_000 + 2_500
    updates = agg.apply(tick(10.5, later))
    assert [bar["closed"] for _, bar in updates] == [False, False, False]
    assert [bar["closed"] for bar in agg.recent("1s", "ACME", 10)] == [True, False]
    assert agg.late_ticks == 0


def test_ticks_of_closed_bars_are_late() -> None:
    agg = BarAggregator(SHORT)
    agg.apply(tick(10.0, T0 + 100))
    agg.close_due(T0 + 1_000)
    updates = agg.apply(tick(99.0, T0 + 900, 500))  # delivered after its 1s bar closed
    assert [channel for channel, _ in updates] == ["bars:1m:ACME", "bars:5m:ACME"]
    assert agg.late_ticks == 1
    closed = agg.recent("1s", "ACME", 1)[0]
    assert (closed["high"], closed["volume"], closed["closed"]) == (10.0, 100, True)


def test_history_is_bounded_and_recent_is_oldest_first() -> None:
    agg = BarAggregator(SHORT, history=5)
    for i in range(20):
        agg.apply(tick(10.0 + i, T0 + 1_000 * i + 10))
    bars = agg.recent("1s", "ACME", 100)
    assert [bar["start"] for bar in bars] == [T0 + 1_000 * i for i in range(15, 20)]
    assert [bar["closed"] for bar in bars] == [True, True, True, True, False]
    assert agg.recent("1s", "ACME", 2) == bars[-2:]
    assert agg.recent("1s", "ACME") == bars
    assert agg.recent("1s", "ACME", 0) == []
    assert agg.latest("1s", "ACME") == bars[-1]
    assert len(agg.recent("1m", "ACME", 100)) == 1
    assert agg.recent("1s", "NOPE", 5) == []
    assert agg.recent("7m", "ACME", 5) == []
    assert agg.latest("1s", "NOPE") is None


def test_symbols_are_independent() -> None:
    agg = BarAggregator(SHORT)
    agg.apply(tick(10.0, T0 + 100, symbol="AAA"))
    updates = agg.apply(tick(20.0, T0 + 1_100, symbol="BBB"))
    assert [channel for channel, _ in updates] == ["bars:1s:BBB", "bars:1m:BBB", "bars:5m:BBB"]
    assert all(bar["symbol"] == "BBB" and not bar["closed"] for _, bar in updates)
    assert agg.recent("1s", "AAA", 5)[0]["close"] == 10.0


def test_custom_intervals_and_validation() -> None:
    agg = BarAggregator({"250ms": 250}, history=2)
    (channel, bar), *rest = agg.apply(tick(1.0, T0 + 260))
    assert (channel, bar["start"], rest) == ("bars:250ms:ACME", T0 + 250, [])
    with pytest.raises(ValueError):
        BarAggregator({})
    with pytest.raises(ValueError):
        BarAggregator({"x": 0})
    with pytest.raises(ValueError):
        BarAggregator(history=0)


def test_simulated_ticks_aggregate_consistently() -> None:
    sim = MarketSimulator(seed=1, start_ms=T0 + 123, ticks_per_second=300)
    ticks = sim.opening() + [sim.step()[1] for _ in range(4_000)]
    agg = BarAggregator(SHORT, history=10_000)
    final: dict[tuple[str, int], dict] = {}
    closes: dict[tuple[str, int], int] = defaultdict(int)
    forming_start: dict[str, int] = {}
    for t in ticks:
        for channel, bar in agg.apply(t):
            key = (channel, bar["start"])
            if bar["closed"]:
                closes[key] += 1
            else:
                assert forming_start.get(channel, bar["start"]) <= bar["start"]
                forming_start[channel] = bar["start"]
            final[key] = bar
    for channel, bar in agg.close_due(ticks[-1].ts + 300_000):
        closes[(channel, bar["start"])] += 1
        final[(channel, bar["start"])] = bar
    assert agg.close_due(ticks[-1].ts + 600_000) == []
    assert agg.late_ticks == 0

    expected: dict[tuple[str, int], list] = {}
    for t in ticks:
        for interval, length in SHORT.items():
            key = (bars_channel(interval, t.symbol), t.ts - t.ts % length)
            acc = expected.setdefault(key, [t.price, t.price, t.price, t.price, 0, 0])
            acc[1] = max(acc[1], t.price)
            acc[2] = min(acc[2], t.price)
            acc[3] = t.price
            acc[4] += t.size
            acc[5] += 1
    assert final.keys() == expected.keys()
    assert set(closes) == set(final) and set(closes.values()) == {1}
    for key, bar in final.items():
        assert bar["closed"] is True
        assert bar["low"] <= min(bar["open"], bar["close"])
        assert max(bar["open"], bar["close"]) <= bar["high"]
        ohlcvt = [bar[f] for f in ("open", "high", "low", "close", "volume", "trades")]
        assert ohlcvt == expected[key]
    assert sum(bar["volume"] for (ch, _), bar in final.items() if ch.startswith("bars:1s:")) == (
        sum(t.size for t in ticks)
    )
    for bar in list(final.values())[:200]:
        assert_wire(bar)
    # recent() agrees with what was emitted.
    some = ticks[-1].symbol
    recent = agg.recent("1m", some, 1_000)
    assert recent == sorted(
        (bar for (ch, _), bar in final.items() if ch == bars_channel("1m", some)),
        key=lambda bar: bar["start"],
    )
