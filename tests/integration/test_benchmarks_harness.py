"""The benchmark harness end to end, at a tiny size: both servers, the Node load generator,
the chart app and the production app in Chromium, JSON results, PNG plots and the docs tables
(in a temporary copy; the committed docs/benchmarks.md is never rewritten by tests).

Marked `benchmark_harness` (`-m benchmark_harness` runs only these, `-m "not
benchmark_harness"` all but these). Each benchmark runs with its `--quick` sizes, shortened
further where that leaves what is checked intact (one-to-two-second windows): their time is
mostly servers and app builds starting, which no size makes shorter.

Needs Node.js (the harness runs `npm ci` in benchmarks/reference when its packages are
missing), benchmarks/requirements.txt (matplotlib), and for the chart benchmark Chromium at
/usr/bin/chromium and Playwright. The chart app is built once in ~/.cache/marketpulse-bench/
(a first build installs its frontend packages, later runs reuse them). Missing tools fail,
never skip.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_server.sources.synthetic import TickGenerator
from tests.support.chromium import CHROMIUM
from tests.support.processes import ManagedProcess

pytestmark = [pytest.mark.integration, pytest.mark.benchmark_harness]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "benchmarks.md"
SETUP_HINT = "pip install -r benchmarks/requirements.txt; Node.js >= 18 with npm on PATH"


@pytest.fixture(scope="module")
def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail(f"Node.js is not on PATH ({SETUP_HINT})")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pytest.fail(f"matplotlib is missing ({SETUP_HINT})")
    return path


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "docs" / "benchmarks.md"
    copy.parent.mkdir()
    shutil.copy(DOCS, copy)
    return copy


def run(module: str, *args: str, timeout: float) -> None:
    """`python -m <module> <args>` to completion. However it ends, it is closed: SIGTERM (the
    benchmark then stops every process it started) and SIGKILL after a grace period."""
    bench = ManagedProcess([sys.executable, "-m", module, *args], cwd=ROOT, name=module)
    try:
        try:
            returncode = bench.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{module} ran over {timeout:.0f}s:\n{bench.output(limit=4000)}")
        assert returncode == 0, f"{module} failed:\n{bench.output(limit=4000)}"
    finally:
        bench.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_node_tick_source_is_the_python_one(node: str):
    out = subprocess.run(
        [node, "server.mjs", "--print-ticks", "3000", "--seed", "11"],
        cwd=ROOT / "benchmarks" / "reference",
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout.splitlines()
    gen = TickGenerator(500, 5000, 11, t0=0)
    expected = []
    for _ in range(3000):
        i, cents, ts = gen.step()
        expected.append({"symbol": gen.symbols[i], "cents": cents, "ts": ts})
    assert [json.loads(line) for line in out] == expected


def test_fanout_quick_measures_both_servers(node: str, tmp_path: Path, docs_copy: Path):
    committed = digest(DOCS)
    out = tmp_path / "results"
    run(
        "benchmarks.fanout",
        "--quick",
        "--clients", "5,10",
        "--seconds", "1",
        "--warmup", "0.5",
        "--out-dir", str(out),
        "--docs", str(docs_copy),
        timeout=120,
    )  # fmt: skip
    data = json.loads((out / "fanout.json").read_text())
    assert data["benchmark"] == "fanout" and data["config"]["clients"] == [5, 10]
    assert data["machine"]["cores"] >= 1 and data["machine"]["node"].startswith("v")
    assert set(data["servers"]) == {"ours", "reference"}
    for kind, server in data["servers"].items():
        steps = server["steps"]
        assert [s["clients"] for s in steps] == [5, 10], kind
        for step in steps:
            n = step["clients"]
            assert step["connected"] == n and step["connect_failed"] == 0, (kind, step)
            # 5,000 ticks/s over 500 symbols, 50 per client: 500 ticks/s offered per client
            assert step["offered_ticks_per_s"] == pytest.approx(500 * n)
            assert 0.1 * 500 * n < step["updates_per_s"] <= 1.1 * 500 * n, (kind, step)
            st = step["staleness_ms"]
            assert 0 <= st["p50"] <= st["p90"] <= st["p99"] <= st["max"] < 5_000, (kind, st)
            assert 0 < step["server_cpu_pct"] < 250 and 10 < step["server_rss_mb"] < 2_000
            assert 3_000 < step["source_ticks_per_s"] < 7_000, (kind, step)
        assert server["capacity"]["slo_p99_ms"] == 200
        assert server["capacity"]["clients"] in (0, 5, 10)
    # ours conflates (one update per symbol per batch, batches >= 100 ms apart); the
    # reference sends every tick as its own message
    ours, ref = data["servers"]["ours"]["steps"][-1], data["servers"]["reference"]["steps"][-1]
    assert ours["frames_per_s"] <= 10 * 10 * 1.2 and ours["frames_per_s"] < ours["updates_per_s"]
    assert ref["frames_per_s"] == ref["updates_per_s"]
    assert (out / "fanout.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = docs_copy.read_text()
    table = text.split("<!-- bench:fanout:begin -->")[1].split("<!-- bench:fanout:end -->")[0]
    assert "python -m benchmarks.fanout --quick" in table and "| 10 | reference |" in table
    assert "![fan-out results](../results/fanout.png)" in table
    assert digest(DOCS) == committed


def test_idle_quick_measures_memory_per_connection(node: str, tmp_path: Path, docs_copy: Path):
    committed = digest(DOCS)
    out = tmp_path / "results"
    run(
        "benchmarks.idle",
        "--quick",
        "--connections", "20",
        "--settle", "0.5",
        "--out-dir", str(out),
        "--docs", str(docs_copy),
        timeout=90,
    )  # fmt: skip
    data = json.loads((out / "idle.json").read_text())
    assert data["benchmark"] == "idle" and set(data["servers"]) == {"ours", "reference"}
    for kind, server in data["servers"].items():
        assert server["connections"] == 20
        # a live process's RSS wanders by a few hundred KB: per connection, only bounds hold
        assert -500 < server["kb_per_connection"] < 5_000, (kind, server)
        assert server["rss_connected_mb"] > 10
    assert (out / "idle.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = docs_copy.read_text().split("<!-- bench:idle:begin -->")[1]
    assert "python -m benchmarks.idle --quick" in table.split("<!-- bench:idle:end -->")[0]
    assert digest(DOCS) == committed


@pytest.fixture(scope="module")
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium is not at {CHROMIUM} (the chart benchmark drives it)")
    try:
        import matplotlib  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as exc:
        pytest.fail(f"{exc.name} is missing ({SETUP_HINT}; playwright: the test extras)")
    return CHROMIUM


@pytest.mark.timeout(900)  # a first build installs the app's frontend packages; cached: < 90 s
def test_chart_quick_measures_both_charts(chromium: str, tmp_path: Path, docs_copy: Path):
    committed = digest(DOCS)
    out = tmp_path / "results"
    run(
        "benchmarks.chart",
        "--quick",
        "--seconds", "2",
        "--idle", "1",
        "--out-dir", str(out),
        "--docs", str(docs_copy),
        timeout=840,
    )  # fmt: skip
    data = json.loads((out / "chart.json").read_text())
    assert data["benchmark"] == "chart" and data["config"]["points"] == 50
    assert data["config"]["quick"] and data["app"]["startup_s"] > 0
    assert set(data["cadences"]) == {"1m", "1s"}
    for cadence, block in data["cadences"].items():
        runs = block["variants"]
        assert set(runs) == {"incremental", "whole"}, cadence
        for name, r in runs.items():
            where = (cadence, name)
            # 2 s at one update per 250 ms
            assert 4 <= r["updates"] <= 12 and 2 < r["updates_per_s"] < 6, (where, r)
            b, ms = r["bytes_per_update"], r["main_thread_ms_per_update"]
            assert 0 < b["median"] <= b["p95"] <= b["max"], (where, b)
            assert ms["mean"] > 0 and ms["median"] > 0 and ms["median"] <= ms["p95"], (where, ms)
            assert r["task_duration_ms"] > 0 and r["trace_task_ms"] > 0, (where, r)
            assert r["points_drawn"] == 50, (where, r)
            # long tasks are the trace's tasks over 50 ms: count, longest and total agree
            n_long, longest = r["long_tasks"], r["longest_task_ms"]
            assert (n_long == 0) == (longest is None), (where, r)
            assert n_long == 0 or (longest >= 50 and n_long * 50 <= r["trace_task_ms"]), (where, r)
            # the idle baseline is the page at rest once the stream stopped: a sliver of a core
            assert r["idle_ms_per_s"] < 100, (where, r)
        inc, whole = runs["incremental"], runs["whole"]
        # a tail of a point or two against the whole figure
        assert inc["bytes_per_update"]["median"] < 600 < 5_000 < whole["bytes_per_update"]["median"]
        assert inc["bytes_per_update"]["max"] < whole["bytes_per_update"]["median"] / 10
        # the trace sees what TaskDuration counts (whole: tens of ms per update)
        assert 0.7 < whole["trace_task_ms"] / whole["task_duration_ms"] < 1.3, whole
        # each tail is drawn (two deltas in one React render are drawn once)
        assert inc["plotly_redraws"] + inc["overlay_updates"] >= inc["updates"] // 2, inc
    # 1-second bars: a bar closes every 4 updates, and plotly redraws for it
    assert data["cadences"]["1s"]["variants"]["incremental"]["plotly_redraws"] >= 1
    assert data["cadences"]["1m"]["variants"]["incremental"]["overlay_updates"] >= 1
    assert (out / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = docs_copy.read_text().split("<!-- bench:chart:begin -->")[1]
    table = table.split("<!-- bench:chart:end -->")[0]
    assert "python -m benchmarks.chart --quick" in table and "(not run yet)" not in table
    assert (
        "| 1s (4 updates/bar) | whole" in table and "| 1m (240 updates/bar) | incremental" in table
    )
    assert "![chart updates](../results/chart.png)" in table
    assert digest(DOCS) == committed


@pytest.mark.timeout(600)  # builds the production app once (both phases share it): < 1 minute
def test_tick_to_dom_quick_measures_the_product_in_the_browser(
    chromium: str, tmp_path: Path, docs_copy: Path
):
    committed = digest(DOCS)
    out = tmp_path / "results"
    run(
        "benchmarks.tick_to_dom",
        "--quick",
        "--seconds", "2",
        "--long-seconds", "2",
        "--warmup", "1",
        "--rows", "50",  # the latency phase's settings: one app serves both phases
        "--long-throttle-ms", "100",
        "--out-dir", str(out),
        "--docs", str(docs_copy),
        timeout=540,
    )  # fmt: skip
    data = json.loads((out / "tick_to_dom.json").read_text())
    assert data["benchmark"] == "tick_to_dom" and data["config"]["quick"]
    (step,) = data["latency"]["steps"]
    assert step["tabs"] == 1
    # 50 rows of symbols trading ~10 times a second, in 100 ms batches: hundreds of cells a
    # second reach the DOM, nearly all younger than a second (same clock)
    assert 100 < step["updates_per_s"] <= 50 * 10 * 1.2, step
    age = step["age_ms"]
    assert 0 < age["p50"] <= age["p99"] <= age["max"] and age["p99"] < 1_000, age
    assert 0 < step["main_thread_busy_pct_per_tab"] <= 100, step
    assert step["backend_cpu_pct"] > 0, step
    assert data["latency"]["capacity_tabs"] in (0, 1)
    long = data["long_tasks"]
    assert long["rows"] == 50 and long["throttle_ms"] == 100 and long["updates"] > 0, long
    assert long["chart_draws"] is not None, long
    # long tasks (> 50 ms each, from the page's PerformanceObserver) fit in the main thread's
    # busy time (CDP TaskDuration), and the longest is one of them
    busy_ms = long["main_thread_busy_pct_per_tab"] / 100 * long["seconds"] * 1000
    assert long["long_tasks"] * 50 <= busy_ms, long
    assert (long["long_tasks"] == 0) == (long["long_task_max_ms"] == 0), long
    assert long["long_tasks"] == 0 or long["long_task_max_ms"] >= 50, long
    assert (out / "tick_to_dom.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = docs_copy.read_text().split("<!-- bench:dom:begin -->")[1]
    table = table.split("<!-- bench:dom:end -->")[0]
    assert "python -m benchmarks.tick_to_dom --quick" in table and "(not run yet)" not in table
    assert "| 1 | " in table and "long tasks > 50 ms" in table
    assert "![tick-to-DOM latency](../results/tick_to_dom.png)" in table
    assert digest(DOCS) == committed
