"""Fault 18: how many of the app's tabs the feed serves, all connecting from the app's address.

    python -m benchmarks.faults.app_tabs [--tabs 110] [--seconds 60] [--env NAME=VALUE ...]

The real feed server (its settings: the defaults, plus each `--env`; deploy.sh starts it with
`FEED_APP_ADDRESSES='["127.0.0.1/32", "::1/128"]'`) and `--tabs` feed subscriptions made the
way the app makes one per browser tab (`TabSubscription`, the app's client settings, a guest
watching three symbols, the summary and the news), all from this host, as every tab's
connection comes from the app's server. They start together and run for `--seconds`; then the
figure: connections the server refused in that time (its `feed_refusals_total`, by code), and
how many tabs were live at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import re

from benchmarks.common import run_main
from marketpulse.feed import FeedClientConfig, LinkState
from marketpulse.streaming.plan import FeedPlan
from marketpulse.streaming.subscription import TabSubscription
from tests.support.feed_server import running_feed_server
from tests.support.http import http_text
from tests.support.processes import cleanup_on_exit

PLAN = FeedPlan("", ("AAPL", "MSFT", "NVDA"), 250)
REFUSALS = re.compile(r'^feed_refusals_total\{code="([a-z_]+)"\} ([0-9.e+]+)$', re.MULTILINE)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.faults.app_tabs", description=__doc__)
    p.add_argument("--tabs", type=int, default=110)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--env", action="append", default=[], help="a FEED_* setting, NAME=VALUE")
    return p.parse_args(argv)


def refusals(metrics: str) -> dict[str, int]:
    """Refused connections by code, from the server's /metrics text."""
    return {code: int(float(n)) for code, n in REFUSALS.findall(metrics) if float(n) > 0}


async def run_tabs(url: str, tabs: int, seconds: float) -> int:
    """Run the tabs (each syncing its plan, as a tab's task does); how many end live."""
    subscriptions = [TabSubscription(FeedClientConfig(), [url], lambda _: "") for _ in range(tabs)]

    async def tab(subscription: TabSubscription) -> None:
        subscription.start(PLAN)
        while True:
            await subscription.next_events(0.5)
            subscription.completed()
            subscription.reconcile(PLAN)

    tasks = [asyncio.create_task(tab(s)) for s in subscriptions]
    try:
        await asyncio.sleep(seconds)
        return sum(s.state is LinkState.LIVE for s in subscriptions)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(s.close() for s in subscriptions))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = dict(item.split("=", 1) for item in args.env)
    with cleanup_on_exit(), running_feed_server(**env) as server:
        live = asyncio.run(run_tabs(server.url, args.tabs, args.seconds))
        refused = refusals(http_text(f"{server.url}/metrics") or "")
    by_code = ", ".join(f"{n} {code}" for code, n in sorted(refused.items())) or "none"
    print(
        f"{args.tabs} tabs for {args.seconds:.0f} s: {sum(refused.values())} refusals "
        f"({by_code}); {live} of {args.tabs} tabs live at the end"
    )
    return 0


if __name__ == "__main__":
    run_main(main)
