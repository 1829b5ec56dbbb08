"""Fault 11: how soon the app's feed link is live again after the feed server is killed.

    python -m benchmarks.faults.feed_restart [--trials 8] [--down 3]

A tab's feed subscription as the app makes it (`TabSubscription` with the app's client
settings, a guest watching three symbols, the summary and the news) streams from the real feed
server. Each trial: `kill -9` the server, start it again `--down` seconds later on the same
port, and time (a) when it is ready (`/readyz` answers, polled every 20 ms) and (b) when the
tab's link is live again. Prints one line per trial and the figure: seconds from ready to
live, each trial and the worst.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from benchmarks.common import BenchmarkError, run_main
from marketpulse.feed import Batch, FeedClientConfig, LinkState
from marketpulse.streaming.plan import FeedPlan
from marketpulse.streaming.subscription import TabSubscription
from tests.support.feed_server import FeedServerProcess
from tests.support.http import http_ok
from tests.support.processes import ManagedProcess, cleanup_on_exit, wait_until

PLAN = FeedPlan("", ("AAPL", "MSFT", "NVDA"), 250)
LIVE_TIMEOUT_S = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.feed_restart", description=__doc__
    )
    p.add_argument("--trials", type=int, default=8)
    p.add_argument("--down", type=float, default=3.0, help="seconds between kill and restart")
    return p.parse_args(argv)


def restart(server: FeedServerProcess) -> float:
    """Start the server again; the monotonic time `/readyz` first answered."""
    if server.process is not None:
        server.process.close()
    server.process = ManagedProcess(server.command, server.env, name="feed-server")
    wait_until(lambda: http_ok(f"{server.url}/readyz", 0.5), 30, "the feed server", 0.02)
    return time.monotonic()


class Tab:
    """The tab's feed task, reduced to its link: reads events and syncs the plan."""

    def __init__(self, subscription: TabSubscription) -> None:
        self.subscription = subscription
        self.live = asyncio.Event()
        """The link is live."""
        self.down = asyncio.Event()
        """The link is not live."""
        self.streaming = asyncio.Event()
        """Live, and updates arrived since it went live (the plan is subscribed)."""

    async def run(self) -> None:
        while True:
            events = await self.subscription.next_events(0.1)
            live = self.subscription.state is LinkState.LIVE
            for flag, on in ((self.live, live), (self.down, not live)):
                flag.set() if on else flag.clear()
            if not live:
                self.streaming.clear()
            elif any(isinstance(event, Batch) for event in events):
                self.streaming.set()
            self.subscription.completed()
            self.subscription.reconcile(PLAN)


async def trials(args: argparse.Namespace, server: FeedServerProcess) -> list[float]:
    subscription = TabSubscription(FeedClientConfig(), [server.url], lambda _: "")
    tab = Tab(subscription)
    subscription.start(PLAN)
    task = asyncio.create_task(tab.run())
    figures: list[float] = []
    try:
        for trial in range(1, args.trials + 1):
            async with asyncio.timeout(LIVE_TIMEOUT_S):
                await tab.streaming.wait()
            killed = time.monotonic()
            await asyncio.to_thread(server.kill)
            async with asyncio.timeout(10):
                await tab.down.wait()
            await asyncio.sleep(max(0.0, killed + args.down - time.monotonic()))
            ready = await asyncio.to_thread(restart, server)
            try:
                async with asyncio.timeout(LIVE_TIMEOUT_S):
                    await tab.live.wait()
            except TimeoutError:
                why = f"trial {trial}: not live {LIVE_TIMEOUT_S:.0f}s after ready"
                raise BenchmarkError(why) from None
            live = time.monotonic()
            figures.append(live - ready)
            print(
                f"trial {trial}: ready {ready - killed:5.2f}s after the kill, "
                f"live {live - ready:5.2f}s after ready ({live - killed:5.2f}s after the kill)"
            )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await subscription.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with cleanup_on_exit():
        server = FeedServerProcess().start()
        try:
            figures = asyncio.run(trials(args, server))
        finally:
            server.close()
    listed = ", ".join(f"{f:.1f}" for f in figures)
    print(f"live after ready: {listed} s (worst {max(figures):.1f} s, {len(figures)} trials)")
    return 0


if __name__ == "__main__":
    run_main(main)
