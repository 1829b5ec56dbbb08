"""The chart benchmark's pure parts: its bar stream, task attribution, statistics, docs table,
and the build key of its app (the end-to-end run is in tests/integration)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from benchmarks.chart import percentile, render_markdown, summary
from benchmarks.chart_browser import _Frames, _main_thread_tasks, _per_update
from benchmarks.common import ROOT
from benchmarks.reflex_app import AppSource, build_key


@pytest.fixture
def chart_app(monkeypatch: pytest.MonkeyPatch):
    """The app's package (`benchmarks/chart_app/chart_app`), importable as the app sees it."""
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks" / "chart_app"))
    import chart_app.bars
    import chart_app.cadence

    return chart_app


def test_the_stream_starts_on_a_forming_bar_after_its_history(chart_app):
    stream = chart_app.bars.BarStream("1s", 1_000, 4, seed=7)
    history = stream.history(50)
    starts = [bar.start for bar in history]
    assert len(history) == 50 and starts == sorted(set(starts))
    assert all(b - a == 1_000 for a, b in pairwise(starts))
    assert all(bar.closed for bar in history[:-1]) and not history[-1].closed
    flushes = [stream.next() for _ in range(4)]
    # the forming bar (already updated once in the history) three more times, then it closes
    # together with the next bar's first update
    assert [len(f) for f in flushes] == [1, 1, 1, 2]
    assert {f[0].start for f in flushes[:3]} == {starts[-1]}
    closed, opened = flushes[3]
    assert closed.closed and closed.start == starts[-1] and opened.start == starts[-1] + 1_000
    assert opened.open == closed.close and not opened.closed
    for bar in (*history, *(b for f in flushes for b in f)):
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high


def test_the_stream_is_deterministic(chart_app):
    def closes(seed: int) -> list[float]:
        stream = chart_app.bars.BarStream("1m", 60_000, 240, seed=seed)
        return [bar.close for bar in stream.history(20)] + [stream.next()[-1].close]

    assert closes(7) == closes(7) != closes(8)


def test_cadence_from_the_query_string(chart_app):
    of = chart_app.cadence.Cadence.of
    assert of({}) == chart_app.cadence.Cadence("1m", 60_000, 300, 7)
    assert of({}).updates_per_bar == 240
    one_second = of({"bars": "1s", "points": "50", "seed": "3"})
    assert (one_second.interval, one_second.points, one_second.seed) == ("1s", 50, 3)
    assert one_second.updates_per_bar == 4
    assert of({"bars": "5h", "points": "x"}).interval == "1m"
    assert of({"points": "1"}).points == 2 and of({"points": "x"}).points == 300


def test_tasks_belong_to_the_update_received_last_before_they_end():
    arrivals = [10.0, 10.25, 10.5]
    tasks = [
        (9.9, 0.005),  # before the first update: not counted
        (10.001, 0.002),
        (10.01, 0.003),
        (10.2495, 0.002),  # ends after the second frame arrived: the task that handles it
        (10.3, 0.010),
        (10.501, 0.050),  # the last update's own work: the window ends before it is complete
    ]
    assert _per_update(arrivals, tasks, 10.6, idle_rate=0.0) == [5.0, 12.0]
    # 4 ms/s of idle work over each 250 ms interval is not the update's
    assert _per_update(arrivals, tasks, 10.6, idle_rate=0.004) == [4.0, 11.0]
    assert _per_update([10.0], tasks, 10.6, idle_rate=0.0) == []


def test_the_main_thread_is_the_busiest_renderer_main_thread():
    def task(
        pid: int, tid: int, ts: float, dur: float, name: str = "ThreadControllerImpl::RunTask"
    ):
        return {"ph": "X", "pid": pid, "tid": tid, "ts": ts, "dur": dur, "name": name}

    def thread(pid: int, tid: int, name: str):
        return {"ph": "M", "pid": pid, "tid": tid, "name": "thread_name", "args": {"name": name}}

    events = [
        thread(1, 1, "CrRendererMain"),
        thread(2, 2, "CrRendererMain"),
        thread(2, 3, "Compositor"),
        task(1, 1, 1_000_000, 100),
        task(2, 2, 2_000_000, 3_000),
        task(2, 2, 1_000_000, 2_000),
        task(2, 2, 1_500_000, 9_000, name="Receive mojo message"),  # nested in a task
        task(2, 3, 1_000_000, 90_000),  # not a main thread
    ]
    assert _main_thread_tasks(events) == [(1.0, 0.002), (2.0, 0.003)]


def test_only_frames_with_the_chart_delta_count():
    frames = _Frames(('"tail_rx_state_"',))
    frames.on_frame({"timestamp": 5.0, "response": {"payloadData": '42["event",{"tail_rx_state_"'}})
    frames.on_frame({"timestamp": 5.1, "response": {"payloadData": "3"}})  # engine.io pong
    frames.on_frame({"timestamp": 5.2, "response": {"payloadData": '{"tail_rx_state_": "é"}'}})
    assert frames.updates == [(5.0, 28), (5.2, 24)]  # UTF-8 bytes: "é" is two


def test_percentiles_and_summaries():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95
    assert percentile([], 0.5) is None
    assert summary([1.0, 2.0, 10.0], 1) == {"median": 2.0, "p95": 10.0, "mean": 4.3, "max": 10.0}
    assert summary([], 1)["median"] is None


def test_the_docs_table_has_a_row_per_cadence_and_chart():
    def run(label: str, size: float, ms: float) -> dict:
        stats = {"median": ms, "p95": ms * 2, "mean": ms, "max": ms * 3}
        return {
            "label": label,
            "updates": 80,
            "bytes_per_update": {"median": size, "p95": size, "mean": size, "max": size},
            "main_thread_ms_per_update": stats,
            "long_tasks": 0,
            "points_drawn": 300,
        }

    data = {
        "command": "python -m benchmarks.chart",
        "date": "2026-01-01 00:00 UTC",
        "machine": {
            "cores": 2,
            "cpu_model": "CPU",
            "ram_gb": 8,
            "os": "Linux",
            "python": "3.11",
            "node": "v20",
        },
        "versions": {"reflex": "0.10.1", "plotly": "7.1.0"},
        "app": {"browser": "156"},
        "config": {"points": 300, "update_ms": 250, "seconds": 20.0},
        "cadences": {
            "1m": {
                "updates_per_bar": 240,
                "variants": {"incremental": run("inc", 227, 2.0), "whole": run("w", 25_000, 40.0)},
            },
        },
    }
    text = render_markdown(data, "../results/chart.png")
    assert "| 1m (240 updates/bar) | incremental — inc | 80 | **227** (227) | **2.0** (4.0)" in text
    assert "| 1m (240 updates/bar) | whole — w | 80 | **25,000** (25,000) | **40.0** (80.0)" in text
    assert "1m bars: 110 times the bytes, 20 times the main-thread time" in text
    assert text.endswith("![chart updates](../results/chart.png)")


def test_the_build_key_follows_the_inputs_not_the_build(tmp_path: Path):
    app = tmp_path / "app"
    (app / "pkg").mkdir(parents=True)
    (app / "pkg" / "page.py").write_text("x = 1\n")
    extra = tmp_path / "chart.css"
    extra.write_text("a {}\n")
    source = AppSource("demo", app, assets=(extra,))
    key = build_key(source)
    (app / ".web").mkdir()
    (app / ".web" / "built.js").write_text("built")
    (app / "pkg" / "__pycache__").mkdir()
    (app / "pkg" / "__pycache__" / "page.cpython-311.pyc").write_bytes(b"\0")
    assert build_key(source) == key
    extra.write_text("a { color: red }\n")
    assert build_key(source) != key
