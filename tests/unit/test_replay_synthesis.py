"""The replay's synthesiser: the trades inside a real bar rebuild exactly that bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from realtime_server.market.bars import BarAggregator
from realtime_server.market.trading_days import NewYorkSessions
from realtime_server.protocol import BAR_INTERVALS
from realtime_server.sources.base import Tick
from realtime_server.sources.replay.files import read_replay_files
from realtime_server.sources.replay.records import RealBar
from realtime_server.sources.replay.sampledata import sample_path
from realtime_server.sources.replay.synthesis import Trade, synthesize

DAY_OPEN = 1_363_267_800_000  # 2013-03-14 09:30 New York
DAY_CLOSE = 1_363_291_200_000  # 16:00


@pytest.fixture(scope="module")
def sample() -> dict[str, list[RealBar]]:
    return read_replay_files(sample_path())


def bar(o: int, h: int, lo: int, c: int, volume: int, start: int = DAY_OPEN) -> RealBar:
    end = DAY_CLOSE if start == DAY_OPEN else start + 60_000
    return RealBar("ACME", dt.date(2013, 3, 14), start, end, o, h, lo, c, volume, 2)


def rebuilt(source: RealBar, trades: Sequence[Trade]) -> tuple[float, ...]:
    """The bar aggregated back from the trades at the source bar's own interval (a daily bar:
    `1D`, the regular session), as (open, high, low, close, volume)."""
    interval = "1D" if source.end_ms - source.start_ms > 3_600_000 else "1m"
    agg = BarAggregator({interval: BAR_INTERVALS[interval]}, days=NewYorkSessions())
    for ts, cents, size in trades:
        agg.apply(Tick(source.symbol, cents / 100, size, 0, 0, 0, 0, 0, ts))
    (built,) = agg.recent(interval, source.symbol)
    return tuple(built[f] for f in ("open", "high", "low", "close", "volume"))


def assert_exact(source: RealBar, trades: Sequence[Trade]) -> None:
    ts = [t[0] for t in trades]
    assert ts == sorted(ts) and ts[0] == source.start_ms
    assert len(ts) == 1 or ts[-1] == source.end_ms - 1  # the close, in the bar's last ms
    assert all(source.low <= cents <= source.high for _, cents, _ in trades)
    prices = (source.open, source.high, source.low, source.close)
    assert rebuilt(source, trades) == (*(p / 100 for p in prices), source.volume)


def test_every_sampled_day_rebuilds_to_the_cent_and_share(sample) -> None:
    rows = [b for series in sample.values() for b in series[-40:]]  # 200 real days
    for source in rows:
        assert_exact(source, synthesize(source, 500, seed=7))


def test_a_real_day_rebuilds_through_the_daily_bar_aggregator(sample) -> None:
    """AAPL, 1 Mar 2013 (438.00 / 438.18 / 429.98 / 430.47, 19,730,300 shares)."""
    real = sample["AAPL"][-1]
    assert (real.day, real.open, real.high, real.low, real.close, real.volume) == (
        dt.date(2013, 3, 1),
        43800,
        43818,
        42998,
        43047,
        19_730_300,
    )
    trades = synthesize(real, 23_400, seed=7)
    agg = BarAggregator({"1D": BAR_INTERVALS["1D"]}, days=NewYorkSessions())
    for ts, cents, size in trades:
        agg.apply(Tick("AAPL", cents / 100, size, 0, 0, 0, 0, 0, ts))
    (daily,) = agg.recent("1D", "AAPL")
    assert daily["start"] == int(dt.datetime(2013, 3, 1, tzinfo=dt.UTC).timestamp() * 1000)
    assert (daily["open"], daily["high"], daily["low"], daily["close"]) == (
        438.00,
        438.18,
        429.98,
        430.47,
    )
    assert daily["volume"] == 19_730_300 and daily["trades"] == len(trades) == 23_400
    assert sum(1 for _, _, size in trades if size % 100) <= 1  # round lots, the odd shares once


def test_the_same_seed_gives_the_same_trades_and_another_seed_others(sample) -> None:
    real = sample["MSFT"][-1]
    assert synthesize(real, 1_000, seed=3) == synthesize(real, 1_000, seed=3)
    assert synthesize(real, 1_000, seed=3) != synthesize(real, 1_000, seed=4)


@pytest.mark.parametrize(
    ("o", "h", "lo", "c"),
    [
        (1000, 1000, 1000, 1000),  # nothing moved
        (1000, 1010, 990, 1000),  # back to the open
        (1010, 1010, 990, 990),  # opened at the high, closed at the low
        (990, 1010, 990, 1010),  # opened at the low, closed at the high
        (1000, 1010, 1000, 1010),
        (1005, 1010, 990, 1010),  # closed at the high
    ],
)
def test_degenerate_bars_still_rebuild_exactly(o: int, h: int, lo: int, c: int) -> None:
    for volume in (1, 3, 7, 250, 1_000_000):
        for wanted in (1, 2, 4, 60):
            source = bar(o, h, lo, c, volume, start=DAY_OPEN + 60_000)
            trades = synthesize(source, wanted, seed=1)
            assert len(trades) >= 1
            assert_exact(source, trades)


def test_a_volume_below_the_trades_wanted_prints_single_shares() -> None:
    source = bar(1000, 1010, 990, 1005, 10, start=DAY_OPEN + 60_000)
    trades = synthesize(source, 60, seed=2)
    assert [size for *_, size in trades] == [1] * 10
    assert_exact(source, trades)


def test_a_volume_below_the_prices_to_print_prints_the_rest_with_size_zero() -> None:
    source = bar(1000, 1010, 990, 1005, 2, start=DAY_OPEN + 60_000)
    trades = synthesize(source, 60, seed=2)
    assert sorted(size for *_, size in trades) == [0, 0, 1, 1]
    assert_exact(source, trades)


def test_a_bar_that_traded_nothing_prints_nothing() -> None:
    assert synthesize(bar(1000, 1000, 1000, 1000, 0), 60, seed=1) == []


def test_the_extreme_nearer_the_open_comes_first_more_often() -> None:
    """Open 1 cent under the high: the high is touched before the low in most draws."""
    firsts = []
    for start in range(200):
        source = bar(1009, 1010, 900, 950, 10_000, start=DAY_OPEN + start * 60_000)
        cents = [c for _, c, _ in synthesize(source, 40, seed=5)]
        firsts.append(cents.index(1010) < cents.index(900))
    assert sum(firsts) > 150
