"""Fan-out benchmark: our feed server vs a naive socket.io 4 server, side by side, one run.

    python -m benchmarks.fanout [--quick] [--clients 50,100,200,400,800] [--seconds 10]

Each server in turn (never both at once: they would share the 2 cores) runs the same synthetic
market (500 symbols, 5,000 ticks/s, `realtime_server/sources/synthetic.py` ≡
`reference/tickgen.mjs`). The same Node load generator connects clients step by step, each
following 50 symbols (ours: `subscribe` with ack, throttle_ms 100; reference: `join`), warms
up, then measures for a fixed window: delivered price updates/s, staleness at the client (`now
- data.ts` of every update, p50/p99), server CPU (% of one core) and RSS, RSS per connection. A
sweep stops after the first step whose p99 exceeds --stop-ms. Capacity: the most clients served
with p99 ≤ --slo-ms.

Writes <out-dir>/fanout.json and fanout.png, and the tables between the `bench:fanout`
markers of --docs (docs/benchmarks.md by default; --quick touches no docs unless --docs is
given, and writes to benchmarks/results/quick/).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.clients import ClientPool
from benchmarks.common import (
    DOCS,
    RESULTS,
    BenchmarkError,
    MachineMeter,
    ProcessMeter,
    ensure_node_deps,
    histogram_stats,
    machine_line,
    merge_histograms,
    publish,
    pyplot,
    result_header,
    run_main,
    save_figure,
    settled_rss,
    wait_for_quiet,
)
from benchmarks.servers import LABELS, Server, Workload, start_server
from tests.support.processes import ManagedProcess, cleanup_on_exit

CLIENT_SATURATED_CPU_PCT = 90.0
LINE_NUMBER = re.compile(r":\d+\)$")
CLIENT_SATURATED_LOOP_MS = 50.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.fanout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="tiny run for tests: 5,10 clients, 2 s")
    p.add_argument("--clients", help="comma-separated client counts (default 50,100,200,400,800)")
    p.add_argument("--seconds", type=float, help="measuring window per step (default 10)")
    p.add_argument("--warmup", type=float, help="seconds between connecting and measuring (3)")
    p.add_argument("--servers", default="ours,reference", help="which servers, in order")
    p.add_argument("--symbols", type=int, default=500)
    p.add_argument("--rate", type=float, default=5000.0, help="ticks per second")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--per-client", type=int, default=50, help="symbols each client follows")
    p.add_argument("--throttle-ms", type=int, default=100, help="ours: subscribe throttle_ms")
    p.add_argument("--client-procs", type=int, help="Node load-generator processes (default 2)")
    p.add_argument("--slo-ms", type=float, default=200.0, help="capacity: p99 staleness bound")
    p.add_argument("--stop-ms", type=float, default=1000.0, help="stop a sweep past this p99")
    p.add_argument("--out-dir", type=Path, help="where fanout.json/.png go")
    p.add_argument("--docs", type=Path, help="markdown file whose bench:fanout markers to update")
    p.add_argument("--no-docs", action="store_true", help="do not update any docs file")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG")
    p.add_argument(
        "--profile",
        action="store_true",
        help="after our last step, record py-spy for --seconds (profile.svg + top)",
    )
    p.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (the official client's default does)",
    )
    p.add_argument(
        "--quiet-pct",
        type=float,
        default=25.0,
        help="other processes' CPU (%% of a core) above which a window is measured again",
    )
    p.add_argument("--quiet-wait", type=float, help="max seconds to wait for quiet (60; quick 0)")
    p.add_argument("--retries", type=int, help="re-measure a disturbed window (2; quick 0)")
    p.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for our server (repeatable)",
    )
    args = p.parse_args(argv)
    quick = args.quick
    args.clients = [
        int(c) for c in (args.clients or ("5,10" if quick else "50,100,200,400,800")).split(",")
    ]
    if sorted(args.clients) != args.clients or args.clients[0] < 1:
        p.error("--clients must be increasing positive numbers")
    args.seconds = args.seconds or (2.0 if quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if quick else 3.0)
    args.client_procs = args.client_procs or (1 if quick else 2)
    args.quiet_wait = args.quiet_wait if args.quiet_wait is not None else (0 if quick else 60)
    args.retries = args.retries if args.retries is not None else (0 if quick else 2)
    args.out_dir = args.out_dir or (RESULTS / "quick" if quick else RESULTS)
    if args.no_docs or (quick and args.docs is None):
        args.docs = None
    else:
        args.docs = args.docs or DOCS
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in args.servers:
        if s not in LABELS:
            p.error(f"unknown server {s!r} (ours, reference)")
    args.server_env = dict(kv.split("=", 1) for kv in args.server_env)
    return args


def measure_step(
    server: Server, pool: ClientPool, clients: int, base_rss: int, args: argparse.Namespace
) -> dict[str, Any]:
    meter = ProcessMeter(server.pid)
    machine = MachineMeter([server.pid, *pool.pids()])
    ticks0 = server.source_ticks()
    pool.reset()
    meter.start()
    machine.start()
    t0 = time.monotonic()
    end = t0 + args.seconds
    while (remaining := end - time.monotonic()) > 0:
        time.sleep(min(0.5, remaining))
        meter.sample()
        pool.sample()
    reports, client_meters = pool.report()
    server_meter = meter.stop()
    wall = time.monotonic() - t0
    machine_load = machine.stop()
    ticks1 = server.source_ticks()
    window = max(r["window_s"] for r in reports) or wall
    updates = sum(r["updates"] for r in reports)
    frames = sum(r["frames"] for r in reports)
    staleness = histogram_stats(merge_histograms([r["hist"] for r in reports]))
    live = sum(r["live"] for r in reports)
    disconnects: Counter[str] = Counter()
    for r in reports:
        disconnects.update(r["disconnects"])
    client_cpu = [m["cpu_pct"] for m in client_meters]
    loop_p99 = max((r["loop_delay_ms"]["p99"] or 0.0) for r in reports)
    rss = server_meter["rss_bytes"]
    return {
        "clients": clients,
        "connected": live,
        "window_s": round(window, 2),
        "updates_per_s": round(updates / window, 1),
        "frames_per_s": round(frames / window, 1),
        "offered_ticks_per_s": round(clients * args.rate * args.per_client / args.symbols, 1),
        "staleness_ms": staleness,
        "server_cpu_pct": server_meter["cpu_pct"],
        "server_rss_mb": round(rss / 2**20, 1),
        "rss_per_client_kb": round((rss - base_rss) / 1024 / clients, 1),
        "source_ticks_per_s": (
            round((ticks1 - ticks0) / wall, 1)
            if ticks0 is not None and ticks1 is not None
            else None
        ),
        "client_cpu_pct": client_cpu,
        "machine": machine_load,
        "client_loop_delay_p99_ms": round(loop_p99, 1),
        "client_bound": (
            max(client_cpu) >= CLIENT_SATURATED_CPU_PCT or loop_p99 >= CLIENT_SATURATED_LOOP_MS
        ),
        "disconnects": dict(disconnects),
    }


def measure_quietly(
    server: Server, pool: ClientPool, clients: int, base_rss: int, args: argparse.Namespace
) -> dict[str, Any]:
    """`measure_step`, waiting for other processes to calm down first, and measuring again
    (up to --retries times) when they disturbed the window; keeps the least disturbed one."""
    attempts = []
    for _ in range(1 + max(0, args.retries)):
        if args.quiet_wait > 0:
            wait_for_quiet([server.pid, *pool.pids()], args.quiet_pct, args.quiet_wait)
        attempts.append(measure_step(server, pool, clients, base_rss, args))
        if attempts[-1]["machine"]["other_pct"] <= args.quiet_pct:
            break
        print(
            f"    (other processes used {attempts[-1]['machine']['other_pct']}% of a core "
            "during the window)",
            file=sys.stderr,
        )
    best = min(attempts, key=lambda a: a["machine"]["other_pct"])
    best["attempts"] = len(attempts)
    best["disturbed"] = best["machine"]["other_pct"] > args.quiet_pct
    return best


def capacity(steps: list[dict[str, Any]], slo_ms: float) -> dict[str, Any]:
    """The most clients served (all connected, updates flowing) with p99 ≤ slo_ms."""
    passing = [
        s["clients"]
        for s in steps
        if s["connected"] == s["clients"]
        and s["updates_per_s"] > 0
        and s["staleness_ms"]["p99"] is not None
        and s["staleness_ms"]["p99"] <= slo_ms
    ]
    best = max(passing, default=0)
    return {
        "clients": best,
        "slo_p99_ms": slo_ms,
        # the largest step tested passed: the real capacity is at least this, maybe more
        "lower_bound": bool(steps) and best == steps[-1]["clients"],
    }


def sweep(kind: str, args: argparse.Namespace, workload: Workload) -> dict[str, Any]:
    print(f"\n== {LABELS[kind]}", file=sys.stderr)
    server = start_server(kind, workload, args.server_env if kind == "ours" else None)
    pool: ClientPool | None = None
    steps: list[dict[str, Any]] = []
    stopped = None
    profile = None
    try:
        time.sleep(1.0 if args.quick else 3.0)  # source running, allocations settled
        base_rss = settled_rss(server.pid, 1.0)
        pool = ClientPool(args.client_procs)
        connected = 0
        for n in args.clients:
            t = time.monotonic()
            result = pool.connect(
                server.url,
                kind,
                list(range(connected, n)),
                subscribe=True,
                symbols_per_client=args.per_client,
                nsymbols=args.symbols,
                throttle_ms=args.throttle_ms,
                deflate=not args.no_deflate,
                timeout_s=60 + n / 5,
            )
            connect_s = round(time.monotonic() - t, 2)
            connected = n
            time.sleep(args.warmup)
            step = measure_quietly(server, pool, n, base_rss, args)
            step["connect_s"] = connect_s
            step["connect_failed"] = result["failed"]
            step["connect_errors"] = result["errors"]
            steps.append(step)
            st = step["staleness_ms"]
            print(
                f"  {n:5d} clients: {step['updates_per_s']:>10,.0f} upd/s  "
                f"p50 {st['p50']} ms  p99 {st['p99']} ms  cpu {step['server_cpu_pct']}%  "
                f"rss {step['server_rss_mb']} MB  clients cpu {step['client_cpu_pct']}  "
                f"other load {step['machine']['other_pct']}%"
                + ("  [client-bound]" if step["client_bound"] else ""),
                file=sys.stderr,
            )
            if result["failed"]:
                stopped = f"{result['failed']} clients failed to connect: {result['errors']}"
                break
            if st["p99"] is None or st["p99"] > args.stop_ms:
                stopped = f"p99 staleness {st['p99']} ms > {args.stop_ms:g} ms"
                break
        if args.profile and kind == "ours":
            profile = record_profile(server.pid, args)
    finally:
        if pool is not None:
            pool.close()
        server.stop()
    return {
        "label": LABELS[kind],
        "launcher": server.launcher,
        "base_rss_mb": round(base_rss / 2**20, 1),
        "steps": steps,
        "stopped_early": stopped,
        "disturbed_steps": [s["clients"] for s in steps if s.get("disturbed")],
        "capacity": capacity(steps, args.slo_ms),
        **({"profile": profile} if profile else {}),
    }


# -- Profile (py-spy) -----------------------------------------------------------------------------


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise BenchmarkError("py-spy is not installed: pip install -r benchmarks/requirements.txt")
    return found


def record_profile(pid: int, args: argparse.Namespace) -> dict[str, Any]:
    """py-spy at the last step: a flame graph (SVG) and the top functions from raw stacks."""
    args.out_dir.mkdir(parents=True, exist_ok=True)
    svg, raw = args.out_dir / "profile.svg", args.out_dir / "profile.txt"
    seconds = str(max(1, int(args.seconds)))
    for out, fmt in ((svg, "flamegraph"), (raw, "raw")):
        print(f"  py-spy record → {out.name}", file=sys.stderr)
        child = ManagedProcess(
            [
                py_spy(),
                "record",
                "-d",
                seconds,
                "-r",
                "100",
                "-f",
                fmt,
                "-o",
                str(out),
                "--pid",
                str(pid),
                "--nonblocking",
            ],
            name="py-spy",
        )
        try:
            child.proc.wait(int(seconds) + 60)
        except subprocess.TimeoutExpired:
            pass
        finally:
            child.close()
    return {"svg": svg.name, "raw": raw.name, **top_functions(raw)}


def top_functions(raw: Path, limit: int = 25) -> dict[str, Any]:
    """Self and inclusive share of samples per function, from py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        samples += n
        frames = [f.strip() for f in stack.split(";") if f.strip()]
        frames = [f for f in frames if not f.startswith("process ") and not f.startswith("thread ")]
        if not frames:
            continue
        frames = [LINE_NUMBER.sub(")", f) for f in frames]  # per function, not per line
        own[frames[-1]] += n
        for frame in set(frames):
            total[frame] += n

    def pct(counter: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * c / samples, 1)] for name, c in counter.most_common(limit)]

    return {"samples": samples, "self_pct": pct(own), "total_pct": pct(total)}


# -- Output ---------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def render_markdown(data: dict[str, Any], plot: str | None) -> str:
    servers = data["servers"]
    cfg = data["config"]
    lines = [
        f"Command: `{data['command']}` — {data['date']}",
        "",
        f"Machine: {machine_line(data['machine'])}.",
        "",
        f"Workload: {cfg['symbols']} symbols, {cfg['rate']:,.0f} ticks/s, each client follows "
        f"{cfg['per_client']} symbols (ours: throttle_ms {cfg['throttle_ms']}); "
        f"{cfg['seconds']:g} s measured per step after {cfg['warmup']:g} s of warm-up; "
        f"{cfg['client_procs']} Node client process(es)"
        + (
            ", which offer permessage-deflate (the official client's default)."
            if cfg.get("client_offers_deflate", True)
            else ", which offer no permessage-deflate (--no-deflate)."
        ),
        "",
        "| clients | server | updates/s delivered | frames/s | staleness p50 (ms) "
        "| p99 (ms) | server CPU (% of a core) | server RSS (MB) | RSS / client (KB) "
        "| load-generator CPU (%) | other processes (% of a core) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    counts = sorted({s["clients"] for srv in servers.values() for s in srv["steps"]})
    for n in counts:
        for kind, srv in servers.items():
            step = next((s for s in srv["steps"] if s["clients"] == n), None)
            if step is None:
                continue
            st = step["staleness_ms"]
            flag = " ⚠ client-bound" if step["client_bound"] else ""
            disturbed = " ⚠ disturbed" if step.get("disturbed") else ""
            short = kind if step["connected"] == n else f"{kind} ({step['connected']} connected)"
            lines.append(
                f"| {n} | {short} | {step['updates_per_s']:,.0f} | {step['frames_per_s']:,.0f} "
                f"| {_ms(st['p50'])} | {_ms(st['p99'])} | {step['server_cpu_pct']:.0f} "
                f"| {step['server_rss_mb']:.0f} | {step['rss_per_client_kb']:.0f} "
                f"| {' + '.join(f'{c:.0f}' for c in step['client_cpu_pct'])}{flag} "
                f"| {step['machine']['other_pct']:.0f}{disturbed} |"
            )
    lines += ["", f"Capacity (most clients with staleness p99 ≤ {cfg['slo_ms']:g} ms):", ""]
    for kind, srv in servers.items():
        cap = srv["capacity"]
        bound = "≥ " if cap["lower_bound"] else ""
        note = f" (sweep stopped: {srv['stopped_early']})" if srv["stopped_early"] else ""
        lines.append(f"- **{kind}** — {srv['label']}: **{bound}{cap['clients']} clients**{note}")
    if plot:
        lines += ["", f"![fan-out results]({plot})"]
    return "\n".join(lines)


def plot_png(data: dict[str, Any], path: Path) -> None:
    plt = pyplot()
    slo = data["config"]["slo_ms"]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    colors = {"ours": "tab:blue", "reference": "tab:orange"}
    for kind, srv in data["servers"].items():
        steps = srv["steps"]
        if not steps:
            continue
        x = [s["clients"] for s in steps]
        c = colors.get(kind)
        ax = axes[0][0]
        ax.plot(
            x,
            [s["staleness_ms"]["p99"] or float("nan") for s in steps],
            "o-",
            color=c,
            label=f"{kind} p99",
        )
        ax.plot(
            x,
            [s["staleness_ms"]["p50"] or float("nan") for s in steps],
            "s--",
            color=c,
            alpha=0.6,
            label=f"{kind} p50",
        )
        axes[0][1].plot(x, [s["updates_per_s"] for s in steps], "o-", color=c, label=kind)
        axes[1][0].plot(x, [s["server_cpu_pct"] for s in steps], "o-", color=c, label=kind)
        axes[1][1].plot(x, [s["rss_per_client_kb"] for s in steps], "o-", color=c, label=kind)
    axes[0][0].axhline(slo, color="grey", linestyle=":", label=f"{slo:g} ms")
    axes[0][0].set_yscale("log")
    titles = [
        ("staleness at the client (ms, log)", "ms"),
        ("price updates delivered per second", "updates/s"),
        ("server CPU (% of one core)", "%"),
        ("server RSS per client (KB)", "KB"),
    ]
    for ax, (title, ylabel) in zip([a for row in axes for a in row], titles, strict=True):
        ax.set_title(title)
        ax.set_xlabel("clients")
        ax.set_ylabel(ylabel)
        ax.set_xscale("log", base=2)
        ax.set_xticks(data["config"]["clients"], [str(n) for n in data["config"]["clients"]])
        ax.minorticks_off()
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    cfg = data["config"]
    fig.suptitle(
        f"Fan-out: {cfg['symbols']} symbols x {cfg['rate']:,.0f} ticks/s, "
        f"{cfg['per_client']} symbols per client — {data['date']}"
    )
    save_figure(fig, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workload = Workload(args.symbols, args.rate, args.seed)
    with cleanup_on_exit():
        ensure_node_deps()
        started = time.monotonic()
        data: dict[str, Any] = {
            **result_header("fanout", argv),
            "config": {
                "symbols": args.symbols,
                "rate": args.rate,
                "seed": args.seed,
                "per_client": args.per_client,
                "throttle_ms": args.throttle_ms,
                "clients": args.clients,
                "seconds": args.seconds,
                "warmup": args.warmup,
                "client_procs": args.client_procs,
                "slo_ms": args.slo_ms,
                "stop_ms": args.stop_ms,
                "client_offers_deflate": not args.no_deflate,
                "server_env": args.server_env,
                "quick": args.quick,
            },
            "servers": {},
        }
        for kind in args.servers:
            data["servers"][kind] = sweep(kind, args, workload)
        data["duration_s"] = round(time.monotonic() - started, 1)
    plotter = None if args.no_plot else plot_png
    publish(data, args.out_dir, "fanout", args.docs, "fanout", plotter, render_markdown)
    for kind, srv in data["servers"].items():
        cap = srv["capacity"]
        print(
            f"capacity {kind}: {'≥ ' if cap['lower_bound'] else ''}{cap['clients']} clients",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    run_main(main)
