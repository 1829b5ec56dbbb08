"""Link quality: RTT percentiles, message rate, freshness, reconnects, time per state.

`LinkMetrics` collects as the client runs; `snapshot()` returns an immutable
`FeedMetricsSnapshot` a UI or a log line can show. Percentiles use the nearest-rank method
over a sliding window of the last N round trips.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from marketpulse.feed.status import LinkState


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile: the smallest sample ≥ `pct` % of the samples."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 < pct <= 100:
        raise ValueError("pct must be within (0, 100]")
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


class RttWindow:
    """The last `size` round-trip times, in ms."""

    def __init__(self, size: int) -> None:
        self._samples: deque[float] = deque(maxlen=size)

    def add(self, rtt_ms: float) -> None:
        self._samples.append(rtt_ms)

    @property
    def last(self) -> float | None:
        return self._samples[-1] if self._samples else None

    def __len__(self) -> int:
        return len(self._samples)

    def pct(self, pct: float) -> float | None:
        return percentile(self._samples, pct) if self._samples else None


class RateMeter:
    """Events per second over a sliding window of `window_s` seconds."""

    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window_s
        self._clock = clock
        self._events: deque[tuple[float, int]] = deque()
        self._count = 0

    def add(self, count: int = 1) -> None:
        self._events.append((self._clock(), count))
        self._count += count
        self._expire()

    def rate(self) -> float:
        self._expire()
        return self._count / self._window

    def _expire(self) -> None:
        horizon = self._clock() - self._window
        while self._events and self._events[0][0] < horizon:
            self._count -= self._events.popleft()[1]


@dataclasses.dataclass(frozen=True, slots=True)
class FeedMetricsSnapshot:
    """The link's quality at one moment. Times in seconds unless named `_ms`."""

    state: LinkState
    rtt_p50_ms: float | None
    rtt_p95_ms: float | None
    rtt_last_ms: float | None
    rtt_samples: int
    messages_per_s: float
    """Updates received per second (before dedupe) over the rate window."""
    messages_total: int
    last_message_age_s: float | None
    """Seconds since the last update arrived (None before the first)."""
    reconnects: int
    """Times the link came back live after having been live."""
    connect_attempts: int
    polls: int
    """Successful HTTP polls."""
    token_refreshes: int
    time_in_state_s: Mapping[LinkState, float]
    invalid_messages: int
    dropped: Mapping[str, int]
    """Updates dropped or held by the pipeline, by cause (duplicates, stale, gaps, ...)."""


@dataclasses.dataclass(slots=True)
class LinkCounters:
    reconnects: int = 0
    connect_attempts: int = 0
    polls: int = 0
    token_refreshes: int = 0
    invalid_messages: int = 0
    ping_failures: int = 0


class LinkMetrics:
    """Mutable collectors behind `FeedMetricsSnapshot`."""

    def __init__(
        self, rtt_window: int, rate_window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self.rtt = RttWindow(rtt_window)
        self.rate = RateMeter(rate_window_s, clock)
        self.counters = LinkCounters()
        self.messages_total = 0
        self._last_message: float | None = None

    def messages(self, count: int) -> None:
        """`count` updates arrived (a batch, a replay or a poll)."""
        self.messages_total += count
        self._last_message = self._clock()
        self.rate.add(count)

    def snapshot(
        self,
        state: LinkState,
        time_in_state: Mapping[LinkState, float],
        dropped: Mapping[str, int],
    ) -> FeedMetricsSnapshot:
        c = self.counters
        age = None if self._last_message is None else self._clock() - self._last_message
        return FeedMetricsSnapshot(
            state=state,
            rtt_p50_ms=self.rtt.pct(50),
            rtt_p95_ms=self.rtt.pct(95),
            rtt_last_ms=self.rtt.last,
            rtt_samples=len(self.rtt),
            messages_per_s=self.rate.rate(),
            messages_total=self.messages_total,
            last_message_age_s=age,
            reconnects=c.reconnects,
            connect_attempts=c.connect_attempts,
            polls=c.polls,
            token_refreshes=c.token_refreshes,
            time_in_state_s=MappingProxyType(dict(time_in_state)),
            invalid_messages=c.invalid_messages,
            dropped=MappingProxyType(dict(dropped)),
        )
