"""Fault 6: a client flooding the feed with requests, and what it costs everyone else.

    python -m benchmarks.faults.flooder [--seconds 15] [--rounds 3] [--rate 10000]

Starts the real feed server (`python -m realtime_server`, default settings but a free port and
a temporary data directory). A well-behaved guest subscribes to every quote (`price:*`) and
sends a `ping` every 25 ms, timing each round trip, for `--seconds` alone, then for
`--seconds` with each of two flooders running in another process. A flooder is a guest that
sends `ping` requests at `--rate` a second without waiting for their answers (reading them as
they come, so that it is never a slow consumer), each from a loopback address of its own
(127.0.0.10, .11, …), so that per-address limits tell them apart; the first goes away when
the server disconnects it, the second connects again at once, whatever the server said. Prints
the well-behaved client's round trips (p50, p99) and the server's CPU in each phase, and what
each flooder got (answers by kind, goodbyes by code, connections made and refused);
`--rounds` times over, the three phases in turn, then the medians (the machine's other load
moves a p99 from one window to the next).

    python -m benchmarks.faults.flooder --flood PORT --seconds S --rate R --source ADDRESS
        [--reconnect]

is a flooder (the benchmark starts them); it prints its tally as one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections import Counter
from typing import Any

import psutil
import websockets

from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.processes import ManagedProcess, cleanup_on_exit
from tests.support.raw_feed import RawFeed, goodbye_of

PING_EVERY_S = 0.025
BURST = 100
"""The flooder sends its requests in bursts of this many."""


async def flood(
    port: int, seconds: float, rate: float, reconnect: bool, source: str
) -> dict[str, Any]:
    tally: Counter[str] = Counter()
    deadline = time.monotonic() + seconds

    async def read(feed: RawFeed) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for frame in feed.ws:
                if frame == "2":
                    await feed.ws.send("3")
                elif (goodbye := goodbye_of(frame)) is not None:
                    tally[f"goodbye {goodbye['code']}"] += 1
                elif isinstance(frame, str) and frame.startswith("43/feed,"):
                    tally["ok" if '"ok":true' in frame else frame.split('"code":"')[1][:12]] += 1

    n = 0
    while time.monotonic() < deadline and (reconnect or not tally["connections"]):
        try:
            feed = await RawFeed.open(port, source=source)
        except (AssertionError, OSError, TimeoutError, websockets.WebSocketException):
            tally["connects refused"] += 1
            await asyncio.sleep(0.01)
            continue
        tally["connections"] += 1
        reader = asyncio.create_task(read(feed))
        try:
            while time.monotonic() < deadline and not reader.done():
                started = time.monotonic()
                for _ in range(BURST):
                    await feed.emit("ping", {"id": str(n), "client_ts": n}, n % 1_000_000)
                    n += 1
                tally["sent"] += BURST
                await asyncio.sleep(max(0.0, BURST / rate - (time.monotonic() - started)))
        except websockets.ConnectionClosed:
            pass
        finally:
            feed.close()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
    return dict(tally)


async def pings(port: int, seconds: float) -> list[float]:
    """Round trips (ms) of a well-behaved client, one ping every PING_EVERY_S."""
    feed = await RawFeed.open(port)
    try:
        await feed.request("subscribe", {"id": "s", "channels": ["price:*"]}, 1)
        rtts = []
        deadline = time.monotonic() + seconds
        n = 2
        while time.monotonic() < deadline:
            started = time.perf_counter()
            reply = await feed.request("ping", {"id": str(n), "client_ts": n}, n)
            assert reply["ok"] is True, reply
            rtts.append((time.perf_counter() - started) * 1000)
            n += 1
            await asyncio.sleep(PING_EVERY_S)
        return rtts
    finally:
        feed.close()


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def phase(server: FeedServerProcess, seconds: float) -> tuple[list[float], float]:
    assert server.process is not None
    meter = psutil.Process(server.process.pid)
    cpu0, t0 = sum(meter.cpu_times()[:2]), time.monotonic()
    rtts = await pings(server.port, seconds)
    cpu = (sum(meter.cpu_times()[:2]) - cpu0) / (time.monotonic() - t0) * 100
    return rtts, cpu


async def with_flooder(
    server: FeedServerProcess, seconds: float, rate: float, reconnect: bool, source: str
) -> tuple[list[float], float, dict[str, Any]]:
    args = ["--flood", str(server.port), "--seconds", str(seconds + 2), "--rate", str(rate)]
    args += ["--source", source] + (["--reconnect"] if reconnect else [])
    flooder = ManagedProcess(
        [sys.executable, "-m", "benchmarks.faults.flooder", *args], name="flooder", pipes=True
    )
    try:
        await asyncio.sleep(1)  # under way
        rtts, cpu = await phase(server, seconds)
        assert flooder.proc.stdout is not None
        out = await asyncio.to_thread(flooder.proc.stdout.read)
    finally:
        flooder.close()
    return rtts, cpu, json.loads(out.decode().strip().splitlines()[-1])


CONDITIONS = ("alone", "with a flooder", "with a flooder that reconnects")


async def measure(server: FeedServerProcess, seconds: float, rate: float, rounds: int) -> None:
    figures: dict[str, list[tuple[float, float, float]]] = {c: [] for c in CONDITIONS}
    sources = (f"127.0.0.{n}" for n in range(10, 250))  # a fresh address for each flooder
    for round_ in range(1, rounds + 1):
        for condition in CONDITIONS:
            tally = None
            if condition == "alone":
                rtts, cpu = await phase(server, seconds)
            else:
                reconnect = condition.endswith("reconnects")
                rtts, cpu, tally = await with_flooder(
                    server, seconds, rate, reconnect, next(sources)
                )
            figures[condition].append((p(rtts, 50), p(rtts, 99), cpu))
            print(
                f"round {round_}, {condition}: {len(rtts)} pings, p50 {p(rtts, 50):.2f} ms, "
                f"p99 {p(rtts, 99):.2f} ms; server CPU {cpu:.0f}%"
                + (f"\n  the flooder got {tally}" if tally else ""),
                flush=True,
            )
    alone_p99 = statistics.median(f[1] for f in figures["alone"])
    print(f"medians over {rounds} rounds ({rate:,.0f} requests/s offered by each flooder):")
    for condition in CONDITIONS:
        p50, p99, cpu = (statistics.median(f[i] for f in figures[condition]) for i in range(3))
        change = "" if condition == "alone" else f" ({(p99 / alone_p99 - 1) * 100:+.0f}%)"
        print(f"  {condition}: p50 {p50:.2f} ms, p99 {p99:.2f} ms{change}; server CPU {cpu:.0f}%")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.flooder", description=__doc__
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three phases")
    parser.add_argument("--rate", type=float, default=10_000.0, help="the flooder's requests/s")
    parser.add_argument("--flood", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--source", default="127.0.0.2", help=argparse.SUPPRESS)
    parser.add_argument("--reconnect", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.flood is not None:
        tally = asyncio.run(flood(args.flood, args.seconds, args.rate, args.reconnect, args.source))
        print(json.dumps(tally), flush=True)
        return
    with cleanup_on_exit(), running_feed_server() as server:
        asyncio.run(measure(server, args.seconds, args.rate, args.rounds))


if __name__ == "__main__":
    main()
