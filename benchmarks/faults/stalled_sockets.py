"""Faults 1 and 2: what clients that stop reading hold on the feed server, and how they are cut.

    python -m benchmarks.faults.stalled_sockets [--sockets 120] [--seconds 90]

Starts the real feed server (`python -m realtime_server`, default settings but a free port and
a temporary data directory), then opens `--sockets` raw websockets on `/feed` from one address
as fast as the server admits them (connection attempts are rate-limited per IP: a refused one
is retried), each subscribing to everything and then never reading (4 KiB receive buffer).
For `--seconds` it samples once a second, from the kernel (`ss`), the server's TCP sockets to
those clients and the bytes queued in them, and from `/metrics` the open `/feed` connections,
the updates waiting in their writers and the server's disconnects by code. Prints the peaks,
how long each socket lived from its subscribe on, when the `slow_consumer` goodbyes came,
and which goodbye codes were counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import time

from prometheus_client.parser import text_string_to_metric_families

from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.http import http_text
from tests.support.processes import cleanup_on_exit
from tests.support.raw_feed import RawFeed

EVERYTHING = ["news", "news:*", "price:*", "bars:1s:*", "bars:1m:*", "bars:5m:*", "summary"]


def server_sockets(port: int) -> dict[int, int]:
    """Client port → bytes queued in the server's socket to it, for every socket on `port`."""
    out = subprocess.run(
        ["ss", "-tnH", "state", "all", f"sport = :{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    queued = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0] != "LISTEN":
            queued[int(fields[4].rsplit(":", 1)[1])] = int(fields[2])
    return queued


def metrics(server: FeedServerProcess) -> tuple[float, float, dict[str, float]]:
    """(open /feed connections, updates waiting in writers, server disconnects by code)."""
    text = http_text(f"{server.url}/metrics") or ""
    connections, waiting, codes = 0.0, 0.0, {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "feed_connections":
                connections += sample.value
            elif sample.name == "feed_queue_depth":
                waiting = sample.value
            elif sample.name == "feed_server_disconnects_total":
                codes[sample.labels["code"]] = sample.value
    return connections, waiting, codes


async def open_stalled(server: FeedServerProcess, count: int, opened: dict[int, float]) -> None:
    """Open `count` stalled subscribers, retrying refused attempts; client port → when."""
    feeds: list[RawFeed] = []
    try:
        while len(opened) < count:
            try:
                feed = await RawFeed.open(server.port, stalled=True)
            except (AssertionError, OSError, TimeoutError):
                await asyncio.sleep(0.1)  # refused (rate, count): the guard's answer; retry
                continue
            feeds.append(feed)
            await feed.emit("subscribe", {"id": "s", "channels": EVERYTHING, "throttle_ms": 20}, 1)
            opened[feed.ws.transport.get_extra_info("sockname")[1]] = time.monotonic()
        await asyncio.Event().wait()  # hold them, unread, until cancelled
    finally:
        for feed in feeds:
            feed.close()


async def measure(server: FeedServerProcess, count: int, seconds: float) -> None:
    opened: dict[int, float] = {}
    released: dict[int, float] = {}
    peak_sockets = peak_queued = 0
    peak_connections = peak_waiting = 0.0
    cuts: list[float] = []
    """When each slow_consumer goodbye was counted (to a sampling second)."""
    clients = asyncio.create_task(open_stalled(server, count, opened))
    started = time.monotonic()
    try:
        while (now := time.monotonic()) - started < seconds:
            held = {p: q for p, q in server_sockets(server.port).items() if p in opened}
            for port in opened:
                if port not in held and port not in released:
                    released[port] = now
            connections, waiting, codes = metrics(server)
            cuts += [now - started] * (int(codes.get("slow_consumer", 0)) - len(cuts))
            peak_sockets = max(peak_sockets, len(held))
            peak_queued = max(peak_queued, sum(held.values()))
            peak_connections = max(peak_connections, connections)
            peak_waiting = max(peak_waiting, waiting)
            print(
                f"{now - started:5.1f}s opened {len(opened):4d}  /feed connections "
                f"{connections:4.0f}  updates waiting {waiting:6.0f}  server sockets "
                f"{len(held):4d}  queued {sum(held.values()) / 1e6:7.1f} MB",
                flush=True,
            )
            await asyncio.sleep(1.0)
    finally:
        clients.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await clients
    _, _, codes = metrics(server)
    lived = [released[p] - opened[p] for p in released]
    still = [time.monotonic() - opened[p] for p in opened if p not in released]
    print(f"sockets opened: {len(opened)} (the per-IP connection limit is 100)")
    print(f"peak server sockets held: {peak_sockets}, queued in them: {peak_queued / 1e6:.1f} MB")
    print(f"peak open /feed connections: {peak_connections:.0f}")
    print(f"peak updates waiting in the writers (feed_queue_depth): {peak_waiting:.0f}")
    if cuts:
        print(
            f"slow_consumer goodbyes: {len(cuts)}, the first {cuts[0]:.0f} s and the last "
            f"{cuts[-1]:.0f} s into the run (the last subscriber opened at "
            f"{max(opened.values()) - started:.0f} s)"
        )
    if lived:
        print(
            f"released: {len(lived)}, after {statistics.median(lived):.1f} s median, "
            f"{max(lived):.1f} s at most"
        )
    if still:
        print(f"still held at the end: {len(still)}, the oldest for {max(still):.0f} s")
    print(f"server disconnects by code: {codes or 'none'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.stalled_sockets", description=__doc__
    )
    parser.add_argument("--sockets", type=int, default=120, help="stalled subscribers to open")
    parser.add_argument("--seconds", type=float, default=90.0, help="how long to watch")
    args = parser.parse_args(argv)
    with cleanup_on_exit(), running_feed_server() as server:
        asyncio.run(measure(server, args.sockets, args.seconds))


if __name__ == "__main__":
    main()
