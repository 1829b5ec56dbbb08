"""Reconnection delays (`marketpulse.feed.backoff`): bounds, full jitter, cap, no overflow."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketpulse.feed import Backoff, BackoffPolicy


def test_ceiling_doubles_from_the_base_up_to_the_cap() -> None:
    policy = BackoffPolicy(base_s=0.5, cap_s=30.0)
    assert [policy.ceiling(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert policy.max_exponent == 6  # 0.5 * 2**6 = 32 >= 30


@pytest.mark.parametrize("retry", [0, 1, 5, 60, 1_100, 10_000, 10**9, 2**63])
def test_huge_attempt_numbers_neither_overflow_nor_exceed_the_cap(retry: int) -> None:
    policy = BackoffPolicy(base_s=0.25, cap_s=10.0)
    backoff = Backoff(policy, random.Random(1))
    delay = backoff.delay(retry)
    assert math.isfinite(delay)
    assert 0 <= delay <= min(10.0, 0.25 * 2 ** min(retry, 64))


def test_the_old_formula_overflowed_where_this_one_does_not() -> None:
    with pytest.raises(OverflowError):
        _ = 0.5 * 2.0**1100  # what `_backoff` computed before the cap was applied
    assert BackoffPolicy().ceiling(1100) == 30.0


@given(
    retry=st.integers(min_value=-5, max_value=100_000),
    base=st.floats(min_value=0.001, max_value=5),
    cap_factor=st.floats(min_value=1, max_value=1000),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_every_delay_is_within_floor_and_ceiling(
    retry: int, base: float, cap_factor: float, seed: int
) -> None:
    policy = BackoffPolicy(base_s=base, cap_s=base * cap_factor, floor_s=base / 2)
    delay = Backoff(policy, random.Random(seed)).delay(retry)
    assert policy.floor_s <= delay <= policy.ceiling(retry) <= policy.cap_s


def test_full_jitter_spreads_over_the_whole_window() -> None:
    backoff = Backoff(BackoffPolicy(base_s=1.0, cap_s=8.0), random.Random(42))
    delays = [backoff.delay(10) for _ in range(4_000)]  # window [0, 8]
    assert min(delays) < 0.1
    assert max(delays) > 7.9
    assert statistics.fmean(delays) == pytest.approx(4.0, abs=0.25)
    assert sum(d < 4.0 for d in delays) == pytest.approx(2_000, abs=150)


def test_a_seeded_rng_gives_the_same_schedule() -> None:
    policy = BackoffPolicy(base_s=0.1, cap_s=5.0)
    first = [Backoff(policy, random.Random(7)).delay(n) for n in range(20)]
    again = [Backoff(policy, random.Random(7)).delay(n) for n in range(20)]
    other = [Backoff(policy, random.Random(8)).delay(n) for n in range(20)]
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_s": 0},
        {"base_s": 2, "cap_s": 1},
        {"factor": 1},
        {"floor_s": -1},
        {"base_s": 1, "floor_s": 2},
    ],
)
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        BackoffPolicy(**kwargs)
