"""Link quality metrics (`marketpulse.feed.metrics`): percentiles, windows, rates, snapshots."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketpulse.feed import FeedMetricsSnapshot, LinkState, percentile
from marketpulse.feed.metrics import LinkMetrics, RateMeter, RttWindow


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nearest_rank_percentiles() -> None:
    samples = list(range(1, 101))
    random.Random(3).shuffle(samples)
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 100) == 100
    assert percentile([7.5], 50) == percentile([7.5], 95) == 7.5
    assert percentile([1, 2], 50) == 1
    assert percentile([1, 2], 51) == 2
    assert percentile([10, 20, 30, 40], 95) == 40


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=200), st.floats(0.1, 100))
def test_a_percentile_is_a_sample_and_grows_with_pct(samples: list[float], pct: float) -> None:
    value = percentile(samples, pct)
    assert value in samples
    assert percentile(samples, 50) <= percentile(samples, 95)
    assert sum(s <= value for s in samples) >= pct / 100 * len(samples)


@pytest.mark.parametrize("pct", [0, -1, 101])
def test_percentile_refuses_nonsense(pct: float) -> None:
    with pytest.raises(ValueError):
        percentile([1.0], pct)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_the_rtt_window_slides() -> None:
    window = RttWindow(size=4)
    assert (window.pct(50), window.last, len(window)) == (None, None, 0)
    for rtt in (100, 100, 100, 100, 1, 2, 3):
        window.add(rtt)
    assert len(window) == 4
    assert window.pct(50) == 2  # [100, 1, 2, 3]: the old 100s slid out
    assert window.pct(95) == 100
    assert window.last == 3


def test_the_rate_meter_counts_over_its_window() -> None:
    clock = FakeClock()
    meter = RateMeter(window_s=10, clock=clock)
    for _ in range(10):
        meter.add(5)
        clock.now += 1
    assert meter.rate() == pytest.approx(5.0)  # 50 messages in the last 10 s
    clock.now += 5
    assert meter.rate() == pytest.approx(2.5)  # the first 25 have left the window
    clock.now += 100
    assert meter.rate() == 0


def test_the_snapshot_is_immutable_and_complete() -> None:
    clock = FakeClock()
    metrics = LinkMetrics(rtt_window=8, rate_window_s=2, clock=clock)
    assert metrics.snapshot(LinkState.IDLE, {}, {}).last_message_age_s is None
    metrics.rtt.add(10)
    metrics.rtt.add(30)
    metrics.messages(4)
    metrics.counters.reconnects = 2
    clock.now = 1.5
    snapshot = metrics.snapshot(LinkState.LIVE, {LinkState.LIVE: 1.5}, {"duplicates": 3, "gaps": 1})
    assert isinstance(snapshot, FeedMetricsSnapshot)
    assert (snapshot.rtt_p50_ms, snapshot.rtt_p95_ms, snapshot.rtt_samples) == (10, 30, 2)
    assert snapshot.messages_per_s == 2.0
    assert snapshot.messages_total == 4
    assert snapshot.last_message_age_s == 1.5
    assert snapshot.reconnects == 2
    assert snapshot.time_in_state_s[LinkState.LIVE] == 1.5
    assert snapshot.dropped == {"duplicates": 3, "gaps": 1}
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.reconnects = 0  # type: ignore[misc]  # frozen on purpose: the test expects this to fail
    with pytest.raises(TypeError):
        snapshot.dropped["gaps"] = 0  # type: ignore[index]  # read-only on purpose: the test expects this to fail
