"""`SimulatorSource`: the simulated market as a `Source`, paced by the wall clock.

It runs a `MarketSimulator` (`market_model.py`) in real time, and can first replay the recent
past (`history_s`): the same simulator starts that long ago and runs up to now at a sparse
`HISTORY_TICKS_PER_SECOND` (each trade scaled up in size to match), handed to the history sink
in one go, so charts open on hours of bars instead of an empty axis. Then it goes live at the
configured rate.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence

from realtime_server.protocol import SourceKind
from realtime_server.sources.base import (
    RUNNING,
    Instrument,
    Jump,
    JumpSink,
    SourceHealth,
    SourceInfo,
    Tick,
    TickSink,
)
from realtime_server.sources.market_model import (
    DEFAULT_JUMPS_PER_MINUTE,
    DEFAULT_TICKS_PER_SECOND,
    DEFAULT_TIME_SCALE,
    HISTORY_TICKS_PER_SECOND,
    MIN_SLEEP_S,
    MarketSimulator,
)
from realtime_server.sources.universe import DEFAULT_UNIVERSE, UniverseEntry


class SimulatorSource:
    """A `Source` that runs a `MarketSimulator` locked to the wall clock.

    Tick timestamps are the wall-clock times (ms) at which ticks fall due; each tick is
    delivered at the first wake-up at or after its timestamp, overdue ticks together in one
    batch. If the loop lags more than `max_lag_s` (e.g. the host was suspended) the backlog is
    dropped: the simulator skips to the present, prices diffusing over the gap.
    """

    info = SourceInfo(
        "simulator", SourceKind.SIMULATED, "Simulated market", market="always", news="generated"
    )

    def __init__(
        self,
        universe: Sequence[UniverseEntry] = DEFAULT_UNIVERSE,
        *,
        seed: int = 0,
        ticks_per_second: float = DEFAULT_TICKS_PER_SECOND,
        time_scale: float = DEFAULT_TIME_SCALE,
        jumps_per_minute: float = DEFAULT_JUMPS_PER_MINUTE,
        clock: Callable[[], float] = time.time,
        on_jump: Callable[[Jump], None] | None = None,
        max_lag_s: float = 5.0,
        history_s: float = 0.0,
    ) -> None:
        self.universe: tuple[UniverseEntry, ...] = tuple(universe)
        self.seed = seed
        self.ticks_per_second = ticks_per_second
        self.time_scale = time_scale
        self.jumps_per_minute = jumps_per_minute
        self.on_jump = on_jump
        """Called with each jump right after the batch holding its tick reached the sink."""
        self.max_lag_s = max_lag_s
        self.history_s = history_s
        """How much of the past to replay into the history sink before going live."""
        self._clock = clock
        self._instruments = tuple(entry.instrument() for entry in self.universe)

    def instruments(self) -> Sequence[Instrument]:
        """Every simulated instrument, in universe order."""
        return self._instruments

    def health(self) -> SourceHealth:
        """Always running: the simulator has no upstream to lose."""
        return RUNNING

    def clock_ms(self) -> int:
        """The wall clock: the simulated market trades in the present."""
        return self._now_ms()

    def _now_ms(self) -> int:
        return math.floor(self._clock() * 1000)

    async def run(
        self,
        sink: TickSink,
        on_jump: JumpSink | None = None,
        on_history: TickSink | None = None,
    ) -> None:
        """Replay the past into `on_history` (when given), then deliver ticks to `sink` as
        they fall due, until cancelled; jumps to `on_jump`."""
        jump_sink = on_jump or self.on_jump
        history_ms = round(self.history_s * 1000) if on_history is not None else 0
        sim = MarketSimulator(
            self.universe,
            seed=self.seed,
            ticks_per_second=self.ticks_per_second,
            start_ms=self._now_ms() - history_ms,
            time_scale=self.time_scale,
            jumps_per_minute=self.jumps_per_minute,
        )
        max_lag_ms = self.max_lag_s * 1000
        opening = sim.opening()
        if history_ms and on_history is not None:
            on_history([*opening, *self._replay(sim)])
        else:
            sink(opening)
        _, tick = sim.step()
        jump = sim.last_jump
        while True:
            now_ms = self._now_ms()
            batch: list[Tick] = []
            jumps: list[Jump] = []
            while tick.ts <= now_ms:
                batch.append(tick)
                if jump is not None:
                    jumps.append(jump)
                if now_ms - tick.ts > max_lag_ms:
                    sim.skip_to(now_ms)
                _, tick = sim.step()
                jump = sim.last_jump
            if batch:
                sink(batch)
                if jump_sink is not None:
                    for item in jumps:
                        jump_sink(item)
            wait_s = (tick.ts - self._now_ms()) / 1000
            await asyncio.sleep(max(MIN_SLEEP_S, wait_s))

    def _replay(self, sim: MarketSimulator) -> list[Tick]:
        """The past up to now, sparsely: ticks at `HISTORY_TICKS_PER_SECOND`, sizes scaled up."""
        sim.ticks_per_second = min(HISTORY_TICKS_PER_SECOND, self.ticks_per_second)
        sim.size_scale = max(1, round(self.ticks_per_second / sim.ticks_per_second))
        now_ms = self._now_ms()
        ticks: list[Tick] = []
        while True:
            _, tick = sim.step()
            if tick.ts > now_ms:
                break
            ticks.append(tick)
        # The step past now is dropped; live trading resumes from the present at full rate.
        sim.ticks_per_second = self.ticks_per_second
        sim.size_scale = 1
        sim.skip_to(now_ms)
        return ticks
