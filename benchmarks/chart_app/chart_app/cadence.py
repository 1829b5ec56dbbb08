"""What a page streams: bar cadence and window size, from its query string.

`?bars=1m` (default): one-minute bars, the forming bar replaced 240 times (one update per
250 ms) before the next opens; `?bars=1s`: one-second bars, 4 updates each. `?points=300`:
bars in the window (history and `max_points`). `?seed=7`: the stream's seed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

UPDATE_S = 0.25
"""One update every 250 ms: the feed's default conflation window for a chart."""
CADENCES: dict[str, int] = {"1m": 60_000, "1s": 1_000}
"""Bar interval (query value) → bar length in ms."""
DEFAULT_POINTS = 300


@dataclasses.dataclass(frozen=True, slots=True)
class Cadence:
    interval: str
    interval_ms: int
    points: int
    seed: int

    @property
    def updates_per_bar(self) -> int:
        return max(1, round(self.interval_ms / 1000 / UPDATE_S))

    @classmethod
    def of(cls, query: Mapping[str, str]) -> Cadence:
        interval = query.get("bars", "1m")
        if interval not in CADENCES:
            interval = "1m"
        points = _int(query.get("points"), DEFAULT_POINTS, 2, 5_000)
        return cls(interval, CADENCES[interval], points, _int(query.get("seed"), 7, 0, 2**31))


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(text or default), low), high)
    except ValueError:
        return default
