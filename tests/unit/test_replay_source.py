"""`ReplaySource`: what it replays (start, symbols, the past, previous closes) and how it runs
(the past first, trades on the replayed clock, volume per session, the end reported)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from realtime_server.config import Settings
from realtime_server.market.sessions import NEW_YORK
from realtime_server.protocol import SourceKind, SourceState
from realtime_server.sources.base import Tick
from realtime_server.sources.registry import build_source
from realtime_server.sources.replay.files import read_replay_files
from realtime_server.sources.replay.plan import plan_replay
from realtime_server.sources.replay.records import ReplayDataError
from realtime_server.sources.replay.sampledata import sample_path
from realtime_server.sources.replay.source import ReplaySource

CSV = (
    "Date,Open,High,Low,Close,Volume\n"
    "2013-02-28,444.05,447.87,441.40,441.40,11464700\n"
    "2013-03-01,438.00,438.18,429.98,430.47,19730300\n"
    "2013-03-04,427.80,428.20,419.00,420.05,20818100\n"
)


@pytest.fixture(scope="module")
def sample() -> dict:
    return read_replay_files(sample_path())


def test_the_default_replay_starts_when_every_symbol_trades(sample) -> None:
    plan = plan_replay(sample, None, history_days=300)
    assert (plan.first_day, plan.last_day, plan.left_out) == (
        dt.date(2012, 5, 18),  # FB's first day, within the data's last year
        dt.date(2013, 3, 1),
        (),
    )
    names = {i.symbol: (i.name, i.sector, i.currency, i.price_decimals) for i in plan.instruments}
    assert names["AAPL"] == ("Apple Inc.", "Technology", "USD", 2)
    assert names["GOOG"][0] == "Google Inc." and names["FB"][0] == "Facebook Inc."
    past_days = sorted({b.day for b in plan.history})
    assert len(past_days) == 300 and past_days[-1] == dt.date(2012, 5, 17)
    assert {b.symbol for b in plan.history} == {"AAPL", "GOOG", "IBM", "MSFT"}
    closes = {i.symbol: i.prev_close for i in plan.instruments}
    before = next(b for b in reversed(sample["AAPL"]) if b.day < past_days[0])
    assert closes["AAPL"] == before.close / 100  # the close before the past handed over
    assert closes["FB"] == 42.05  # its listing day: no previous close, so its open
    assert plan.replay[0].day == plan.first_day and len(plan.spans) == 196  # FB's 196 days


def test_a_start_date_leaves_out_what_had_not_listed_and_refuses_what_is_past(sample) -> None:
    plan = plan_replay(sample, dt.date(2011, 3, 12), history_days=5)  # a Saturday
    assert plan.first_day == dt.date(2011, 3, 14) and plan.left_out == ("FB",)
    assert len({b.day for b in plan.history}) == 5
    with pytest.raises(ReplayDataError, match="after the data's last day, 2013-03-01"):
        plan_replay(sample, dt.date(2014, 1, 2), history_days=5)


def test_the_registry_builds_it_from_settings(tmp_path: Path) -> None:
    (tmp_path / "aapl.csv").write_text(CSV)
    source = build_source(
        Settings(source="replay", replay_file=tmp_path / "aapl.csv", replay_start="2013-03-01")
    )
    assert isinstance(source, ReplaySource)
    info = source.info
    assert (info.name, info.kind, info.label, info.market, info.news) == (
        "replay",
        SourceKind.REPLAY,
        "Replay",
        "us-equities",
        "generated",
    )
    assert info.speed == 60.0  # 6.5 minutes a day
    assert source.health().state is SourceState.STARTING
    assert source.clock_ms() == int(
        dt.datetime(2013, 3, 1, 9, 30, tzinfo=NEW_YORK).timestamp() * 1000
    )


async def test_it_runs_the_past_then_the_days_on_the_replayed_clock(tmp_path: Path) -> None:
    (tmp_path / "aapl.csv").write_text(CSV)
    plan = plan_replay(read_replay_files(tmp_path / "aapl.csv"), dt.date(2013, 3, 1), 5)
    wall = [1_000.0]
    source = ReplaySource(
        plan, speed=390.0, closed_s=2.0, ticks_per_second=50, clock=lambda: wall[0]
    )
    history: list[Tick] = []
    live: list[Tick] = []
    clocks: list[int] = []
    task = asyncio.create_task(source.run(live.extend, None, history.extend))
    try:
        for _ in range(40):  # 60 + 2 + 60 + 2 wall seconds of replay, in 4 s steps
            await asyncio.sleep(0.03)
            clocks.append(source.clock_ms())
            wall[0] += 4.0
        await asyncio.sleep(0.05)
    finally:
        task.cancel()
    assert clocks == sorted(clocks)
    assert [t.ts for t in history] == sorted(t.ts for t in history)
    assert {dt.datetime.fromtimestamp(t.ts / 1000, NEW_YORK).date() for t in history} == {
        dt.date(2013, 2, 28)
    }
    assert history[-1].volume == 11_464_700 and history[-1].price == 441.40
    by_day: dict[dt.date, list[Tick]] = {}
    for t in live:
        by_day.setdefault(dt.datetime.fromtimestamp(t.ts / 1000, NEW_YORK).date(), []).append(t)
    friday, monday = by_day[dt.date(2013, 3, 1)], by_day[dt.date(2013, 3, 4)]
    assert len(friday) == 60 * 50  # a minute of wall time at 50 trades a second
    assert (friday[0].price, friday[-1].price, friday[-1].volume) == (438.0, 430.47, 19_730_300)
    assert monday[0].volume == monday[0].size  # a new session's volume starts again
    assert monday[-1].volume == 20_818_100
    assert all((t.bid, t.ask, t.bid_size, t.ask_size) == (t.price, t.price, 0, 0) for t in live)
    health = source.health()
    assert (health.state, health.reason) == (SourceState.DOWN, "replay ended on 04 Mar 2013")
    assert source.clock_ms() == int(dt.datetime(2013, 3, 4, 20, tzinfo=NEW_YORK).timestamp() * 1000)
