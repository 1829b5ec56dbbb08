"""`./script/deploy.sh` under faults (docs/reliability.md, faults 12 and 18), run for real.

The script runs as shipped, from a copy of the repository's layout in a temporary directory:
its own `script/deploy.sh`, the real virtualenv's Python (so the real feed server, started by
the script with the settings it gives it), a `script/setup.sh` that installs nothing, and a
stand-in for `.venv/bin/reflex` that migrates nothing and serves `200 OK` on the app's port
(building the real app takes a minute; what is under test is the script). Each start of the
stand-in is noted in a file, with its process id.

- Fault 12: the app is killed (SIGKILL): the script says so, starts it again, and the feed
  server it started goes on running, the same process, ready throughout.
- Fault 18: 110 tabs' feed connections made the way the app makes them (`TabSubscription`),
  all from the app's address, against the feed server the script started: every one is live,
  and the server refused none.
- Last, SIGTERM (what Ctrl-C does): the script stops both programs, and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from marketpulse.feed import FeedClientConfig, LinkState
from marketpulse.streaming.plan import FeedPlan
from marketpulse.streaming.subscription import TabSubscription
from tests.support.http import http_ok, http_text
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, wait_until

ROOT = Path(__file__).resolve().parents[2]
TABS = 110
"""More than `FEED_MAX_CONNECTIONS_PER_IP` (100)."""
STUB_REFLEX = """\
#!{python}
import http.server, os, sys

args = sys.argv[1:]
if args[:2] == ["db", "migrate"]:
    sys.exit(0)
with open(os.environ["STUB_APP_STARTS"], "a") as starts:
    starts.write(f"{{os.getpid()}}\\n")
port = int(args[args.index("--frontend-port") + 1])


class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


http.server.HTTPServer(("127.0.0.1", port), Ok).serve_forever()
"""
STUB_SETUP = """\
log() { printf '==> %s\\n' "$*" >&2; }
main() { :; }
"""


@dataclass
class Deployment:
    """deploy.sh running from `root`, with the ports it was given."""

    root: Path
    process: ManagedProcess
    feed_port: int
    app_port: int

    @property
    def feed_url(self) -> str:
        return f"http://{LOOPBACK}:{self.feed_port}"

    @property
    def app_url(self) -> str:
        return f"http://{LOOPBACK}:{self.app_port}/"

    def app_starts(self) -> list[int]:
        path = self.root / "app-starts"
        return [int(line) for line in path.read_text().split()] if path.exists() else []

    def feed_pid(self) -> int | None:
        """The process listening on the feed port."""
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == self.feed_port:
                return conn.pid
        return None


def layout(root: Path) -> None:
    """The repository's layout for deploy.sh, with the stand-ins described above."""
    (root / "script").mkdir()
    (root / "script" / "deploy.sh").write_text((ROOT / "script" / "deploy.sh").read_text())
    (root / "script" / "setup.sh").write_text(STUB_SETUP)
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    # A script, not a symlink: the virtualenv is found from the path Python is started by.
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (bin_dir / "reflex").write_text(STUB_REFLEX.format(python=sys.executable))
    for name in ("python", "reflex"):
        (bin_dir / name).chmod(0o755)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("deploy")
    layout(root)
    feed_port, app_port = free_port(), free_port()
    env = {
        **os.environ,
        "FEED_PORT": str(feed_port),
        "MARKETPULSE_PORT": str(app_port),
        "STUB_APP_STARTS": str(root / "app-starts"),
        "PYTHONPATH": str(ROOT),
    }
    for name in ("FEED_HOST", "MARKETPULSE_FEED_URL", "FEED_APP_ADDRESSES"):
        env.pop(name, None)
    process = ManagedProcess(
        ["bash", str(root / "script" / "deploy.sh"), "production"], env, root, name="deploy"
    )
    deployment = Deployment(root, process, feed_port, app_port)
    left: list[int] = []
    try:
        wait_until(lambda: "MarketPulse is running" in process.output(), 30, "deploy.sh to start")
        left = [pid for pid in (deployment.feed_pid(),) if pid is not None]
        yield deployment
    finally:
        left += deployment.app_starts()
        process.close()  # SIGTERM: the script stops what it started
        for pid in left:  # in case it could not
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.timeout(60)
def test_a_killed_app_is_restarted_and_the_feed_server_runs_on(deployed: Deployment) -> None:
    feed = deployed.feed_pid()
    [app] = deployed.app_starts()
    os.kill(app, signal.SIGKILL)

    wait_until(lambda: len(deployed.app_starts()) == 2, 20, "deploy.sh to start the app again")
    wait_until(lambda: http_ok(deployed.app_url, 1.0), 20, "the app to answer again")
    output = deployed.process.output()
    assert "the app exited (status 137)" in output
    assert deployed.process.alive(), f"deploy.sh ended:\n{output}"
    assert deployed.feed_pid() == feed, "the feed server was stopped or replaced"
    assert http_ok(f"{deployed.feed_url}/readyz")


@pytest.mark.timeout(90)
async def test_the_feed_it_starts_serves_more_than_a_hundred_app_tabs(
    deployed: Deployment,
) -> None:
    plan = FeedPlan("", ("AAPL", "MSFT"), 250)
    tabs = [
        TabSubscription(FeedClientConfig(), [deployed.feed_url], lambda _: "") for _ in range(TABS)
    ]
    for tab in tabs:
        tab.start(plan)

    async def streaming(tab: TabSubscription) -> None:
        """Sync the plan, as the tab's task does, until its prices flow."""
        while tab.client is None or "price:AAPL" not in tab.client.channels:
            await tab.next_events(0.2)
            tab.completed()
            tab.reconcile(plan)

    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(streaming(tab) for tab in tabs))
        assert all(tab.state is LinkState.LIVE for tab in tabs)
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))
    metrics = http_text(f"{deployed.feed_url}/metrics") or ""
    refused = [line for line in metrics.splitlines() if line.startswith("feed_refusals_total")]
    assert all(line.endswith(" 0.0") for line in refused), "\n".join(refused)


@pytest.mark.timeout(30)
def test_sigterm_stops_the_app_and_the_feed_server(deployed: Deployment) -> None:
    feed, app = deployed.feed_pid(), deployed.app_starts()[-1]
    assert feed is not None
    deployed.process.proc.send_signal(signal.SIGTERM)
    deployed.process.proc.wait(15)
    gone = [pid for pid in (feed, app) if not psutil.pid_exists(pid)]
    assert gone == [feed, app], "deploy.sh left a program running"
