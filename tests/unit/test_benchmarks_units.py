"""The benchmark harness's pure parts: tick source, statistics, docs markers, capacity."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.common import (
    BenchmarkError,
    histogram_stats,
    merge_histograms,
    replace_between_markers,
)
from benchmarks.fanout import capacity, render_markdown, top_functions
from realtime_server.sources.base import Tick
from realtime_server.sources.synthetic import (
    MAX_LAG_MS,
    START_CENTS,
    SyntheticSource,
    TickGenerator,
    XorShift32,
    symbol_names,
)


def test_xorshift_is_the_32_bit_13_17_5_generator():
    rng = XorShift32(7)
    x = (7 * 0x9E3779B1 + 1) & 0xFFFFFFFF
    for _ in range(1000):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        assert rng.next() == x
        assert 0 < x < 2**32


def test_symbol_names_are_zero_padded_and_valid_tickers():
    assert symbol_names(500)[:2] == ["S000", "S001"]
    assert symbol_names(500)[-1] == "S499"
    assert symbol_names(5000)[0] == "S0000"
    assert len(set(symbol_names(500))) == 500


def test_generator_is_deterministic_and_paced():
    a, b = TickGenerator(500, 5000, 7, t0=1_000), TickGenerator(500, 5000, 7, t0=1_000)
    ticks = [a.step() for _ in range(10_000)]
    assert ticks == [b.step() for _ in range(10_000)]
    assert ticks[0][2] == 1_000 and ticks[4999][2] == 1_999 and ticks[5000][2] == 2_000
    assert all(0 <= i < 500 and cents >= 1 for i, cents, _ in ticks)
    moves = {cents for _, cents, _ in ticks[:50]}
    assert moves <= set(range(START_CENTS - 2, START_CENTS + 3))
    assert TickGenerator(500, 5000, 8).step() != TickGenerator(500, 5000, 7).step()


def test_advance_emits_what_is_due_and_drops_what_is_too_late():
    gen = TickGenerator(10, 1000, 1, t0=0)
    assert [ts for *_, ts in gen.advance(9)] == list(range(10))
    late = gen.advance(MAX_LAG_MS + 500)
    assert gen.dropped == 500 - 10  # ticks 10..499 were more than MAX_LAG_MS overdue
    assert all(MAX_LAG_MS + 500 - ts <= MAX_LAG_MS for *_, ts in late)
    assert gen.k == MAX_LAG_MS + 501


async def test_synthetic_source_sinks_an_opening_then_ticks():
    now = [100.0]
    source = SyntheticSource(symbols=20, ticks_per_second=1000, seed=3, clock=lambda: now[0])
    assert [i.symbol for i in source.instruments()] == symbol_names(20)
    batches: list[list[Tick]] = []

    def sink(ticks):
        batches.append(list(ticks))
        now[0] += 0.05

    task = asyncio.create_task(source.run(sink))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    opening = batches[0]
    assert [t.symbol for t in opening] == symbol_names(20)
    assert all(t.price == 100.0 and t.ts == 100_000 for t in opening)
    later = [t for batch in batches[1:] for t in batch]
    assert later and all(t.bid < t.ask and t.size == 100 for t in later)
    assert [t.ts for t in later] == sorted(t.ts for t in later)


def test_histogram_percentiles():
    hist = merge_histograms([[[10, 50], [20, 40]], [[20, 9], [500, 1]]])
    assert hist == {10: 50, 20: 49, 500: 1}
    stats = histogram_stats(hist)
    assert stats["p50"] == 10 and stats["p90"] == 20 and stats["p99"] == 20
    assert stats["max"] == 500 and stats["mean"] == pytest.approx(19.8, abs=0.1)
    assert histogram_stats({})["p99"] is None


def test_markers_are_replaced_and_rerunnable():
    text = "intro\n<!-- bench:fanout:begin -->\nold\n<!-- bench:fanout:end -->\nafter\n"
    once = replace_between_markers(text, "fanout", "new table")
    assert "old" not in once and "new table" in once and once.endswith("after\n")
    assert replace_between_markers(once, "fanout", "new table") == once
    with pytest.raises(BenchmarkError):
        replace_between_markers(text, "idle", "x")


def _step(clients, p99, connected=None):
    return {
        "clients": clients,
        "connected": clients if connected is None else connected,
        "updates_per_s": 100.0,
        "frames_per_s": 10.0,
        "staleness_ms": {"p50": p99 / 2, "p90": p99, "p99": p99, "max": p99, "mean": p99},
        "server_cpu_pct": 50.0,
        "server_rss_mb": 100.0,
        "rss_per_client_kb": 90.0,
        "client_cpu_pct": [10.0],
        "client_bound": False,
        "machine": {"other_pct": 1.0},
    }


def test_capacity_is_the_most_clients_within_the_bound():
    steps = [_step(50, 100), _step(100, 150), _step(200, 450)]
    assert capacity(steps, 200) == {"clients": 100, "slo_p99_ms": 200, "lower_bound": False}
    assert capacity(steps[:2], 200)["lower_bound"] is True
    assert capacity([_step(50, 100, connected=49)], 200)["clients"] == 0


def test_fanout_markdown_has_a_row_per_step_and_server():
    data = {
        "command": "python -m benchmarks.fanout --quick",
        "date": "2026-01-01 00:00 UTC",
        "machine": {
            "cores": 2,
            "cpu_model": "x",
            "ram_gb": 1,
            "os": "Linux",
            "python": "3.11",
            "node": "v20",
        },
        "config": {
            "symbols": 500,
            "rate": 5000.0,
            "per_client": 50,
            "throttle_ms": 100,
            "seconds": 2,
            "warmup": 1,
            "client_procs": 1,
            "slo_ms": 200.0,
        },
        "servers": {
            kind: {
                "label": kind,
                "steps": [_step(5, 50), _step(10, 60)],
                "stopped_early": None,
                "capacity": capacity([_step(5, 50), _step(10, 60)], 200),
            }
            for kind in ("ours", "reference")
        },
    }
    text = render_markdown(data, "results/fanout.png")
    rows = [
        line for line in text.splitlines() if line.startswith("| 5 |") or line.startswith("| 10 |")
    ]
    assert [row.split(" | ")[:2] for row in rows] == [
        ["| 5", "ours"],
        ["| 5", "reference"],
        ["| 10", "ours"],
        ["| 10", "reference"],
    ]
    assert "**≥ 10 clients**" in text and "![fan-out results](results/fanout.png)" in text


def test_top_functions_from_collapsed_stacks(tmp_path):
    raw = tmp_path / "profile.txt"
    raw.write_text(
        "process 1;main (a.py:1);encode (json.py:10) 30\n"
        "process 1;main (a.py:1);encode (json.py:12) 10\n"
        "process 1;main (a.py:2);send (ws.py:5) 60\n"
    )
    top = top_functions(raw)
    assert top["samples"] == 100
    assert top["self_pct"][0] == ["send (ws.py)", 60.0]
    assert ["encode (json.py)", 40.0] in top["self_pct"]
    assert top["total_pct"][0] == ["main (a.py)", 100.0]
