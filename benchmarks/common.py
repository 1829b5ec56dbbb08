"""Shared plumbing of the benchmarks: measuring processes and the machine, statistics,
machine facts, and publishing results.

The processes themselves, their ports, HTTP polls and waits are the test harness's
(`tests/support/`: `processes`, `ports`, `http`, `feed_server`, `app_server`, `chromium`):
every process a benchmark starts runs in its own session (process group) and is stopped by its
id — SIGTERM to the group, SIGKILL after a grace period — on every exit path, including Ctrl-C
and SIGTERM of the benchmark (`processes.cleanup_on_exit`). Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from tests.support.processes import StartupError

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
REFERENCE = BENCH / "reference"
RESULTS = BENCH / "results"
DOCS = ROOT / "docs" / "benchmarks.md"


class BenchmarkError(RuntimeError):
    """The benchmark cannot go on (a server did not start, clients could not connect, …)."""


class ProcessMeter:
    """CPU (% of one core) and RSS of one process over a measuring window."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self._t0 = 0.0
        self._cpu0 = 0.0
        self.rss_samples: list[int] = []

    def cpu_seconds(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._cpu0 = self.cpu_seconds()
        self.rss_samples = [self.rss()]

    def sample(self) -> None:
        self.rss_samples.append(self.rss())

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._t0
        cpu = self.cpu_seconds() - self._cpu0
        self.sample()
        return {
            "cpu_pct": round(100.0 * cpu / wall, 1) if wall > 0 else 0.0,
            "rss_bytes": self.rss_samples[-1],
            "rss_mean_bytes": int(sum(self.rss_samples) / len(self.rss_samples)),
        }


def settled_rss(pid: int, seconds: float, interval: float = 0.25) -> int:
    """Median RSS over `seconds` (memory of a live server moves a little; the median holds)."""
    process = psutil.Process(pid)
    samples = []
    deadline = time.monotonic() + max(seconds, interval)
    while time.monotonic() < deadline:
        samples.append(process.memory_info().rss)
        time.sleep(interval)
    samples.sort()
    return int(samples[len(samples) // 2])


# -- Percentiles from a 1 ms histogram ----------------------------------------------------------


def merge_histograms(sparse_lists: list[list[list[float]]]) -> dict[int, float]:
    merged: dict[int, float] = {}
    for sparse in sparse_lists:
        for ms, count in sparse:
            merged[int(ms)] = merged.get(int(ms), 0.0) + count
    return merged


def histogram_stats(hist: dict[int, float]) -> dict[str, float | None]:
    """p50/p90/p99/max/mean (ms) of a {ms: count} histogram; None everywhere when empty."""
    total = sum(hist.values())
    if total <= 0:
        return {"p50": None, "p90": None, "p99": None, "max": None, "mean": None}
    keys = sorted(hist)
    out: dict[str, float | None] = {}
    for name, q in (("p50", 0.50), ("p90", 0.90), ("p99", 0.99)):
        rank = q * total
        seen = 0.0
        for ms in keys:
            seen += hist[ms]
            if seen >= rank:
                out[name] = float(ms)
                break
    out["max"] = float(keys[-1])
    out["mean"] = round(sum(ms * c for ms, c in hist.items()) / total, 1)
    return out


# -- Machine and versions ------------------------------------------------------------------------


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        raise BenchmarkError("Node.js is not on PATH (the reference server and clients need it)")
    return node


def ensure_node_deps() -> None:
    """`npm ci` in benchmarks/reference when its node_modules are missing or stale."""
    wanted = json.loads((REFERENCE / "package.json").read_text())["dependencies"]
    stale = False
    for name, version in wanted.items():
        manifest = REFERENCE / "node_modules" / name / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
            stale = True
    if not stale:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BenchmarkError("npm is not on PATH; install Node.js and npm")
    print("installing benchmarks/reference node packages (npm ci)…", file=sys.stderr)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=REFERENCE,
        check=True,
        timeout=600,
        stdout=subprocess.DEVNULL,
    )


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _node_package_version(name: str) -> str | None:
    manifest = REFERENCE / "node_modules" / name / "package.json"
    if manifest.is_file():
        return str(json.loads(manifest.read_text())["version"])
    return None


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    node = shutil.which("node")
    node_version = None
    if node:
        node_version = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "node": node_version,
        "packages": {
            "python-socketio": _version("python-socketio"),
            "python-engineio": _version("python-engineio"),
            "uvicorn": _version("uvicorn"),
            "websockets": _version("websockets"),
            "socket.io (node)": _node_package_version("socket.io"),
            "socket.io-client (node)": _node_package_version("socket.io-client"),
        },
    }


def machine_line(machine: dict[str, Any]) -> str:
    return (
        f"{machine['cores']} cores ({machine['cpu_model']}), {machine['ram_gb']} GB RAM, "
        f"{machine['os']}, Python {machine['python']}, Node {machine['node']}"
    )


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def command_line(argv: list[str] | None, module: str) -> str:
    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python", "-m", module, *args])


def result_header(name: str, argv: list[str] | None) -> dict[str, Any]:
    """The fields every benchmark's result starts with: its name, the command that made it,
    when, and on what machine."""
    return {
        "benchmark": name,
        "command": command_line(argv, f"benchmarks.{name}"),
        "date": now_iso(),
        "machine": machine_info(),
    }


def save_figure(fig: Any, path: Path) -> None:
    """Lay out a matplotlib figure, write it to `path` as a PNG and free it."""
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    pyplot().close(fig)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def replace_between_markers(text: str, name: str, body: str) -> str:
    """Replace what lies between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->`."""
    begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise BenchmarkError(f"the docs file has no {begin} … {end} markers")
    return pattern.sub(lambda _: f"{begin}\n{body.strip()}\n{end}", text, count=1)


def update_docs(path: Path, name: str, body: str) -> None:
    path.write_text(replace_between_markers(path.read_text(), name, body))


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend (a BenchmarkError when missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise BenchmarkError(
            "matplotlib is missing: pip install -r benchmarks/requirements.txt (or --no-plot)"
        ) from exc
    return plt


def publish(
    data: dict[str, Any],
    out_dir: Path,
    name: str,
    docs: Path | None,
    marker: str,
    plot_png: Callable[[dict[str, Any], Path], None] | None,
    render_markdown: Callable[[dict[str, Any], str | None], str],
) -> None:
    """Write `<name>.json` (and `<name>.png` unless `plot_png` is None) to `out_dir`, and the
    table between the `marker` markers of `docs` (when given), its plot linked relatively."""
    write_json(out_dir / f"{name}.json", data)
    plot = None
    if plot_png is not None:
        plot = out_dir / f"{name}.png"
        plot_png(data, plot)
    if docs is not None:
        rel = os.path.relpath(plot, docs.resolve().parent) if plot else None
        update_docs(docs, marker, render_markdown(data, rel))
    written = f"wrote {out_dir / f'{name}.json'}" + (f" and {plot}" if plot else "")
    print(written + (f"; updated {docs}" if docs else ""), file=sys.stderr)


def run_main(main: Callable[[], int]) -> None:
    """Run a benchmark's `main` as a command: a BenchmarkError, a server that did not start
    (StartupError) or a wait that timed out is one line and exit code 1."""
    try:
        raise SystemExit(main())
    except (BenchmarkError, StartupError, TimeoutError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


# -- Other load on the machine ---------------------------------------------------------------------


class MachineMeter:
    """Whole-machine CPU over a window, and the part of it spent by processes not ours.

    `other_pct` (% of one core) = busy CPU time of the machine - interrupt/softirq time (the
    loopback traffic of the benchmark itself) - CPU time of `pids` (server, load generators
    and this harness). A busy neighbour (another test run on a shared machine) shows up there.
    """

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(pid) for pid in [*pids, os.getpid()]]
        self._t0 = 0.0
        self._machine0: Any = None
        self._ours0 = 0.0

    def _ours(self) -> float:
        total = 0.0
        for process in self.processes:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._machine0 = psutil.cpu_times()
        self._ours0 = self._ours()

    def stop(self) -> dict[str, float]:
        wall = max(time.monotonic() - self._t0, 1e-6)
        after = psutil.cpu_times()
        delta = {f: getattr(after, f) - getattr(self._machine0, f) for f in after._fields}
        total = sum(delta.values()) or 1.0
        idle = delta.get("idle", 0.0) + delta.get("iowait", 0.0)
        interrupts = delta.get("softirq", 0.0) + delta.get("irq", 0.0)
        busy_seconds = total - idle
        cores_seconds = total  # all cores x wall, in the kernel's accounting
        ours = self._ours() - self._ours0
        other = max(0.0, busy_seconds - interrupts - ours)
        return {
            "busy_pct_of_machine": round(100 * busy_seconds / cores_seconds, 1),
            "softirq_pct_of_machine": round(100 * interrupts / cores_seconds, 1),
            "other_pct": round(100 * other / wall, 1),
        }


def wait_for_quiet(pids: list[int], threshold_pct: float, max_wait_s: float) -> float:
    """Wait (at most `max_wait_s`) until processes not ours use < `threshold_pct` of a core
    over a whole second; returns the last reading."""
    deadline = time.monotonic() + max_wait_s
    while True:
        meter = MachineMeter(pids)
        meter.start()
        time.sleep(1.0)
        other = meter.stop()["other_pct"]
        if other < threshold_pct or time.monotonic() >= deadline:
            return other
