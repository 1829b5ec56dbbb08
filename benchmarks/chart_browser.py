"""Chromium for the chart benchmark: launched as a `ManagedProcess`, driven over CDP.

`chromium()` starts headless Chromium (the harness's executable and flags,
`tests.support.chromium`) in its own process group with a temporary profile and
connects Playwright to it over the DevTools protocol, so the browser is stopped by its id on
every exit path like every other process of the harness. `measure_page()` loads one page of
the chart app and measures it:

* **bytes per update**: the payload of every websocket frame the page receives that carries
  the chart's state delta (CDP `Network.webSocketFrameReceived`; the payload as the page's
  JavaScript gets it, after permessage-deflate), with its receive time;
* **main-thread time**: CDP `Performance.getMetrics` `TaskDuration` over the window (every
  task of the renderer's main thread: socket message, JSON, React, plotly, style, layout,
  paint) minus the page's idle rate, measured after the stream is stopped; and a CDP trace
  (category `toplevel`) of the same window, whose main-thread tasks are attributed to the
  update that was received last before each task ended: per-update values, long tasks;
* **points drawn**, read from the page once the window is over.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, sync_playwright

from benchmarks.common import BenchmarkError
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.ports import LOOPBACK
from tests.support.processes import ManagedProcess, wait_until

UNTHROTTLED_ARGS = [
    # What Playwright's own launch adds so that a page is never throttled as if hidden.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]
VIEWPORT = {"width": 1100, "height": 800}
LONG_TASK_MS = 50.0
"""A main-thread task longer than this is a long task (the Long Tasks API's threshold)."""
QUIET_S = 0.6
"""No chart frame for this long after "Stop": the stream has ended."""
MAIN_THREAD = "CrRendererMain"
TASK = "ThreadControllerImpl::RunTask"


@contextlib.contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Browser]:
    """Headless Chromium as a child process, with Playwright connected to it."""
    if shutil.which(executable) is None:
        raise BenchmarkError(f"Chromium is not at {executable} (--chromium PATH)")
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    args = [executable, "--headless", *CHROMIUM_ARGS, *UNTHROTTLED_ARGS]
    args += [f"--user-data-dir={profile}", f"--remote-debugging-address={LOOPBACK}"]
    args += ["--remote-debugging-port=0", "about:blank"]
    process = ManagedProcess(args, name="chromium")
    try:
        port_file = profile / "DevToolsActivePort"

        def listening() -> bool:
            if not process.alive():
                raise BenchmarkError(f"Chromium exited:\n{process.output(limit=4000)}")
            return port_file.is_file() and len(port_file.read_text().split()) >= 2

        wait_until(listening, 60, "Chromium's DevTools port")
        port = int(port_file.read_text().split()[0])
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(f"http://{LOOPBACK}:{port}")
            try:
                yield browser
            except Exception:
                with contextlib.suppress(Exception):
                    browser.close()
                raise
            except BaseException:
                # Ctrl-C also reaches Playwright's driver, which then answers nothing: a
                # graceful close would wait forever. Stop Chromium first; calls then fail fast.
                process.close(grace=2.0)
                raise
            else:
                browser.close()
    finally:
        process.close()
        shutil.rmtree(profile, ignore_errors=True)


def pump_until(page: Page, condition: Callable[[], bool], timeout: float, what: str) -> None:
    """`wait_until` for Playwright's sync API: events are only delivered inside its calls."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise BenchmarkError(f"timed out after {timeout:.0f}s waiting for {what}")
        page.wait_for_timeout(50)


@dataclass
class PageSpec:
    """One page of the chart app and how to read it."""

    url: str
    markers: tuple[str, ...]
    """A websocket frame carrying one of these strings is a chart update."""
    points_js: str
    """A JS expression: how many points the chart has drawn."""
    counters_js: str = "({})"
    """A JS expression: the component's own counters (read before and after the window)."""


@dataclass
class PageRun:
    """Raw figures of one page over one measuring window (statistics are the caller's)."""

    window_s: float
    update_bytes: list[int]
    update_ms: list[float]
    """Per update, main-thread ms (trace) minus the idle rate over its interval."""
    task_duration_ms: float
    """CDP TaskDuration over the window."""
    trace_task_ms: float
    """The trace's main-thread tasks over the window (a check on TaskDuration)."""
    idle_ms_per_s: float
    long_tasks_ms: list[float]
    points_drawn: int
    counters: dict[str, float] = field(default_factory=dict)
    """The component's counters over the window (after - before)."""


class _Frames:
    """Chart-update frames received by one page: (CDP monotonic time s, payload bytes)."""

    def __init__(self, markers: tuple[str, ...]) -> None:
        self.markers = markers
        self.updates: list[tuple[float, int]] = []
        self.last_at = 0.0

    def on_frame(self, event: dict[str, Any]) -> None:
        payload = event["response"]["payloadData"]
        if any(marker in payload for marker in self.markers):
            self.updates.append((float(event["timestamp"]), len(payload.encode())))
            self.last_at = time.monotonic()


def _metrics(cdp: CDPSession) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def _trace(browser: Browser, page: Page, seconds: float, cdp: CDPSession) -> tuple:
    """Trace the main threads for `seconds`; returns (events, metrics before, metrics after)."""
    session = browser.new_browser_cdp_session()
    events: list[dict[str, Any]] = []
    complete: list[bool] = []
    session.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    session.on("Tracing.tracingComplete", lambda _e: complete.append(True))
    config = {"includedCategories": ["toplevel"], "recordMode": "recordContinuously"}
    session.send("Tracing.start", {"traceConfig": config, "transferMode": "ReportEvents"})
    try:
        before = _metrics(cdp)
        page.wait_for_timeout(seconds * 1000)  # the measuring window itself
        after = _metrics(cdp)
    finally:
        session.send("Tracing.end")
        pump_until(page, lambda: bool(complete), 60, "the trace")
        session.detach()
    return events, before, after


def _main_thread_tasks(events: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """(start s, duration s) of the busiest renderer main thread's top-level tasks.

    The page under test is the only one doing anything, so its renderer's main thread is the
    one with the most task time.
    """
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == MAIN_THREAD
    }
    tasks: dict[tuple[int, int], list[tuple[float, float]]] = {key: [] for key in mains}
    for e in events:
        key = (e.get("pid"), e.get("tid"))
        if e.get("ph") == "X" and e.get("name") == TASK and key in tasks:
            tasks[key].append((e["ts"] / 1e6, e.get("dur", 0) / 1e6))
    if not tasks:
        raise BenchmarkError("the trace has no renderer main thread")
    busiest = max(tasks.values(), key=lambda ts: sum(d for _, d in ts))
    return sorted(busiest)


def _per_update(
    arrivals: list[float], tasks: list[tuple[float, float]], end: float, idle_rate: float
) -> list[float]:
    """Main-thread ms of each update but the last: its tasks minus idle over its interval.

    A task belongs to the update received last before the task ended (the task that handles a
    frame has started before the frame's receive time is taken, inside it).
    """
    if len(arrivals) < 2:
        return []
    busy = [0.0] * len(arrivals)
    i = 0
    for start, duration in tasks:
        finish = start + duration
        if finish < arrivals[0] or start > end:
            continue
        while i + 1 < len(arrivals) and arrivals[i + 1] <= finish:
            i += 1
        busy[i] += duration
    out = []
    for k in range(len(arrivals) - 1):
        interval = arrivals[k + 1] - arrivals[k]
        out.append(round(max(0.0, busy[k] - idle_rate * interval) * 1000, 3))
    return out


@dataclass
class _Recording:
    frames: _Frames
    events: list[dict[str, Any]]
    window: tuple[dict[str, float], dict[str, float]]
    """CDP metrics at the start and the end of the measuring window."""
    idle: tuple[dict[str, float], dict[str, float]]
    """CDP metrics at the start and the end of the idle window."""
    counters: dict[str, float]
    points_drawn: int


def measure_page(
    browser: Browser, spec: PageSpec, *, points: int, warmup: int, seconds: float, idle_s: float
) -> PageRun:
    """Load the page, let `warmup` updates pass, measure `seconds`, then the idle rate."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        recording = _record(browser, context, spec, points, warmup, seconds, idle_s)
    except Exception:
        with contextlib.suppress(Exception):
            context.close()
        raise
    # Not closed on Ctrl-C or SIGTERM: `chromium()` stops the browser, and the context with it.
    context.close()
    return _analyse(recording, spec, seconds)


def _record(
    browser: Browser,
    context: BrowserContext,
    spec: PageSpec,
    points: int,
    warmup: int,
    seconds: float,
    idle_s: float,
) -> _Recording:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    frames = _Frames(spec.markers)
    cdp.on("Network.webSocketFrameReceived", frames.on_frame)
    cdp.send("Network.enable")
    cdp.send("Performance.enable")
    page.goto(spec.url, wait_until="load")

    def drawn() -> int:
        return int(page.evaluate(spec.points_js) or 0)

    pump_until(page, lambda: drawn() >= points, 120, f"{spec.url} to draw {points} points")
    seen = len(frames.updates)
    pump_until(page, lambda: len(frames.updates) >= seen + warmup, 60, "the warm-up updates")
    counters0 = page.evaluate(spec.counters_js)
    events, m0, m1 = _trace(browser, page, seconds, cdp)
    counters1 = page.evaluate(spec.counters_js)
    points_drawn = drawn()

    clicked = time.monotonic()
    page.click("#stop")
    pump_until(
        page,
        lambda: time.monotonic() - max(frames.last_at, clicked) >= QUIET_S,
        30,
        "the stream to stop",
    )
    b0 = _metrics(cdp)
    page.wait_for_timeout(idle_s * 1000)  # the idle window
    b1 = _metrics(cdp)
    counters = {k: counters1[k] - counters0.get(k, 0) for k in counters1}
    return _Recording(frames, events, (m0, m1), (b0, b1), counters, points_drawn)


def _analyse(rec: _Recording, spec: PageSpec, seconds: float) -> PageRun:
    m0, m1 = rec.window
    b0, b1 = rec.idle
    t0, t1 = m0["Timestamp"], m1["Timestamp"]
    idle_span = max(b1["Timestamp"] - b0["Timestamp"], 1e-6)
    idle_rate = (b1["TaskDuration"] - b0["TaskDuration"]) / idle_span
    window = [(ts, size) for ts, size in rec.frames.updates if t0 <= ts <= t1]
    if not window:
        raise BenchmarkError(f"no chart updates reached {spec.url} in {seconds:.0f}s")
    tasks = [(s, d) for s, d in _main_thread_tasks(rec.events) if s + d >= t0 and s <= t1]
    arrivals = [ts for ts, _ in window]
    return PageRun(
        window_s=round(t1 - t0, 3),
        update_bytes=[size for _, size in window],
        update_ms=_per_update(arrivals, tasks, t1, idle_rate),
        task_duration_ms=round((m1["TaskDuration"] - m0["TaskDuration"]) * 1000, 2),
        trace_task_ms=round(sum(d for _, d in tasks) * 1000, 2),
        idle_ms_per_s=round(idle_rate * 1000, 3),
        long_tasks_ms=[round(d * 1000, 1) for _, d in tasks if d * 1000 > LONG_TASK_MS],
        points_drawn=rec.points_drawn,
        counters=rec.counters,
    )
