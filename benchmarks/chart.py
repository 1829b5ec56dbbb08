"""Chart updates: bytes and browser main-thread time per update, incremental vs whole figure.

    python -m benchmarks.chart [--quick] [--points 300] [--seconds 20]

Serves `benchmarks/chart_app` (built in a cached directory outside the repository, see
`benchmarks/reflex_app.py`) and drives headless Chromium through its two pages over the same
synthetic bar stream, one update every 250 ms: `/incremental` (MarketPulse's `live_chart`,
fed a window once and then a small tail per update, as `ChartState` feeds it) and `/whole`
(`rx.plotly` given a rebuilt `go.Figure` per update). Two cadences: 1-minute bars (the
forming bar replaced 240 times before the next opens) and 1-second bars (4 times). For each
page: warm up, then over `--seconds` the bytes of each websocket frame carrying the chart's
delta, main-thread time per update (CDP TaskDuration minus the page's idle rate; per-update
values from a CDP trace of the same window), long tasks (> 50 ms) and the points drawn
(`benchmarks/chart_browser.py`). Writes <out-dir>/chart.json and chart.png and the table
between the `bench:chart` markers of --docs (--quick: 50 points, 3 s, no docs unless --docs
is given, benchmarks/results/quick/).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.chart_browser import LONG_TASK_MS, PageRun, PageSpec, chromium, measure_page
from benchmarks.common import (
    DOCS,
    RESULTS,
    ROOT,
    machine_line,
    publish,
    pyplot,
    result_header,
    run_main,
    save_figure,
)
from benchmarks.reflex_app import AppSource, served_app
from tests.support.chromium import CHROMIUM
from tests.support.processes import cleanup_on_exit

APP = AppSource(
    name="chart-app",
    directory=ROOT / "benchmarks" / "chart_app",
    assets=(ROOT / "assets" / "chart.css", ROOT / "assets" / "favicon.ico"),
    inputs=(
        ROOT / "marketpulse" / "components" / "live_chart.py",
        ROOT / "marketpulse" / "components" / "live_chart.jsx",
        *sorted((ROOT / "marketpulse" / "components").glob("*.js")),
    ),
    probe="/incremental",
)
CADENCES = {"1m": 240, "1s": 4}
"""Bar interval → updates per bar at one update per 250 ms."""
UPDATE_MS = 250


@dataclass(frozen=True)
class Variant:
    label: str
    path: str
    markers: tuple[str, ...]
    points_js: str
    counters_js: str = "({})"


VARIANTS = {
    "incremental": Variant(
        label="live_chart (window once, then a tail per update)",
        path="/incremental",
        markers=('"tail_rx_state_"', '"window_rx_state_"'),
        points_js="Number(document.querySelector('[data-testid=\"live-chart\"]')"
        "?.dataset.points || 0)",
        counters_js="(() => { const d = document.querySelector('[data-testid=\"live-chart\"]')"
        ".dataset; return {plotly_redraws: Number(d.draws), overlay_updates: "
        "Number(d.overlays)}; })()",
    ),
    "whole": Variant(
        label="rx.plotly (whole go.Figure per update)",
        path="/whole",
        markers=('"figure_rx_state_"',),
        points_js="(() => { const gd = document.querySelector('#chart-box .js-plotly-plot');"
        " return gd && gd.data && gd.data[0] ? gd.data[0].x.length : 0; })()",
    ),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.chart",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="tiny run for tests (50 points, 3 s)")
    p.add_argument("--points", type=int, help="bars in the window (default 300)")
    p.add_argument("--seconds", type=float, help="measuring window per page (default 20)")
    p.add_argument("--warmup", type=int, help="updates let pass before measuring (8; quick 4)")
    p.add_argument(
        "--idle", type=float, help="seconds of the idle baseline per page (5; quick 1.5)"
    )
    p.add_argument("--cadences", default="1m,1s", help="bar intervals: 1m, 1s")
    p.add_argument("--variants", default="incremental,whole")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--chromium", default=CHROMIUM, help="the Chromium executable")
    p.add_argument("--rebuild", action="store_true", help="discard the cached app build")
    p.add_argument("--out-dir", type=Path)
    p.add_argument("--docs", type=Path, help="markdown file whose bench:chart markers to update")
    p.add_argument("--no-docs", action="store_true")
    p.add_argument("--no-plot", action="store_true")
    args = p.parse_args(argv)
    args.points = args.points or (50 if args.quick else 300)
    args.seconds = args.seconds or (3.0 if args.quick else 20.0)
    args.warmup = args.warmup if args.warmup is not None else (4 if args.quick else 8)
    args.idle = args.idle if args.idle is not None else (1.5 if args.quick else 5.0)
    if args.points < 3 or args.seconds <= 0 or args.idle <= 0 or args.warmup < 0:
        p.error("--points >= 3, --seconds > 0, --idle > 0, --warmup >= 0")
    args.out_dir = args.out_dir or (RESULTS / "quick" if args.quick else RESULTS)
    if args.no_docs or (args.quick and args.docs is None):
        args.docs = None
    else:
        args.docs = args.docs or DOCS
    args.cadences = [c.strip() for c in args.cadences.split(",") if c.strip()]
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    for c in args.cadences:
        if c not in CADENCES:
            p.error(f"unknown cadence {c!r} (1m, 1s)")
    for v in args.variants:
        if v not in VARIANTS:
            p.error(f"unknown variant {v!r} (incremental, whole)")
    return args


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(values: list[float], digits: int) -> dict[str, float | None]:
    def r(x: float | None) -> float | None:
        return None if x is None else round(x, digits)

    return {
        "median": r(statistics.median(values)) if values else None,
        "p95": r(percentile(values, 0.95)),
        "mean": r(statistics.mean(values)) if values else None,
        "max": r(max(values)) if values else None,
    }


def figures(run: PageRun, variant: Variant) -> dict[str, Any]:
    n = len(run.update_bytes)
    busy_ms = run.task_duration_ms - run.idle_ms_per_s * run.window_s
    ms = summary(run.update_ms, 2)
    ms["mean"] = round(max(0.0, busy_ms) / n, 2)  # TaskDuration: the robust total
    out: dict[str, Any] = {
        "label": variant.label,
        "updates": n,
        "window_s": run.window_s,
        "updates_per_s": round(n / run.window_s, 2),
        "bytes_per_update": summary([float(b) for b in run.update_bytes], 1),
        "bytes_per_s": round(sum(run.update_bytes) / run.window_s),
        "main_thread_ms_per_update": ms,
        "main_thread_ms_per_s": round(busy_ms / run.window_s, 1),
        "task_duration_ms": run.task_duration_ms,
        "trace_task_ms": run.trace_task_ms,
        "idle_ms_per_s": run.idle_ms_per_s,
        "long_tasks": len(run.long_tasks_ms),
        "longest_task_ms": max(run.long_tasks_ms, default=None),
        "points_drawn": run.points_drawn,
    }
    out.update(run.counters)
    out["samples"] = {"bytes": run.update_bytes, "main_thread_ms": run.update_ms}
    return out


def measure(args: argparse.Namespace) -> dict[str, Any]:
    with served_app(APP, rebuild=args.rebuild) as app, chromium(args.chromium) as browser:
        print(
            f"app up in {app.startup_s:.1f}s ({'cached' if app.cached else 'first'} build)",
            file=sys.stderr,
        )
        cadences: dict[str, Any] = {}
        for cadence in args.cadences:
            runs: dict[str, Any] = {}
            for name in args.variants:
                variant = VARIANTS[name]
                query = urlencode({"bars": cadence, "points": args.points, "seed": args.seed})
                spec = PageSpec(
                    url=f"{app.url}{variant.path}?{query}",
                    markers=variant.markers,
                    points_js=variant.points_js,
                    counters_js=variant.counters_js,
                )
                print(f"== {cadence} bars, {name}: {args.seconds:g}s", file=sys.stderr)
                run = measure_page(
                    browser,
                    spec,
                    points=args.points,
                    warmup=args.warmup,
                    seconds=args.seconds,
                    idle_s=args.idle,
                )
                runs[name] = figures(run, variant)
                f = runs[name]
                print(
                    f"   {f['updates']} updates, {f['bytes_per_update']['median']:.0f} B and "
                    f"{f['main_thread_ms_per_update']['median']} ms (median) per update",
                    file=sys.stderr,
                )
            cadences[cadence] = {"updates_per_bar": CADENCES[cadence], "variants": runs}
        return {
            "app": {
                "build_dir": str(app.build_dir),
                "cached_build": app.cached,
                "startup_s": round(app.startup_s, 1),
                "browser": browser.version,
            },
            "cadences": cadences,
        }


def _versions() -> dict[str, str | None]:
    from importlib import metadata

    out: dict[str, str | None] = {}
    for package in ("reflex", "plotly", "playwright"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def render_markdown(data: dict[str, Any], plot: str | None) -> str:
    cfg = data["config"]
    lines = [
        f"Command: `{data['command']}` — {data['date']}",
        "",
        f"Machine: {machine_line(data['machine'])}; Chromium {data['app']['browser']}, "
        f"Reflex {data['versions']['reflex']}, plotly {data['versions']['plotly']}.",
        "",
        f"{cfg['points']} bars in the window, one update per {cfg['update_ms']} ms, "
        f"{cfg['seconds']:g} s measured per page.",
        "",
        "| bars | chart | updates | **bytes / update** median (p95) "
        "| **main-thread ms / update** median (p95) | mean ms | long tasks > 50 ms "
        "| points drawn |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cadence, block in data["cadences"].items():
        for name, r in block["variants"].items():
            b, ms = r["bytes_per_update"], r["main_thread_ms_per_update"]
            lines.append(
                f"| {cadence} ({block['updates_per_bar']} updates/bar) | {name} — {r['label']} "
                f"| {r['updates']} | **{_fmt(b['median'], ',.0f')}** ({_fmt(b['p95'], ',.0f')}) "
                f"| **{_fmt(ms['median'], '.1f')}** ({_fmt(ms['p95'], '.1f')}) "
                f"| {_fmt(ms['mean'], '.1f')} | {r['long_tasks']} | {r['points_drawn']} |"
            )
    ratios = []
    for cadence, block in data["cadences"].items():
        inc, whole = block["variants"].get("incremental"), block["variants"].get("whole")
        if not (inc and whole):
            continue
        b0, b1 = inc["bytes_per_update"]["median"], whole["bytes_per_update"]["median"]
        t0, t1 = (
            inc["main_thread_ms_per_update"]["mean"],
            whole["main_thread_ms_per_update"]["mean"],
        )
        if b0 and t0:
            ratios.append(
                f"{cadence} bars: {b1 / b0:.0f} times the bytes, "
                f"{t1 / t0:.0f} times the main-thread time"
            )
    if ratios:
        lines += [
            "",
            f"Whole figure vs incremental: {'; '.join(ratios)} (medians of bytes, means of time).",
        ]
    if plot:
        lines += ["", f"![chart updates]({plot})"]
    return "\n".join(lines)


def plot_png(data: dict[str, Any], path: Path) -> None:
    plt = pyplot()
    cadences = list(data["cadences"])
    names = [n for n in VARIANTS if any(n in data["cadences"][c]["variants"] for c in cadences)]
    colors = {"incremental": "tab:blue", "whole": "tab:orange"}
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    panels = (
        ("bytes_per_update", "bytes per update (mean, log scale)", "%.0f"),
        ("main_thread_ms_per_update", "main-thread ms per update (mean; whisker: p95)", "%.1f"),
    )
    width = 0.8 / max(len(names), 1)
    for ax, (key, title, fmt) in zip(axes, panels, strict=True):
        for k, name in enumerate(names):
            stats = [data["cadences"][c]["variants"].get(name, {}).get(key, {}) for c in cadences]
            means = [s.get("mean") or 0 for s in stats]
            xs = [i + (k - (len(names) - 1) / 2) * width for i in range(len(cadences))]
            bars = ax.bar(xs, means, width, label=name, color=colors.get(name, "grey"))
            if key == "main_thread_ms_per_update":
                above = [
                    max(0.0, (s.get("p95") or 0) - m) for s, m in zip(stats, means, strict=True)
                ]
                ax.errorbar(xs, means, yerr=[[0] * len(means), above], fmt="none", ecolor="black")
            ax.bar_label(bars, fmt=fmt, fontsize=8, label_type="center")
        ax.set_xticks(range(len(cadences)), [f"{c} bars" for c in cadences])
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        if key == "bytes_per_update":
            ax.set_yscale("log")
            ax.set_ylim(bottom=10)
    axes[1].legend(loc="upper left")
    fig.suptitle(f"Chart updates, {data['config']['points']} bars, one update per 250 ms")
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with cleanup_on_exit():
        data: dict[str, Any] = {
            **result_header("chart", argv),
            "versions": _versions(),
            "config": {
                "points": args.points,
                "seconds": args.seconds,
                "warmup_updates": args.warmup,
                "idle_s": args.idle,
                "update_ms": UPDATE_MS,
                "seed": args.seed,
                "long_task_ms": LONG_TASK_MS,
                "quick": args.quick,
            },
        }
        data.update(measure(args))
    plotter = None if args.no_plot else plot_png
    publish(data, args.out_dir, "chart", args.docs, "chart", plotter, render_markdown)
    return 0


if __name__ == "__main__":
    run_main(main)
