"""The synthetic market (`FEED_SOURCE=synthetic`): N symbols, a fixed tick rate, a
deterministic random walk — the load-test source.

The same generator exists in JavaScript for the benchmarks' reference server
(`benchmarks/reference/tickgen.mjs`); the two produce identical ticks (a test compares them),
so both servers fan out the same workload:

* symbols `S000` … `S499` (zero-padded to at least three digits), all starting at 100.00;
* xorshift32 randomness, state `(seed * 0x9E3779B1 + 1) mod 2**32` (1 if that is 0);
* tick k: symbol `next() % N`, price in cents moves by `next() % 5 - 2` (never below 1 cent);
* tick k falls due at `t0 + floor(k * 1000 / rate)` ms and carries that time as `ts`;
* every wake-up (10 ms) produces every tick that has fallen due; ticks more than
  `MAX_LAG_MS` overdue are walked through but not emitted (counted in `dropped`), so an
  overloaded server's backlog stays bounded.

`SyntheticSource` is a `Source` (`sources/base.py`): `FEED_SYNTHETIC_SYMBOLS` symbols at
`FEED_TICKS_PER_SECOND`, seeded by `FEED_SEED`, with `FEED_HISTORY_MINUTES` of past.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from realtime_server.protocol import SourceKind
from realtime_server.sources.base import (
    RUNNING,
    Instrument,
    JumpSink,
    SourceHealth,
    SourceInfo,
    Tick,
    TickSink,
)

MASK32 = 0xFFFFFFFF
MAX_LAG_MS = 2000
WAKE_S = 0.010
SECTORS = 10
START_CENTS = 10_000


def symbol_names(n: int) -> list[str]:
    width = max(3, len(str(n - 1)))
    return [f"S{i:0{width}d}" for i in range(n)]


class XorShift32:
    """32-bit xorshift (13, 17, 5), bit-for-bit the same as `XorShift32` in tickgen.mjs."""

    __slots__ = ("x",)

    def __init__(self, seed: int) -> None:
        x = (seed * 0x9E3779B1 + 1) & MASK32
        self.x = x or 1

    def next(self) -> int:
        x = self.x
        x ^= (x << 13) & MASK32
        x ^= x >> 17
        x ^= (x << 5) & MASK32
        self.x = x
        return x


class TickGenerator:
    """The walk itself, with no clock: `step()` gives tick k as (symbol index, cents, ts)."""

    def __init__(
        self, symbols: int = 500, rate: float = 5000.0, seed: int = 7, t0: int = 0
    ) -> None:
        if symbols < 1 or rate <= 0:
            raise ValueError("symbols must be >= 1 and rate > 0")
        self.symbols = symbol_names(symbols)
        self.rate = rate
        self.t0 = t0
        self.rng = XorShift32(seed)
        self.cents = [START_CENTS] * symbols
        self.k = 0
        self.dropped = 0

    def due_ts(self, k: int) -> int:
        return self.t0 + int(k * 1000 / self.rate)

    def step(self) -> tuple[int, int, int]:
        n = len(self.symbols)
        nxt = self.rng.next
        i = nxt() % n
        cents = max(1, self.cents[i] + nxt() % 5 - 2)
        self.cents[i] = cents
        ts = self.due_ts(self.k)
        self.k += 1
        return i, cents, ts

    def advance(self, now_ms: int) -> list[tuple[int, int, int]]:
        """Every tick due by `now_ms` that is not more than `MAX_LAG_MS` late."""
        out = []
        while self.due_ts(self.k) <= now_ms:
            tick = self.step()
            if now_ms - tick[2] > MAX_LAG_MS:
                self.dropped += 1
            else:
                out.append(tick)
        return out


class SyntheticSource:
    """A `Source` running a `TickGenerator` on the wall clock (trades of 100 shares)."""

    info = SourceInfo("synthetic", SourceKind.SIMULATED, "Synthetic market", news="generated")

    def __init__(
        self,
        symbols: int = 500,
        ticks_per_second: float = 5000.0,
        seed: int = 7,
        clock: Callable[[], float] = time.time,
        history_minutes: float = 0.0,
    ) -> None:
        self.symbols = symbols
        self.ticks_per_second = ticks_per_second
        self.seed = seed
        self.history_minutes = history_minutes
        """Minutes of past (two small trades per symbol per minute) handed to `on_history`
        before going live, so charts have bars; the live walk is unchanged by it."""
        self._clock = clock
        self._instruments = tuple(
            Instrument(name, f"Synthetic {name}", f"Sector {i % SECTORS}", START_CENTS / 100)
            for i, name in enumerate(symbol_names(symbols))
        )
        self.generator: TickGenerator | None = None

    def instruments(self) -> Sequence[Instrument]:
        return self._instruments

    def health(self) -> SourceHealth:
        return RUNNING

    def clock_ms(self) -> int:
        return int(self._clock() * 1000)

    async def run(
        self,
        sink: TickSink,
        on_jump: JumpSink | None = None,
        on_history: TickSink | None = None,
    ) -> None:
        gen = TickGenerator(
            self.symbols, self.ticks_per_second, self.seed, int(self._clock() * 1000)
        )
        self.generator = gen
        names = gen.symbols
        volume = [0] * len(names)

        def tick(i: int, cents: int, ts: int) -> Tick:
            volume[i] += 100
            return Tick(
                symbol=names[i],
                price=cents / 100,
                size=100,
                bid=max(1, cents - 1) / 100,
                ask=(cents + 1) / 100,
                bid_size=100,
                ask_size=100,
                volume=volume[i],
                ts=ts,
            )

        if on_history is not None and self.history_minutes > 0:
            on_history(self._history(gen.t0, tick))
        sink([tick(i, START_CENTS, gen.t0) for i in range(len(names))])  # the opening
        while True:
            due = gen.advance(int(self._clock() * 1000))
            if due:
                sink([tick(i, cents, ts) for i, cents, ts in due])
            await asyncio.sleep(WAKE_S)

    def _history(self, t0: int, tick: Callable[[int, int, int], Tick]) -> list[Tick]:
        """Two trades per symbol per past minute, oldest first: a walk of a few cents a trade
        that ends at the opening price, drawn from its own generator (the live walk, which
        the reference server reproduces, is untouched)."""
        rng = XorShift32(self.seed + 1)
        steps = int(self.history_minutes) * 2
        past: list[Tick] = []
        for i in range(self.symbols):
            cents = START_CENTS
            walk = []
            for k in range(steps):  # backwards from the opening
                walk.append((cents, t0 - (k + 1) * 30_000 + i % 1000))
                cents = max(1, cents + rng.next() % 31 - 15)
            past += [tick(i, c, ts) for c, ts in reversed(walk)]
        past.sort(key=lambda t: t.ts)
        return past
