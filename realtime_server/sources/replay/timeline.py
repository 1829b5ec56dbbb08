"""The replayed clock: wall time since the replay began → the replayed market moment.

The replayed days' active spans (a daily file: each regular session, 09:30-16:00 New York;
an intraday file: from the day's first bar, or the open, to its last bar's end, or the close)
play at `speed` (market ms per wall ms: one 390-minute session per 6.5 wall minutes is 60).
The closed time between two spans (the evening, the night, a weekend, a holiday) is not
skipped but crossed quickly, in `closed_s` wall seconds whatever its length, so the
session a client sees moves honestly through after-hours, closed and pre-market. After the
last span the clock crosses that day's after-hours the same way and stops at 20:00.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence


class ReplayTimeline:
    """A piecewise-linear map between wall seconds (from the start) and market ms."""

    def __init__(
        self, spans: Sequence[tuple[int, int]], speed: float, closed_s: float, tail_ms: int
    ) -> None:
        if not spans:
            raise ValueError("a replay needs at least one day")
        if speed <= 0 or closed_s <= 0:
            raise ValueError("speed and closed_s must be > 0")
        self._wall: list[float] = []
        """Where each segment starts, in wall seconds."""
        self._market: list[int] = []
        self._rate: list[float] = []
        """Market ms per wall second in each segment."""
        wall = 0.0
        ends = [start for start, _ in spans[1:]] + [max(tail_ms, spans[-1][1])]
        for (start, end), next_start in zip(spans, ends, strict=True):
            if end <= start or next_start < end:
                raise ValueError("spans must be ordered and not overlap")
            wall = self._segment(wall, start, end, speed * 1000)
            if next_start > end:
                wall = self._segment(wall, end, next_start, (next_start - end) / closed_s)
        self.start_ms = spans[0][0]
        self.end_ms = ends[-1]
        self.end_wall_s = wall

    def _segment(self, wall: float, start: int, end: int, rate: float) -> float:
        self._wall.append(wall)
        self._market.append(start)
        self._rate.append(rate)
        return wall + (end - start) / rate

    def market_ms(self, wall_s: float) -> int:
        """The replayed moment `wall_s` seconds after the start (the end, once past it)."""
        if wall_s >= self.end_wall_s:
            return self.end_ms
        i = max(0, bisect_right(self._wall, wall_s) - 1)
        return self._market[i] + int((wall_s - self._wall[i]) * self._rate[i])
