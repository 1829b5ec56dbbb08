"""Reconnect delays: exponential backoff with full jitter.

The n-th retry in a row waits a uniform random time in [0, min(cap, base · 2ⁿ)] ("full
jitter"): many feed servers that lost the same exchange at once do not come back in step.
A connection that delivered data resets the count. Seeded in tests.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays before each reconnect, growing per failure in a row."""

    def __init__(self, base_s: float, cap_s: float, rng: random.Random | None = None) -> None:
        if base_s <= 0 or cap_s < base_s:
            raise ValueError("backoff needs 0 < base_s <= cap_s")
        self.base_s = base_s
        self.cap_s = cap_s
        self.failures = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        """The wait before the next attempt; counts one more failure."""
        ceiling = min(self.cap_s, self.base_s * 2**self.failures)
        self.failures = min(self.failures + 1, 62)
        return self._rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        """The connection worked: the next failure starts from `base_s` again."""
        self.failures = 0
