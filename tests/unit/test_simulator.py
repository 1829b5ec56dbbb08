"""Unit tests for the simulated market: MarketSimulator's statistics and SimulatorSource pacing."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import pytest

from realtime_server.sources.base import Jump, Tick
from realtime_server.sources.market_model import MarketSimulator
from realtime_server.sources.simulator import SimulatorSource
from realtime_server.sources.universe import DEFAULT_UNIVERSE, UniverseEntry, lookup

START_MS = 1_700_000_000_000
TRADING_YEAR_S = 252 * 6.5 * 3600


def run_sim(n: int, **kwargs) -> list[tuple[float, Tick]]:
    kwargs.setdefault("start_ms", START_MS)
    sim = MarketSimulator(**kwargs)
    return [sim.step() for _ in range(n)]


def ticks_of(steps: Sequence[tuple[float, Tick]]) -> list[Tick]:
    return [tick for _, tick in steps]


@pytest.fixture(scope="module")
def default_run() -> list[tuple[float, Tick]]:
    return run_sim(20_000, seed=7)


# --- universe -------------------------------------------------------------------------------


def test_universe_is_broad_and_sane():
    symbols = [entry.symbol for entry in DEFAULT_UNIVERSE]
    assert 45 <= len(symbols) <= 60
    assert len(set(symbols)) == len(symbols)
    assert len({entry.sector for entry in DEFAULT_UNIVERSE}) >= 10
    for entry in DEFAULT_UNIVERSE:
        assert entry.prev_close > 1
        assert 0.05 < entry.volatility < 1.0
        assert 0 < entry.beta < 3
        assert entry.activity > 0
    assert lookup("TSLA").volatility > 2 * lookup("KO").volatility
    assert lookup("AAPL").activity > lookup("DUK").activity
    with pytest.raises(KeyError):
        lookup("NOPE")


# --- determinism ----------------------------------------------------------------------------


def test_same_seed_same_sequence():
    assert run_sim(5000, seed=42) == run_sim(5000, seed=42)


def test_different_seed_different_sequence():
    a, b = ticks_of(run_sim(5000, seed=1)), ticks_of(run_sim(5000, seed=2))
    assert [t.symbol for t in a] != [t.symbol for t in b]
    assert [t.ts for t in a] != [t.ts for t in b]


# --- tick invariants ------------------------------------------------------------------------


def test_book_and_trade_invariants(default_run):
    ticks = ticks_of(default_run)
    for tick in ticks:
        assert tick.price > 0 and tick.bid > 0
        assert tick.bid < tick.ask
        assert round(tick.ask - tick.bid, 2) >= 0.01
        assert tick.bid <= tick.price <= tick.ask
        for value in (tick.price, tick.bid, tick.ask):
            assert value == round(value, 2)
        assert tick.bid_size > 0 and tick.bid_size % 100 == 0
        assert tick.ask_size > 0 and tick.ask_size % 100 == 0
        assert tick.size > 0
    sizes = [tick.size for tick in ticks]
    round_lots = [s for s in sizes if s % 100 == 0]
    assert len(round_lots) > 0.85 * len(sizes)
    assert any(s < 100 for s in sizes), "odd lots occur"
    assert max(sizes) > 2000, "heavy tail of block trades"
    assert statistics.median(round_lots) <= 1000


def test_spread_scales_with_price_and_vol(default_run):
    bps: dict[str, list[float]] = {}
    for tick in ticks_of(default_run):
        mid = (tick.bid + tick.ask) / 2
        bps.setdefault(tick.symbol, []).append((tick.ask - tick.bid) / mid * 1e4)
    tsla, meta = statistics.mean(bps["TSLA"]), statistics.mean(bps["META"])
    assert 1 < meta < tsla < 20
    assert statistics.mean(bps["COST"]) < meta  # same price range, lower volatility


def test_ts_non_decreasing_and_matches_delays(default_run):
    ts = [tick.ts for tick in ticks_of(default_run)]
    assert ts[0] >= START_MS
    assert all(a <= b for a, b in itertools.pairwise(ts))
    elapsed_ms = sum(delay for delay, _ in default_run) * 1000
    assert abs(START_MS + elapsed_ms - ts[-1]) <= 1


def test_every_symbol_ticks_in_proportion_to_activity(default_run):
    counts = Counter(tick.symbol for tick in ticks_of(default_run))
    assert set(counts) == {entry.symbol for entry in DEFAULT_UNIVERSE}
    assert counts["AAPL"] > 4 * counts["AMT"]


def test_arrivals_are_poisson_at_the_configured_rate(default_run):
    delays = [delay for delay, _ in default_run]
    mean = statistics.mean(delays)
    assert mean == pytest.approx(1 / 300, rel=0.05)
    cv = statistics.stdev(delays) / mean  # exactly 1 for exponential inter-arrival times
    assert 0.85 < cv < 1.15
    assert len(set(delays)) > 0.99 * len(delays)


def test_volume_is_cumulative_per_symbol_and_resets_at_utc_midnight():
    midnight_ms = int(datetime(2024, 3, 15, tzinfo=UTC).timestamp() * 1000)
    sim = MarketSimulator(seed=3, start_ms=midnight_ms - 2000)
    last: dict[str, tuple[int, int]] = {}
    resets = 0
    while True:
        _, tick = sim.step()
        if tick.ts > midnight_ms + 3000:
            break
        day = tick.ts // 86_400_000
        prev = last.get(tick.symbol)
        if prev is not None and prev[0] == day:
            assert tick.volume == prev[1] + tick.size
        else:
            assert tick.volume == tick.size
            resets += prev is not None
        last[tick.symbol] = (day, tick.volume)
    assert resets >= 10, "symbols that traded before midnight restart their volume after it"


# --- price dynamics -------------------------------------------------------------------------

# Equal activity, so every symbol ticks ~4 times per grid interval and stale last prices
# (the Epps effect) barely dilute the measured correlations.
PAIR_UNIVERSE: tuple[UniverseEntry, ...] = tuple(
    dataclasses.replace(lookup(s), activity=1.0)
    for s in ("AAPL", "MSFT", "XOM", "CVX", "KO", "TSLA")
)
GRID_S = 2.0
GRID_TIME_SCALE = 1000.0


def grid_returns(seed: int) -> dict[str, list[float]]:
    """Log returns of each symbol's mid, sampled every GRID_S seconds (last mid before)."""
    sim = MarketSimulator(
        PAIR_UNIVERSE,
        seed=seed,
        ticks_per_second=24,
        start_ms=START_MS,
        time_scale=GRID_TIME_SCALE,
        jumps_per_minute=0,
    )
    mids: dict[str, float] = {}
    samples: dict[str, list[float]] = {entry.symbol: [] for entry in PAIR_UNIVERSE}
    next_grid = START_MS + int(GRID_S * 1000)
    for _ in range(24_000):
        _, tick = sim.step()
        while tick.ts > next_grid:
            if len(mids) == len(PAIR_UNIVERSE):
                for symbol, mid in mids.items():
                    samples[symbol].append(math.log(mid))
            next_grid += int(GRID_S * 1000)
        mids[tick.symbol] = (tick.bid + tick.ask) / 2
    return {s: [b - a for a, b in itertools.pairwise(v)] for s, v in samples.items()}


@pytest.fixture(scope="module")
def returns_by_seed() -> dict[int, dict[str, list[float]]]:
    return {seed: grid_returns(seed) for seed in (11, 12, 13)}


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_same_sector_returns_are_positively_correlated(returns_by_seed, seed):
    returns = returns_by_seed[seed]
    assert len(returns["AAPL"]) > 400
    assert statistics.correlation(returns["AAPL"], returns["MSFT"]) > 0.3
    assert statistics.correlation(returns["XOM"], returns["CVX"]) > 0.3


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_realised_volatility_matches_configuration(returns_by_seed, seed):
    annualise = math.sqrt(TRADING_YEAR_S / (GRID_S * GRID_TIME_SCALE))
    realised = {s: statistics.stdev(r) * annualise for s, r in returns_by_seed[seed].items()}
    for entry in PAIR_UNIVERSE:
        assert realised[entry.symbol] == pytest.approx(entry.volatility, rel=0.2)
    assert realised["TSLA"] > 2 * realised["KO"]


def test_jumps_are_rare_bounded_and_observable():
    sim = MarketSimulator(seed=5, start_ms=START_MS, jumps_per_minute=60)
    last_mid: dict[str, float] = {}
    jumps: list[Jump] = []
    for _ in range(20_000):
        _, tick = sim.step()
        mid = (tick.bid + tick.ask) / 2
        jump = sim.last_jump
        if jump is not None:
            jumps.append(jump)
            assert (jump.symbol, jump.ts, jump.price) == (tick.symbol, tick.ts, tick.price)
            assert 0.01 <= abs(jump.change) <= 0.04
            if tick.symbol in last_mid:
                move = mid / last_mid[tick.symbol] - 1
                assert move == pytest.approx(jump.change, abs=0.005)
        last_mid[tick.symbol] = mid
    assert 30 <= len(jumps) <= 110  # about one per second of simulated time (~67 s)
    assert any(j.change > 0 for j in jumps) and any(j.change < 0 for j in jumps)


def test_default_jump_rate_is_rare():
    sim = MarketSimulator(seed=7, start_ms=START_MS)
    count = 0
    for _ in range(30_000):  # ~100 s of ticks at the default rate: ~0.8 jumps expected
        sim.step()
        count += sim.last_jump is not None
    assert count <= 6


def test_rejects_bad_configuration():
    with pytest.raises(ValueError):
        MarketSimulator(())
    with pytest.raises(ValueError):
        MarketSimulator(ticks_per_second=0)
    with pytest.raises(ValueError):
        MarketSimulator((lookup("KO"), lookup("KO")))


# --- SimulatorSource ------------------------------------------------------------------------


class Recorder:
    """A TickSink that records batches and lets a test await a condition on them."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.batches: list[list[Tick]] = []
        self.emitted_ms: list[int] = []
        self.jumps: list[tuple[Jump, int]] = []
        self._clock = clock
        self._changed = asyncio.Event()

    def __call__(self, batch: Sequence[Tick]) -> None:
        self.batches.append(list(batch))
        self.emitted_ms.append(math.floor(self._clock() * 1000))
        self._changed.set()

    def on_jump(self, jump: Jump) -> None:
        self.jumps.append((jump, len(self.ticks)))
        self._changed.set()

    @property
    def ticks(self) -> list[Tick]:
        return [tick for batch in self.batches for tick in batch]

    async def wait_until(self, condition: Callable[[], bool], limit_s: float = 5.0) -> None:
        async with asyncio.timeout(limit_s):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()


async def test_source_streams_ticks_at_wall_clock_time_and_cancels():
    source = SimulatorSource(seed=1)
    assert source.info.name == "simulator" and source.health().state == "ok"
    instruments = source.instruments()
    assert [i.symbol for i in instruments] == [e.symbol for e in DEFAULT_UNIVERSE]
    assert instruments[0].prev_close == DEFAULT_UNIVERSE[0].prev_close
    sink = Recorder()
    started_ms = math.floor(time.time() * 1000)
    task = asyncio.create_task(source.run(sink))
    await sink.wait_until(lambda: len(sink.ticks) >= 50)
    await stop(task)
    ts = [tick.ts for tick in sink.ticks]
    assert ts[0] >= started_ms
    assert all(a <= b for a, b in itertools.pairwise(ts))
    for batch, emitted in zip(sink.batches, sink.emitted_ms, strict=True):
        assert batch, "no empty batches"
        for tick in batch:
            assert emitted - 1000 < tick.ts <= emitted


class FakeClock:
    """A wall clock frozen until the test moves it; records that it has been read."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.read = asyncio.Event()

    def __call__(self) -> float:
        self.read.set()
        return self.now


async def test_source_batches_overdue_ticks_and_skips_a_long_stall():
    clock = FakeClock(START_MS / 1000)
    source = SimulatorSource(seed=2, clock=clock, max_lag_s=5.0)
    sink = Recorder(clock)
    task = asyncio.create_task(source.run(sink))
    try:
        async with asyncio.timeout(5):
            await clock.read.wait()  # run() took its start time and is now asleep
        before = len(sink.batches)
        clock.now += 1.0  # the loop wakes up one second late: everything due comes in one batch
        await sink.wait_until(lambda: len(sink.batches) > before)
        batch = sink.batches[before]
        assert len(batch) > 200
        assert all(START_MS <= t.ts <= START_MS + 1000 for t in batch)
        assert batch[-1].ts > START_MS + 900

        seen = len(sink.ticks)
        clock.now += 60.0  # a stall longer than max_lag_s: the backlog is dropped...
        await sink.wait_until(lambda: len(sink.ticks) > seen)
        clock.now += 0.5  # ...and ticking resumes from the present
        await sink.wait_until(lambda: sink.ticks[-1].ts >= START_MS + 61_400)
        after = sink.ticks[seen:]
        stale = [t for t in after if t.ts < START_MS + 61_000]
        assert len(stale) <= 1, "only the tick already pending when the stall was seen"
        assert len(after) < 300, "about 0.5 s worth of ticks, not the 60 s backlog"
        assert all(t.ts <= START_MS + 61_500 for t in after)
    finally:
        await stop(task)


async def test_source_reports_jumps_after_their_tick_was_delivered():
    sink = Recorder()
    source = SimulatorSource(seed=3, jumps_per_minute=3000, on_jump=sink.on_jump)
    task = asyncio.create_task(source.run(sink))
    try:
        await sink.wait_until(lambda: len(sink.jumps) >= 3)
    finally:
        await stop(task)
    ticks = sink.ticks
    for jump, delivered in sink.jumps:
        assert any(t.symbol == jump.symbol and t.ts == jump.ts for t in ticks[:delivered])


def test_opening_prints_every_symbol_once_at_start() -> None:
    sim = MarketSimulator(seed=5, start_ms=1_700_000_000_000)
    opening = sim.opening()
    assert [t.symbol for t in opening] == [e.symbol for e in DEFAULT_UNIVERSE]
    assert all(t.ts == 1_700_000_000_000 for t in opening)
    moves = []
    for tick, entry in zip(opening, DEFAULT_UNIVERSE, strict=True):
        assert tick.bid < tick.ask
        move = tick.price / entry.prev_close - 1
        # An overnight gap of about one day's volatility: sizeable, never absurd.
        assert abs(move) < 6 * entry.volatility / math.sqrt(252)
        moves.append(abs(move))
    assert statistics.mean(moves) > 0.002


async def test_source_replays_the_past_into_history_then_goes_live_from_now() -> None:
    clock = FakeClock(START_MS / 1000)
    source = SimulatorSource(seed=4, clock=clock, history_s=3600)
    history: list[Tick] = []
    live = Recorder(clock)
    task = asyncio.create_task(source.run(live, None, history.extend))
    try:
        async with asyncio.timeout(5):
            await clock.read.wait()
        await asyncio.sleep(0)  # let run() reach its first wait: the replay is synchronous
        clock.now += 1.0
        await live.wait_until(lambda: len(live.ticks) > 100)
    finally:
        await stop(task)
    symbols = {entry.symbol for entry in source.universe}
    assert {t.symbol for t in history[: len(symbols)]} == symbols  # the opening prints
    assert history[0].ts == START_MS - 3_600_000 and history[-1].ts <= START_MS
    times = [t.ts for t in history]
    assert times == sorted(times)
    # Sparse: about HISTORY_TICKS_PER_SECOND over the hour, each trade sized for many.
    assert 0.8 * 5 * 3600 < len(history) < 1.2 * 5 * 3600 + len(symbols)
    assert all(START_MS < t.ts <= START_MS + 1000 for t in live.ticks)
    aapl = [t for t in history if t.symbol == "AAPL"]
    assert all(b.volume > a.volume for a, b in itertools.pairwise(aapl[1:]))
    first_live = next(t for t in live.ticks if t.symbol == "AAPL")
    assert first_live.volume > aapl[-1].volume
    assert abs(first_live.price / aapl[-1].price - 1) < 0.02, "live trading continues the past"
