"""Tick-to-DOM: from a trade at the source to the price on screen, in the production app.

    python -m benchmarks.tick_to_dom [--quick] [--tabs 1,2,3,5,10,20] [--seconds 15]

Our feed server on the synthetic source (500 symbols, 5,000 ticks/s: every symbol trades ~10
times a second) and the app built and served by `reflex run --env prod`, pointed at it. Guests
get a watchlist of `--symbols` of the feed's symbols, all on one page.

1. **Latency** (`--symbols 50`, the app asking for 100 ms batches): K tabs of the dashboard in
   headless Chromium (each its own browser context: its own session and feed task), added step
   by step. In every tab a MutationObserver sees each price cell's `data-ts` change (the
   source timestamp of the value now shown) and records `Date.now() - data-ts`: the age of the
   trade when it reached the DOM (same machine, same clock). Per step: p50/p99 over all tabs,
   browser long tasks, the tabs' main threads and Chromium's CPU, and the CPU of the app's
   processes (the Reflex backend) per tab. The sweep stops after a step past --stop-ms.
   Capacity: the most tabs with p99 <= --slo-ms; tabs per backend core = 100 / (CPU % per tab
   at the capacity step).
2. **Long tasks** (`--rows 100`, 250 ms batches: the chart then updates at 4 Hz): one tab for
   `--long-seconds`, every row flashing; the browser's long tasks (> 50 ms) are counted.

Each phase serves the app with its own settings; when both ask for the same (`--rows` equal to
`--symbols` and `--long-throttle-ms` to `--throttle-ms`), one app serves both, built once.

Writes <out-dir>/tick_to_dom.json and .png and the table between the `bench:dom` markers of
--docs (--quick: one tab, 4 s, no docs unless --docs is given, benchmarks/results/quick/).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import psutil
from playwright.sync_api import Browser, CDPSession, Page, sync_playwright

from benchmarks.common import (
    DOCS,
    RESULTS,
    histogram_stats,
    machine_line,
    publish,
    pyplot,
    result_header,
    run_main,
    save_figure,
)
from benchmarks.servers import Workload, start_server
from tests.support.app_server import AppServer, running_app
from tests.support.chromium import launch
from tests.support.processes import cleanup_on_exit

LIVE = '[data-testid="connection-indicator"][data-state="live"]'
BROWSER_BOUND_PCT = 90.0
"""A step is browser-bound when a tab's main thread is busier than this (% of the window)."""
OBSERVE_JS = """() => {
    window.__mp = {ages: [], long: []};
    const record = (cell) => {
        const ts = Number(cell.dataset.ts);
        if (ts > 0) window.__mp.ages.push(Date.now() - ts);
    };
    new MutationObserver((mutations) => {
        for (const m of mutations) record(m.target);
    }).observe(document.querySelector('.mp-watchlist'), {
        subtree: true, attributes: true, attributeFilter: ['data-ts'],
    });
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__mp.long.push(entry.duration);
    }).observe({type: 'longtask'});
}"""
TAKE_JS = (
    """() => { const taken = window.__mp; window.__mp = {ages: [], long: []}; return taken; }"""
)
ROWS_FILLED_JS = """(count) => {
    const cells = [...document.querySelectorAll('[data-symbol] [data-field="last"]')];
    return cells.length === count && cells.every((c) => Number(c.dataset.ts) > 0);
}"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.tick_to_dom",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="tiny run for tests: 1 tab, 4 s")
    p.add_argument("--tabs", help="comma-separated tab counts (default 1,2,3,5,10,20)")
    p.add_argument("--seconds", type=float, help="measuring window per step (default 15)")
    p.add_argument("--warmup", type=float, help="seconds between adding tabs and measuring (5)")
    p.add_argument("--symbols", type=int, default=50, help="watchlist symbols per tab")
    p.add_argument("--throttle-ms", type=int, default=100, help="batch interval the app asks")
    p.add_argument("--rows", type=int, default=100, help="rows in the long-task run")
    p.add_argument("--long-seconds", type=float, help="long-task window (default 60)")
    p.add_argument("--long-throttle-ms", type=int, default=250)
    p.add_argument("--slo-ms", type=float, default=150.0, help="capacity: p99 bound")
    p.add_argument(
        "--stop-ms", type=float, default=1000.0, help="stop the sweep after a step past this p99"
    )
    p.add_argument("--phases", default="latency,longtasks")
    p.add_argument("--out-dir", type=Path)
    p.add_argument("--docs", type=Path)
    p.add_argument("--no-docs", action="store_true")
    p.add_argument("--no-plot", action="store_true")
    args = p.parse_args(argv)
    args.tabs = [int(t) for t in (args.tabs or ("1" if args.quick else "1,2,3,5,10,20")).split(",")]
    args.seconds = args.seconds or (4.0 if args.quick else 15.0)
    args.warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 5.0)
    args.long_seconds = args.long_seconds or (4.0 if args.quick else 60.0)
    args.out_dir = args.out_dir or (RESULTS / "quick" if args.quick else RESULTS)
    if args.no_docs or (args.quick and args.docs is None):
        args.docs = None
    else:
        args.docs = args.docs or DOCS
    args.phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
    return args


def app_env(symbols: int, throttle_ms: int) -> dict[str, str]:
    watchlist = ",".join(f'"S{i:03d}"' for i in range(symbols))
    return {
        "MARKETPULSE_DEFAULT_WATCHLIST": f"[{watchlist}]",
        "MARKETPULSE_WATCHLIST_MAX_SYMBOLS": str(max(symbols, 50)),
        "MARKETPULSE_WATCHLIST_PAGE_SIZE": str(min(max(symbols, 5), 100)),
        "MARKETPULSE_FEED_THROTTLE_MS": str(throttle_ms),
    }


def open_tab(browser: Browser, app: AppServer, rows: int) -> Page:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(app.url)
    page.wait_for_selector(LIVE, timeout=60_000)
    page.wait_for_function(ROWS_FILLED_JS, arg=rows, timeout=60_000)
    page.evaluate(OBSERVE_JS)
    main_thread_seconds(page)  # starts the tab's performance metrics
    return page


class CpuMeter:
    """CPU time of a set of processes over a window, in % of one core."""

    def __init__(self, processes: list[psutil.Process]) -> None:
        self.processes = processes
        self.started = time.monotonic()
        self.cpu = self._total()

    def _total(self) -> float:
        total = 0.0
        for proc in self.processes:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def pct(self) -> float:
        return round(100 * (self._total() - self.cpu) / (time.monotonic() - self.started), 1)


def histogram(values: list[float]) -> dict[int, float]:
    hist: dict[int, float] = {}
    for value in values:
        key = max(0, int(value))
        hist[key] = hist.get(key, 0.0) + 1
    return hist


_SESSIONS: dict[int, CDPSession] = {}


def main_thread_seconds(page: Page) -> float:
    """The tab's main-thread busy time (Chromium's TaskDuration, since the tab was opened)."""
    session = _SESSIONS.get(id(page))
    if session is None:
        session = _SESSIONS[id(page)] = page.context.new_cdp_session(page)
        session.send("Performance.enable")
    metrics = session.send("Performance.getMetrics")["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def measure_window(pages: list[Page], app: AppServer, seconds: float) -> dict[str, Any]:
    for page in pages:
        page.evaluate(TAKE_JS)  # start clean
    busy_before = [main_thread_seconds(page) for page in pages]
    meter = CpuMeter(app.processes())
    browser = CpuMeter(browser_processes())
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pages[0].wait_for_timeout(200)  # keeps Playwright's loop turning; the tabs run on
    backend = meter.pct()
    browser_pct = browser.pct()
    busy = [
        main_thread_seconds(page) - before for page, before in zip(pages, busy_before, strict=True)
    ]
    ages: list[float] = []
    long: list[float] = []
    for page in pages:
        taken = page.evaluate(TAKE_JS)
        ages += taken["ages"]
        long += taken["long"]
    stats = histogram_stats(histogram(ages))
    return {
        "tabs": len(pages),
        "updates": len(ages),
        "updates_per_s": round(len(ages) / seconds, 1),
        "age_ms": stats,
        "long_tasks": len(long),
        "long_task_max_ms": round(max(long), 1) if long else 0.0,
        "main_thread_busy_pct_per_tab": round(100 * sum(busy) / len(busy) / seconds, 1),
        "backend_cpu_pct": backend,
        "backend_cpu_pct_per_tab": round(backend / len(pages), 2),
        "browser_cpu_pct": browser_pct,
        "browser_bound": any(100 * b / seconds >= BROWSER_BOUND_PCT for b in busy),
    }


def browser_processes() -> list[psutil.Process]:
    """Chromium's processes (every renderer, the GPU and browser processes): our children."""
    return [
        proc for proc in psutil.Process().children(recursive=True) if "chrom" in proc.name().lower()
    ]


def run_phases(browser: Browser, feed_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Each phase asked for, in order, on an app served with that phase's settings: one app
    for both when their settings are the same."""
    settings = {
        "latency": app_env(args.symbols, args.throttle_ms),
        "longtasks": app_env(args.rows, args.long_throttle_ms),
    }
    phases = [phase for phase in ("latency", "longtasks") if phase in args.phases]
    data: dict[str, Any] = {}
    while phases:
        extra_env = settings[phases[0]]
        sharing = [phase for phase in phases if settings[phase] == extra_env]
        with running_app(feed_url, extra_env=extra_env, loglevel="warning") as app:
            for phase in sharing:
                if phase == "latency":
                    print("== tick-to-DOM latency", file=sys.stderr)
                    data["latency"] = latency_steps(browser, app, args)
                else:
                    print("== browser long tasks", file=sys.stderr)
                    data["long_tasks"] = long_task_phase(browser, app, args)
        phases = [phase for phase in phases if phase not in sharing]
    return data


def latency_steps(browser: Browser, app: AppServer, args: argparse.Namespace) -> dict[str, Any]:
    pages: list[Page] = []
    steps: list[dict[str, Any]] = []
    stopped: int | None = None
    try:
        idle = CpuMeter(app.processes())
        time.sleep(2.0)
        idle_pct = idle.pct()
        for tabs in args.tabs:
            while len(pages) < tabs:
                pages.append(open_tab(browser, app, args.symbols))
            time.sleep(args.warmup)
            step = measure_window(pages, app, args.seconds)
            step["backend_cpu_pct_per_tab"] = round(
                max(0.0, step["backend_cpu_pct"] - idle_pct) / tabs, 2
            )
            steps.append(step)
            age = step["age_ms"]
            print(
                f"  {tabs:3d} tabs: {step['updates_per_s']:9,.0f} cell updates/s  "
                f"age p50 {age['p50']} ms  p99 {age['p99']} ms  "
                f"backend {step['backend_cpu_pct']}% ({step['backend_cpu_pct_per_tab']}%/tab)  "
                f"long tasks {step['long_tasks']}  "
                f"tab main thread {step['main_thread_busy_pct_per_tab']}%  "
                f"browser {step['browser_cpu_pct']}%",
                file=sys.stderr,
            )
            if age["p99"] is None or age["p99"] > args.stop_ms:
                stopped = tabs
                print(f"  stopping: p99 above {args.stop_ms:.0f} ms", file=sys.stderr)
                break
    finally:
        for page in pages:
            page.context.close()
    within = [
        s for s in steps if s["age_ms"]["p99"] is not None and s["age_ms"]["p99"] <= args.slo_ms
    ]
    # Backend CPU per tab at the largest step within the bound (else the largest measured).
    basis = max(within or steps, key=lambda s: s["tabs"]) if steps else None
    per_tab = basis["backend_cpu_pct_per_tab"] if basis else 0.0
    return {
        "symbols_per_tab": args.symbols,
        "throttle_ms": args.throttle_ms,
        "backend_idle_cpu_pct": idle_pct,
        "steps": steps,
        "stopped_after_tabs": stopped,
        "capacity_tabs": max((s["tabs"] for s in within), default=0),
        "tabs_per_backend_core": round(100 / per_tab, 1) if per_tab else None,
        "tabs_per_backend_core_basis": basis["tabs"] if basis else None,
    }


def long_task_phase(browser: Browser, app: AppServer, args: argparse.Namespace) -> dict[str, Any]:
    page: Page | None = None
    try:
        page = open_tab(browser, app, args.rows)
        page.wait_for_selector('[data-testid="live-chart"]:not([data-points="0"])', timeout=60_000)
        time.sleep(args.warmup)
        result = measure_window([page], app, args.long_seconds)
        chart = page.get_attribute('[data-testid="live-chart"]', "data-draws")
    finally:
        if page is not None:
            page.context.close()
    print(
        f"  long tasks: {result['long_tasks']} over {args.long_seconds:.0f} s "
        f"(max {result['long_task_max_ms']} ms), "
        f"main thread {result['main_thread_busy_pct_per_tab']}%, "
        f"{args.rows} rows, "
        f"{result['updates_per_s']:,.0f} cell updates/s",
        file=sys.stderr,
    )
    return {
        "rows": args.rows,
        "throttle_ms": args.long_throttle_ms,
        "seconds": args.long_seconds,
        "chart_draws": int(chart) if chart and chart.isdigit() else None,
        **result,
    }


def render_markdown(data: dict[str, Any], plot: str | None) -> str:
    lines = [
        f"Command: `{data['command']}` — {data['date']}",
        "",
        f"Machine: {machine_line(data['machine'])}",
        "",
    ]
    latency = data.get("latency")
    if latency:
        lines += [
            f"Latency: {latency['symbols_per_tab']} symbols per tab, "
            f"{latency['throttle_ms']} ms batches; backend idle "
            f"{latency['backend_idle_cpu_pct']} % of a core.",
            "",
            "| tabs | cell updates/s | age p50 | age p99 | long tasks | tab main thread "
            "| browser CPU | backend CPU | per tab |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in latency["steps"]:
            age = s["age_ms"]
            bound = " (browser-bound)" if s.get("browser_bound") else ""
            lines.append(
                f"| {s['tabs']} | {s['updates_per_s']:,.0f} | {age['p50']} ms | {age['p99']} ms "
                f"| {s['long_tasks']} | {s['main_thread_busy_pct_per_tab']} %{bound} "
                f"| {s.get('browser_cpu_pct', '—')} % | {s['backend_cpu_pct']} % "
                f"| {s['backend_cpu_pct_per_tab']} % |"
            )
        tested = max(s["tabs"] for s in latency["steps"])
        stopped = latency.get("stopped_after_tabs")
        lines += [
            "",
            f"**Capacity**: {latency['capacity_tabs']} tabs with p99 "
            f"≤ {data['config']['slo_ms']:.0f} ms (the most tested: {tested}"
            + (
                f"; the sweep stopped there, p99 above {data['config']['stop_ms']:.0f} ms"
                if stopped
                else ""
            )
            + f"); **tabs per backend core**: {latency['tabs_per_backend_core']} "
            f"(100 % / backend CPU per tab at {latency.get('tabs_per_backend_core_basis')} tabs).",
        ]
    long = data.get("long_tasks")
    if long:
        lines += [
            "",
            f"Long tasks: {long['rows']} flashing rows, {long['throttle_ms']} ms batches (chart at "
            f"{1000 / long['throttle_ms']:.0f} Hz), {long['seconds']:.0f} s: "
            f"**{long['long_tasks']} long tasks > 50 ms** (longest {long['long_task_max_ms']} ms), "
            f"{long['updates_per_s']:,.0f} cell updates/s.",
        ]
    if plot:
        lines += ["", f"![tick-to-DOM latency]({plot})"]
    return "\n".join(lines)


def plot_png(data: dict[str, Any], path: Path) -> None:
    plt = pyplot()
    steps = data.get("latency", {}).get("steps", [])
    if not steps:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    tabs = [s["tabs"] for s in steps]
    ax.plot(tabs, [s["age_ms"]["p50"] for s in steps], marker="o", label="p50")
    ax.plot(tabs, [s["age_ms"]["p99"] for s in steps], marker="o", label="p99")
    ax.axhline(data["config"]["slo_ms"], linestyle="--", color="grey", label="target p99")
    ax.set_xlabel("tabs")
    ax.set_ylabel("trade age when shown (ms)")
    ax.set_title("Tick-to-DOM latency")
    ax.legend()
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data: dict[str, Any] = {
        **result_header("tick_to_dom", argv),
        "config": {
            "tabs": args.tabs,
            "seconds": args.seconds,
            "warmup_s": args.warmup,
            "slo_ms": args.slo_ms,
            "stop_ms": args.stop_ms,
            "quick": args.quick,
        },
    }
    with cleanup_on_exit():
        # Half an hour of past bars and their history kept, so the chart draws a real window
        # (the fan-out keeps one bar per channel and needs no past).
        feed = start_server(
            "ours",
            Workload(500, 5000.0, 7),
            {"FEED_BARS_HISTORY": "300", "FEED_HISTORY_MINUTES": "30"},
        )
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    data.update(run_phases(browser, feed.url, args))
                finally:
                    browser.close()
        finally:
            feed.stop()
    plotter = None if args.no_plot or "latency" not in data else plot_png
    publish(data, args.out_dir, "tick_to_dom", args.docs, "dom", plotter, render_markdown)
    return 0


if __name__ == "__main__":
    run_main(main)
