"""Reconnection delays: capped exponential backoff with full jitter.

The delay before retry `n` (n = 0 for the first retry) is drawn uniformly from
`[floor_s, min(cap_s, base_s * factor**n)]` — "full jitter", which spreads a crowd of clients
that lost the same server over the whole window instead of bunching them at its edge. The
exponent is clamped to the smallest one that reaches the cap, so any attempt number (even
millions) costs the same and never overflows a float.
"""

from __future__ import annotations

import dataclasses
import math
import random


@dataclasses.dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """The shape of the delays; see the module docstring."""

    base_s: float = 0.5
    cap_s: float = 30.0
    factor: float = 2.0
    floor_s: float = 0.0
    """The smallest delay ever returned (0 is pure full jitter)."""

    def __post_init__(self) -> None:
        if not 0 < self.base_s <= self.cap_s:
            raise ValueError("backoff needs 0 < base_s <= cap_s")
        if self.factor <= 1:
            raise ValueError("backoff factor must be > 1")
        if not 0 <= self.floor_s <= self.base_s:
            raise ValueError("backoff floor_s must be within [0, base_s]")

    @property
    def max_exponent(self) -> int:
        """The smallest exponent whose delay reaches the cap; larger ones are clamped to it."""
        return max(0, math.ceil(math.log(self.cap_s / self.base_s, self.factor)))

    def ceiling(self, retry: int) -> float:
        """The upper bound of the delay before retry `retry` (0-based)."""
        exponent = min(max(retry, 0), self.max_exponent)
        return min(self.cap_s, self.base_s * self.factor**exponent)


class Backoff:
    """Draws delays from a policy with its own RNG (seed it for reproducible schedules)."""

    def __init__(
        self, policy: BackoffPolicy | None = None, rng: random.Random | None = None
    ) -> None:
        self.policy = policy or BackoffPolicy()
        self._rng = rng or random.Random()

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry `retry` (0-based), with full jitter."""
        return self._rng.uniform(self.policy.floor_s, self.policy.ceiling(retry))
