"""`MarketSimulator`: the deterministic simulated market, pure (no wall clock, no asyncio).

Given a universe and a seed it yields the same tick sequence every time; `SimulatorSource`
(`simulator.py`) runs one in real time as a `Source`.
Model, in short:

* Arrivals: a superposition of Poisson processes. Inter-arrival delays are exponential with the
  total rate `ticks_per_second`; the trading symbol is drawn proportionally to its activity.
* Prices: a correlated geometric random walk. A market factor, one factor per sector and one
  idiosyncratic walk per symbol are Brownian motions advanced by elapsed simulated time; a
  symbol's log price is `beta * market + sector + idiosyncratic`, with loadings scaled so that
  its annualized volatility is its configured one (a year is 252 days of 6.5 hours).
* Time scale: `time_scale` trading seconds of price dynamics elapse per second of tick time.
  The default, 10, makes a 30%-vol name move about 4 bps per second and 30 bps per minute
  (1 sigma), so a dashboard visibly moves. Timestamps themselves are never scaled.
* Jumps: on each tick, with a small seeded probability (`jumps_per_minute` on average over the
  whole universe), the ticking symbol jumps by +-1..4% for good. The jump is visible in that
  tick and reported as `MarketSimulator.last_jump` (None after a step without a jump);
  `SimulatorSource` forwards jumps to its optional `on_jump` callback.
* Overnight gap: the simulated session opens one trading day of (correlated) volatility away
  from each previous close, so day changes look like mid-session.
* Book: integer cents; spread ~ 0.1% x price x volatility (a few bps, at least one cent); the
  trade prints at the bid or the ask, now and then inside. Sizes are in round lots of 100,
  except occasional odd-lot trades; trade sizes have a heavy tail of block trades.
* Volume: cumulative per symbol per UTC day; it restarts at the first tick whose `ts` falls on
  a new UTC date.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence

from realtime_server.sources.base import Jump, Tick
from realtime_server.sources.universe import DEFAULT_UNIVERSE, UniverseEntry

YEAR_SECONDS = 252 * 6.5 * 3600
"""Trading seconds in a year: the time unit of annualized volatility."""
DEFAULT_TIME_SCALE = 10.0
DEFAULT_TICKS_PER_SECOND = 300.0
DEFAULT_JUMPS_PER_MINUTE = 0.5
MARKET_VOL = 0.16
SECTOR_VOL = 0.10
MAX_SYSTEMATIC_SHARE = 0.8
"""At most this share of a symbol's variance comes from the market and sector factors."""
SPREAD_PER_VOL = 0.001
MIN_SLEEP_S = 0.005
MEAN_TRADE_SIZE = 450
"""About the mean of `_trade_size` in shares (458 over 400,000 draws)."""
HISTORY_TICKS_PER_SECOND = 5.0
"""The replayed past's tick rate, whole universe: about one trade per symbol per 10 s, so
every one-minute bar of the past has a few trades and two hours replay in well under a second."""
DAY_MS = 86_400_000


class MarketSimulator:
    """A seeded, deterministic generator of ticks for a universe of symbols."""

    def __init__(
        self,
        universe: Sequence[UniverseEntry] = DEFAULT_UNIVERSE,
        *,
        seed: int = 0,
        ticks_per_second: float = DEFAULT_TICKS_PER_SECOND,
        start_ms: int = 0,
        time_scale: float = DEFAULT_TIME_SCALE,
        jumps_per_minute: float = DEFAULT_JUMPS_PER_MINUTE,
    ) -> None:
        if not universe:
            raise ValueError("universe is empty")
        if len({entry.symbol for entry in universe}) != len(universe):
            raise ValueError("universe has duplicate symbols")
        if ticks_per_second <= 0 or time_scale <= 0 or jumps_per_minute < 0:
            raise ValueError("ticks_per_second and time_scale must be > 0, jumps >= 0")
        self.universe: tuple[UniverseEntry, ...] = tuple(universe)
        self.ticks_per_second = ticks_per_second
        self.start_ms = start_ms
        self.time_scale = time_scale
        self.size_scale = 1
        """How many trades each tick stands for (a sparse replay of the past): the tick's own
        trade plus `size_scale - 1` average ones, so its volume adds up like the live market's
        without multiplying a rare block trade into an absurd one."""
        self.last_jump: Jump | None = None
        """The jump applied by the most recent `step()`, or None."""
        self._rng = random.Random(seed)
        self._jump_probability = min(1.0, jumps_per_minute / 60.0 / ticks_per_second)
        sectors = sorted({entry.sector for entry in universe})
        self._sector_of = [sectors.index(entry.sector) for entry in universe]
        self._cum_weights: list[float] = []
        total = 0.0
        for entry in universe:
            if entry.activity <= 0 or entry.prev_close <= 0 or entry.volatility <= 0:
                raise ValueError(f"{entry.symbol}: activity, price and volatility must be > 0")
            total += entry.activity
            self._cum_weights.append(total)
        self._market_load: list[float] = []
        self._sector_load: list[float] = []
        self._idio_load: list[float] = []
        for entry in universe:
            variance = entry.volatility**2
            systematic = (entry.beta * MARKET_VOL) ** 2 + SECTOR_VOL**2
            shrink = min(1.0, math.sqrt(MAX_SYSTEMATIC_SHARE * variance / systematic))
            self._market_load.append(shrink * entry.beta * MARKET_VOL)
            self._sector_load.append(shrink * SECTOR_VOL)
            self._idio_load.append(math.sqrt(variance - shrink**2 * systematic))
        self._log_close = [math.log(entry.prev_close) for entry in universe]
        self._elapsed = 0.0  # tick-time seconds since start_ms
        self._market = 0.0  # factor values, in sqrt(years) of Brownian motion
        self._sectors = [0.0] * len(sectors)
        self._sector_at = [0.0] * len(sectors)  # elapsed time each factor was last advanced
        self._idio = [0.0] * len(universe)
        self._idio_at = [0.0] * len(universe)
        self._jumps = [0.0] * len(universe)  # accumulated log jumps
        self._gaps = self._overnight_gaps()
        self._volume = [0] * len(universe)
        self._volume_day = [start_ms // DAY_MS] * len(universe)

    def _overnight_gaps(self) -> list[float]:
        """Log moves since the previous close, so the session opens mid-day, not flat.

        One trading day of each name's volatility, with the market and sector shares of the
        move drawn in common, as the intraday factors are.
        """
        day = math.sqrt(1 / 252)
        market = self._rng.gauss(0.0, day)
        sectors = [self._rng.gauss(0.0, day) for _ in self._sectors]
        return [
            self._market_load[i] * market
            + self._sector_load[i] * sectors[self._sector_of[i]]
            + self._idio_load[i] * self._rng.gauss(0.0, day)
            for i in range(len(self.universe))
        ]

    @property
    def elapsed_s(self) -> float:
        """Tick-time seconds since `start_ms` (the time of the latest step or skip)."""
        return self._elapsed

    @property
    def now_ms(self) -> int:
        """The timestamp the simulator has reached, in ms since the epoch."""
        return self.start_ms + math.floor(self._elapsed * 1000)

    def _increment(self, dt: float) -> float:
        """A Brownian increment over `dt` tick-time seconds, in sqrt(years)."""
        if dt <= 0:
            return 0.0
        return self._rng.gauss(0.0, math.sqrt(dt * self.time_scale / YEAR_SECONDS))

    def skip_to(self, ts_ms: int) -> None:
        """Advance time to `ts_ms` without producing ticks; prices keep diffusing meanwhile."""
        target = (ts_ms - self.start_ms) / 1000
        if target > self._elapsed:
            self._market += self._increment(target - self._elapsed)
            self._elapsed = target
        self.last_jump = None

    def step(self) -> tuple[float, Tick]:
        """Produce the next trade: (seconds since the previous tick, the tick)."""
        rng = self._rng
        delay = rng.expovariate(self.ticks_per_second)
        self._elapsed += delay
        now = self._elapsed
        i = bisect.bisect_right(self._cum_weights, rng.random() * self._cum_weights[-1])
        i = min(i, len(self.universe) - 1)
        k = self._sector_of[i]
        self._market += self._increment(delay)
        self._sectors[k] += self._increment(now - self._sector_at[k])
        self._sector_at[k] = now
        self._idio[i] += self._increment(now - self._idio_at[i])
        self._idio_at[i] = now
        ts = self.now_ms
        jump = 0.0
        if rng.random() < self._jump_probability:
            jump = rng.choice((-1.0, 1.0)) * rng.uniform(0.01, 0.04)
            self._jumps[i] += math.log1p(jump)
        tick = self._print(i, ts)
        self.last_jump = Jump(tick.symbol, ts, jump, tick.price) if jump else None
        return delay, tick

    def opening(self) -> list[Tick]:
        """One opening print per symbol at `start_ms`, so that every quote exists at once."""
        return [self._print(i, self.start_ms) for i in range(len(self.universe))]

    def _print(self, i: int, ts: int) -> Tick:
        """A trade of symbol `i` at `ts` at its current model price, with the book around it."""
        entry = self.universe[i]
        k = self._sector_of[i]
        log_price = (
            self._log_close[i]
            + self._market_load[i] * self._market
            + self._sector_load[i] * self._sectors[k]
            + self._idio_load[i] * self._idio[i]
            + self._jumps[i]
            + self._gaps[i]
        )
        mid_cents = 100.0 * math.exp(log_price)
        spread_frac = SPREAD_PER_VOL * entry.volatility * self._rng.uniform(0.7, 1.3)
        spread = max(1, round(mid_cents * spread_frac))
        bid = max(1, math.floor(mid_cents - spread / 2 + 0.5))
        ask = bid + spread
        price = self._trade_cents(bid, ask)
        size = self._trade_size() + (self.size_scale - 1) * MEAN_TRADE_SIZE
        day = ts // DAY_MS
        if day != self._volume_day[i]:
            self._volume_day[i] = day
            self._volume[i] = 0
        self._volume[i] += size
        return Tick(
            symbol=entry.symbol,
            price=price / 100,
            size=size,
            bid=bid / 100,
            ask=ask / 100,
            bid_size=self._book_size(),
            ask_size=self._book_size(),
            volume=self._volume[i],
            ts=ts,
        )

    def _trade_cents(self, bid: int, ask: int) -> int:
        """Mostly at the touch (sell at the bid, buy at the ask), sometimes inside."""
        u = self._rng.random()
        if u < 0.45:
            return bid
        if u < 0.9 or ask - bid < 2:
            return ask
        return self._rng.randint(bid + 1, ask - 1)

    def _trade_size(self) -> int:
        """Round lots of 100-2000 (small ones most often), odd lots and heavy-tailed blocks."""
        rng = self._rng
        u = rng.random()
        if u < 0.05:
            return rng.randint(1, 99)
        if u < 0.97:
            return 100 * min(20, 1 + int(rng.expovariate(0.4)))
        return 100 * min(5000, int(20 * rng.paretovariate(1.5)))

    def _book_size(self) -> int:
        """Displayed size at the touch: 1-50 round lots."""
        return 100 * min(50, 1 + int(self._rng.expovariate(0.2)))
