"""`ReplaySource`: real history traded again, on a replayed clock.

At start the past before the replay (`plan.py`) goes to `on_history` as a few synthesized
trades per bar (the charts open on months of real daily bars, every one rebuilt exactly);
then the replayed days play on the `ReplayTimeline`: each real bar, when the replayed clock
reaches it, becomes trades (`synthesis.py`) delivered as they fall due, at about
`ticks_per_second` across all symbols in wall time. A tick's volume is the day's so far; it
has no real quote behind it, so its bid and ask are the trade price with size 0 (no book).

`clock_ms()` is the replayed moment every trade up to which has been delivered, so bars close
on replayed time only once their trades are in. After the last day the clock stops at 20:00
New York and the source reports `down`, "replay ended": a replay does not loop, since going
back in time would have every client's bars and positions run backwards (a restart replays
again, under a new epoch).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable, Sequence

from realtime_server.protocol import SourceKind, SourceState
from realtime_server.sources.base import (
    Instrument,
    JumpSink,
    SourceHealth,
    SourceInfo,
    Tick,
    TickSink,
)
from realtime_server.sources.replay.plan import ReplayPlan, history_trades
from realtime_server.sources.replay.records import RealBar
from realtime_server.sources.replay.synthesis import Trade, synthesize
from realtime_server.sources.replay.timeline import ReplayTimeline

WAKE_S = 0.02
MAX_TRADES_PER_BAR = 100_000
MINUTES_PER_SESSION = 390
"""A regular session, 09:30-16:00: what `minutes_per_day` of wall time replays."""


def replay_speed(minutes_per_day: float) -> float:
    """Market time per wall time when one trading day lasts `minutes_per_day` minutes."""
    return MINUTES_PER_SESSION / minutes_per_day


class ReplaySource:
    """A `Source` replaying real bars as synthesized trades, on the replayed clock."""

    def __init__(
        self,
        plan: ReplayPlan,
        *,
        speed: float,
        closed_s: float,
        ticks_per_second: float,
        seed: int = 7,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.plan = plan
        self.info = SourceInfo(
            "replay",
            SourceKind.REPLAY,
            "Replay",
            market="us-equities",
            news="generated",
            speed=speed,
        )
        self.timeline = ReplayTimeline(plan.spans, speed, closed_s, plan.tail_ms)
        self.seed = seed
        self._speed = speed
        self._rate = ticks_per_second / max(1, len(plan.instruments))
        """Trades per wall second per symbol."""
        self._clock = clock
        self._played_ms = self.timeline.start_ms
        self._health = SourceHealth(SourceState.STARTING, "loading the replay's past")
        self._volume: dict[str, tuple[dt.date, int]] = {}

    def instruments(self) -> Sequence[Instrument]:
        return self.plan.instruments

    def health(self) -> SourceHealth:
        return self._health

    def clock_ms(self) -> int:
        """The replayed moment up to which every trade has been delivered."""
        return self._played_ms

    async def run(
        self,
        sink: TickSink,
        on_jump: JumpSink | None = None,
        on_history: TickSink | None = None,
    ) -> None:
        """The past to `on_history`, then the replayed days to `sink`; then idle, `down`."""
        if on_history is not None and self.plan.history:
            on_history(self.past())
        self._health = SourceHealth(SourceState.OK)
        started = self._clock()
        due = _DueTrades(self.plan.replay, self._trades_of)
        while True:
            elapsed = self._clock() - started
            now = self.timeline.market_ms(elapsed)
            batch = [self._tick(bar, trade) for bar, trade in due.until(now)]
            if batch:
                sink(batch)
            self._played_ms = now
            if elapsed >= self.timeline.end_wall_s and due.done:
                self._health = SourceHealth(
                    SourceState.DOWN, f"replay ended on {self.plan.last_day:%d %b %Y}"
                )
                await asyncio.Event().wait()  # until cancelled
            await asyncio.sleep(WAKE_S)

    def past(self) -> list[Tick]:
        """The history before the start as ticks, oldest first."""
        trades = [
            (trade, bar)
            for bar in self.plan.history
            for trade in synthesize(bar, history_trades(bar), self.seed)
        ]
        trades.sort(key=lambda pair: pair[0][0])
        return [self._tick(bar, trade) for trade, bar in trades]

    def _trades_of(self, bar: RealBar) -> list[Trade]:
        wall_s = (bar.end_ms - bar.start_ms) / self._speed / 1000
        wanted = min(MAX_TRADES_PER_BAR, round(self._rate * wall_s))
        return synthesize(bar, wanted, self.seed)

    def _tick(self, bar: RealBar, trade: Trade) -> Tick:
        ts, cents, size = trade
        day, volume = self._volume.get(bar.symbol, (bar.day, 0))
        volume = volume + size if day == bar.day else size
        self._volume[bar.symbol] = (bar.day, volume)
        price = cents / 100
        return Tick(bar.symbol, price, size, price, price, 0, 0, volume, ts)


class _DueTrades:
    """The replayed bars' trades in time order, each bar's made when the clock reaches it."""

    def __init__(
        self, bars: Sequence[RealBar], trades_of: Callable[[RealBar], list[Trade]]
    ) -> None:
        self._bars = bars
        self._next = 0
        self._trades_of = trades_of
        self._open: list[tuple[RealBar, list[Trade], int]] = []

    @property
    def done(self) -> bool:
        return self._next >= len(self._bars) and not self._open

    def until(self, now_ms: int) -> list[tuple[RealBar, Trade]]:
        """Every trade due by `now_ms` not handed out yet, oldest first."""
        bars = self._bars
        while self._next < len(bars) and bars[self._next].start_ms <= now_ms:
            bar = bars[self._next]
            self._open.append((bar, self._trades_of(bar), 0))
            self._next += 1
        due: list[tuple[RealBar, Trade]] = []
        still: list[tuple[RealBar, list[Trade], int]] = []
        for bar, trades, at in self._open:
            end = at
            while end < len(trades) and trades[end][0] <= now_ms:
                due.append((bar, trades[end]))
                end += 1
            if end < len(trades):
                still.append((bar, trades, end))
        self._open = still
        due.sort(key=lambda pair: pair[1][0])
        return due
