"""Idle connections: server memory per connected client that subscribes to nothing.

    python -m benchmarks.idle [--quick] [--connections 1000]

For each server in turn (ours, then the reference; same synthetic source as the fan-out
benchmark, so both servers are live while measured): the median RSS over 2 s (quick: 0.5 s)
before any client, then N socket.io-client connections that only connect (ours: the `/feed`
namespace; reference: `/`), the median RSS once settled; memory per connection = RSS delta / N.
Writes <out-dir>/idle.json and idle.png and the tables between the `bench:idle` markers of
--docs (--quick: 50 connections, no docs unless --docs is given, benchmarks/results/quick/).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.clients import ClientPool
from benchmarks.common import (
    DOCS,
    RESULTS,
    BenchmarkError,
    ProcessMeter,
    ensure_node_deps,
    machine_line,
    publish,
    pyplot,
    result_header,
    run_main,
    save_figure,
    settled_rss,
)
from benchmarks.servers import LABELS, Workload, start_server
from tests.support.processes import cleanup_on_exit


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.idle",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="tiny run for tests (50 connections)")
    p.add_argument("--connections", type=int, help="idle connections (default 1000)")
    p.add_argument("--servers", default="ours,reference")
    p.add_argument("--symbols", type=int, default=500)
    p.add_argument("--rate", type=float, default=5000.0, help="ticks per second")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--settle", type=float, help="seconds to wait before each RSS reading (3)")
    p.add_argument("--client-procs", type=int, default=1)
    p.add_argument("--out-dir", type=Path)
    p.add_argument("--docs", type=Path, help="markdown file whose bench:idle markers to update")
    p.add_argument("--no-docs", action="store_true")
    p.add_argument("--no-plot", action="store_true")
    args = p.parse_args(argv)
    args.connections = args.connections or (50 if args.quick else 1000)
    if args.connections < 1:
        p.error("--connections must be positive")
    args.settle = args.settle if args.settle is not None else (1.0 if args.quick else 3.0)
    args.rss_window = 0.5 if args.quick else 2.0
    args.out_dir = args.out_dir or (RESULTS / "quick" if args.quick else RESULTS)
    if args.no_docs or (args.quick and args.docs is None):
        args.docs = None
    else:
        args.docs = args.docs or DOCS
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in args.servers:
        if s not in LABELS:
            p.error(f"unknown server {s!r} (ours, reference)")
    return args


def measure(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {LABELS[kind]}: {args.connections} idle connections", file=sys.stderr)
    server = start_server(kind, Workload(args.symbols, args.rate, args.seed))
    pool: ClientPool | None = None
    try:
        time.sleep(args.settle)
        before = settled_rss(server.pid, args.rss_window)
        pool = ClientPool(args.client_procs)
        started = time.monotonic()
        result = pool.connect(
            server.url,
            kind,
            list(range(args.connections)),
            subscribe=False,
            symbols_per_client=0,
            nsymbols=args.symbols,
            throttle_ms=0,
            concurrency=50,
            timeout_s=60 + args.connections / 10,
        )
        connect_s = time.monotonic() - started
        if result["failed"]:
            raise BenchmarkError(f"{result['failed']} connections failed: {result['errors']}")
        time.sleep(args.settle)
        meter = ProcessMeter(server.pid)
        meter.start()
        after = settled_rss(server.pid, args.rss_window)
        cpu = meter.stop()["cpu_pct"]
        pool.close()
        pool = None
        time.sleep(args.settle)
        released = settled_rss(server.pid, args.rss_window)
    finally:
        if pool is not None:
            pool.close()
        server.stop()
    per_conn = (after - before) / args.connections
    print(f"   {per_conn / 1024:.1f} KB per idle connection", file=sys.stderr)
    return {
        "label": LABELS[kind],
        "launcher": server.launcher,
        "connections": args.connections,
        "connect_s": round(connect_s, 2),
        "rss_before_mb": round(before / 2**20, 1),
        "rss_connected_mb": round(after / 2**20, 1),
        "rss_after_disconnect_mb": round(released / 2**20, 1),
        "kb_per_connection": round(per_conn / 1024, 1),
        "server_cpu_pct_connected": cpu,
    }


def render_markdown(data: dict[str, Any], plot: str | None) -> str:
    lines = [
        f"Command: `{data['command']}` — {data['date']}",
        "",
        f"Machine: {machine_line(data['machine'])}.",
        "",
        "| server | idle connections | RSS before (MB) | RSS connected (MB) "
        "| **RSS per connection (KB)** | RSS after they left (MB) | connect time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, r in data["servers"].items():
        lines.append(
            f"| {kind} — {r['label']} | {r['connections']:,} | {r['rss_before_mb']:.1f} "
            f"| {r['rss_connected_mb']:.1f} | **{r['kb_per_connection']:.1f}** "
            f"| {r['rss_after_disconnect_mb']:.1f} | {r['connect_s']:.1f} |"
        )
    if plot:
        lines += ["", f"![idle memory per connection]({plot})"]
    return "\n".join(lines)


def plot_png(data: dict[str, Any], path: Path) -> None:
    plt = pyplot()
    kinds = list(data["servers"])
    values = [data["servers"][k]["kb_per_connection"] for k in kinds]
    fig, ax = plt.subplots(figsize=(6, 4))
    colors = {"ours": "tab:blue", "reference": "tab:orange"}
    bars = ax.bar(kinds, values, color=[colors.get(k, "grey") for k in kinds])
    ax.bar_label(bars, fmt="%.1f KB")
    n = next(iter(data["servers"].values()))["connections"] if kinds else 0
    ax.set_title(f"Server RSS per idle connection ({n:,} connections)")
    ax.set_ylabel("KB per connection")
    ax.grid(True, axis="y", alpha=0.3)
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with cleanup_on_exit():
        ensure_node_deps()
        data: dict[str, Any] = {
            **result_header("idle", argv),
            "config": {
                "connections": args.connections,
                "symbols": args.symbols,
                "rate": args.rate,
                "seed": args.seed,
                "settle_s": args.settle,
                "quick": args.quick,
            },
            "servers": {kind: measure(kind, args) for kind in args.servers},
        }
    plotter = None if args.no_plot else plot_png
    publish(data, args.out_dir, "idle", args.docs, "idle", plotter, render_markdown)
    return 0


if __name__ == "__main__":
    run_main(main)
