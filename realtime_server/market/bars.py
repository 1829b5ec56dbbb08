"""The bar aggregator: OHLCV bars per symbol and interval, built from ticks.

A bar covers `[start, start + length)` where `start` is a multiple of the interval's length in
UTC milliseconds, except a day-long bar (`1D`): it holds one trading day's regular session,
starts at 00:00 UTC of that day's date and ends with the session (`trading_days.py`: under
US equities a New York day's 09:30-16:00, and a trade outside it is in no `1D` bar; for a
market that never closes, the UTC date). Each tick updates the forming bar of its symbol in
every interval; the first tick of a later period closes the previous bar (if not already
closed) and opens a new one. `close_due` closes forming bars whose period has ended without a
later tick, so a quiet symbol's bars still become final. Updates come out in wire form
(`protocol.Bar` as a plain dict, never mutated after it is returned) paired with their
channel name.

Policies, on purpose:

* Gaps: a period without trades has no bar. No synthetic empty bars are made; a chart shows
  the gap (or joins across it), as exchanges' own bar feeds do.
* Late ticks: a tick older than its series' forming bar, or belonging to a bar already closed,
  is not folded into any bar of that interval (closed bars are final) and is counted in
  `late_ticks`. Callers that close on a wall clock should pass `close_due` a time a little
  behind it (the source's delivery lag) so in-flight ticks still land in their bar.
* History: the last `history` bars of each (interval, symbol), the forming one included.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from realtime_server.market.trading_days import DAY_MS, TradingDays, UtcDays
from realtime_server.protocol.channels import BAR_INTERVALS, bars_channel
from realtime_server.sources.base import Tick

BarUpdate = tuple[str, dict[str, Any]]
"""A (channel, bar) pair: `bars:<interval>:<SYM>` and the bar in wire form."""

_NEVER = -(2**62)
"""End of the (empty) bar a new series starts with: every tick is past it."""


@dataclass(slots=True)
class _Series:
    """The bars of one (interval, symbol): the forming bar's state plus bounded history."""

    symbol: str
    interval: str
    length: int
    channel: str
    bars: deque[dict[str, Any]]
    """Oldest first; the last entry is the forming bar unless `closed`."""
    start: int = _NEVER
    end: int = _NEVER
    open: float = 0.0
    high: float = 0.0
    low: float = 0.0
    close: float = 0.0
    volume: float = 0
    trades: int = 0
    closed: bool = True
    """True when there is no forming bar (none yet, or the last one was closed)."""
    daily: bool = False
    """A day-long series: its bars are the trading days' regular sessions."""

    def emit(self, closed: bool) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "interval": self.interval,
            "start": self.start,
            "open": self.open,
            "high": self.high,
            "low": self.low,
            "close": self.close,
            "volume": self.volume,
            "trades": self.trades,
            "closed": closed,
        }


class BarAggregator:
    """Forming and recent bars for every symbol seen, in every configured interval."""

    def __init__(
        self,
        intervals: Mapping[str, int] = BAR_INTERVALS,
        history: int = 300,
        days: TradingDays | None = None,
    ) -> None:
        if not intervals:
            raise ValueError("no bar intervals")
        if any(length <= 0 for length in intervals.values()):
            raise ValueError("bar interval lengths must be > 0 ms")
        if history < 1:
            raise ValueError("history must be >= 1")
        self._intervals = dict(intervals)
        self._history = history
        self._days = days or UtcDays()
        self._daily = DAY_MS in self._intervals.values()
        self._series: dict[str, tuple[_Series, ...]] = {}
        self._by_key: dict[tuple[str, str], _Series] = {}
        self.late_ticks = 0
        """Ticks not folded into some interval's bar because that bar was already closed."""

    @property
    def intervals(self) -> dict[str, int]:
        return dict(self._intervals)

    def _open_symbol(self, symbol: str) -> tuple[_Series, ...]:
        series = tuple(
            _Series(
                symbol=symbol,
                interval=name,
                length=length,
                channel=bars_channel(name, symbol),
                bars=deque(maxlen=self._history),
                daily=length == DAY_MS,
            )
            for name, length in self._intervals.items()
        )
        self._series[symbol] = series
        for s in series:
            self._by_key[(s.interval, symbol)] = s
        return series

    def apply(self, tick: Tick) -> list[BarUpdate]:
        """Fold one tick into its symbol's bars; return the bar updates it causes, in order.

        Per interval: the previous bar closed (only when this tick starts a new period and the
        previous bar was still forming), then the forming bar as it stands after this tick.
        """
        series = self._series.get(tick.symbol)
        if series is None:
            series = self._open_symbol(tick.symbol)
        ts = tick.ts
        price = tick.price
        size = tick.size
        updates: list[BarUpdate] = []
        session = self._days.regular_session(ts) if self._daily else None
        for s in series:
            if s.daily:
                if session is None:
                    continue  # outside the regular session: in no daily bar
                fresh = session[0] > s.start
            else:
                fresh = ts >= s.end
            if fresh:
                if not s.closed:
                    s.bars[-1] = closed_bar = s.emit(True)
                    updates.append((s.channel, closed_bar))
                if session is not None and s.daily:
                    s.start, s.end = session
                else:
                    s.start = start = ts - ts % s.length
                    s.end = start + s.length
                s.open = s.high = s.low = s.close = price
                s.volume = size
                s.trades = 1
                s.closed = False
                s.bars.append(bar := s.emit(False))
            elif ts < s.start or s.closed:
                self.late_ticks += 1
                continue
            else:
                if price > s.high:
                    s.high = price
                elif price < s.low:
                    s.low = price
                s.close = price
                s.volume += size
                s.trades += 1
                s.bars[-1] = bar = s.emit(False)
            updates.append((s.channel, bar))
        return updates

    def close_due(self, now_ms: int) -> list[BarUpdate]:
        """Close every forming bar whose period ended at or before `now_ms`; return them.

        Each bar is closed exactly once, whether here or by a later tick.
        """
        updates: list[BarUpdate] = []
        for series in self._series.values():
            for s in series:
                if not s.closed and s.end <= now_ms:
                    s.bars[-1] = bar = s.emit(True)
                    s.closed = True
                    updates.append((s.channel, bar))
        return updates

    def recent(self, interval: str, symbol: str, n: int | None = None) -> list[dict[str, Any]]:
        """The last `n` bars (all kept, if None) of a series, oldest first.

        The forming bar, if any, is last. Unknown intervals or symbols give an empty list.
        """
        s = self._by_key.get((interval, symbol))
        if s is None:
            return []
        bars = s.bars
        if n is None or n >= len(bars):
            return list(bars)
        if n <= 0:
            return []
        return list(islice(bars, len(bars) - n, None))

    def latest(self, interval: str, symbol: str) -> dict[str, Any] | None:
        """The most recent bar (forming or just closed) of a series, or None."""
        s = self._by_key.get((interval, symbol))
        return s.bars[-1] if s is not None and s.bars else None
