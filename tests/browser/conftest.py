"""Browser suite fixtures: the real feed server, the app in production mode, and Chromium.

Once per session: an Ed25519 key pair in a temporary directory (the app signs feed tokens with
the private key, the feed server verifies them with the public one), a feed server
(`tests.support.feed_server`), the app's database in a temporary directory migrated with
`reflex db migrate`, the app built and served by `reflex run --env prod` on one free port
(frontend and backend share it in 0.10) pointed at that feed, and one headless Chromium.
Every page opened through the `new_page` fixture reports its console errors and warnings, page
errors and failed requests into `console_problems`, which `test_console.py` asserts empty at
the end of the session (it is ordered last, see below).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from realtime_server.security.keys import write_keypair
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.ports import free_port
from tests.support.processes import ManagedProcess, http_ok, wait_until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REFLEX_ENV = {
    "REFLEX_USE_SYSTEM_BUN": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "0",
}
APP_START_TIMEOUT_S = float(os.environ.get("MARKETPULSE_TEST_APP_TIMEOUT", "240"))
DESKTOP = {"width": 1440, "height": 900}
MOBILE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are marked `browser`; the console check runs last among them."""
    here = Path(__file__).parent
    positions = [i for i, item in enumerate(items) if Path(str(item.path)).is_relative_to(here)]
    ours = [items[i] for i in positions]
    ours.sort(key=lambda item: item.name == "test_no_console_problems_in_session")
    for i, item in zip(positions, ours, strict=True):
        item.add_marker(pytest.mark.browser)
        items[i] = item


@dataclass
class AppFiles:
    """The app's private files for this session: signing keys and database, in a temp dir."""

    root: Path

    @property
    def private_key(self) -> Path:
        return self.root / "keys" / "feed_ed25519.pem"

    @property
    def public_key(self) -> Path:
        return self.root / "keys" / "feed_ed25519.pub.pem"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.root / 'marketpulse.db'}"


@dataclass
class AppServer:
    """The compiled app served by `reflex run --env prod`."""

    process: ManagedProcess
    port: int
    feed: FeedServerProcess
    startup_s: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def app_env(feed: FeedServerProcess, files: AppFiles) -> dict[str, str]:
    """The app's environment: Reflex's switches, the feed, the keys and the database."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Reflex changes behaviour under pytest; the app process is not a test.
        if key not in {"PYTEST_CURRENT_TEST", "PYTEST_VERSION"}
    }
    env.update(REFLEX_ENV)
    env.update(
        MARKETPULSE_FEED_URL=feed.url,
        MARKETPULSE_JWT_PRIVATE_KEY_FILE=str(files.private_key),
        MARKETPULSE_DB_URL=files.db_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def migrate_database(env: dict[str, str]) -> None:
    """`reflex db migrate`: create the app's tables (what deploy.sh runs before the app)."""
    done = subprocess.run(
        [sys.executable, "-m", "reflex", "db", "migrate"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"reflex db migrate failed:\n{done.stdout}\n{done.stderr}")


def start_app(feed: FeedServerProcess, files: AppFiles) -> AppServer:
    """Migrate the database, then build and serve the app in production mode on a free port."""
    port = free_port()
    env = app_env(feed, files)
    started = time.monotonic()
    migrate_database(env)
    args = [sys.executable, "-m", "reflex", "run", "--env", "prod"]
    args += ["--frontend-port", str(port), "--backend-host", "127.0.0.1", "--loglevel", "info"]
    process = ManagedProcess(args, env, ROOT, name="marketpulse-app")
    app = AppServer(process=process, port=port, feed=feed)

    def ready() -> bool:
        if not process.alive():
            raise RuntimeError(f"the app exited early:\n{process.output()}")
        return http_ok(app.url) and http_ok(f"http://127.0.0.1:{port}/ping")

    try:
        wait_until(ready, APP_START_TIMEOUT_S, "the app to build and serve", interval=0.25)
    except BaseException:
        output = process.output()
        process.close()
        raise RuntimeError(f"the app did not come up; output:\n{output}") from None
    app.startup_s = time.monotonic() - started
    return app


@pytest.fixture(scope="session")
def app_files() -> Iterator[AppFiles]:
    """A fresh key pair (what `python -m realtime_server keygen` writes) and database home."""
    files = AppFiles(Path(tempfile.mkdtemp(prefix="marketpulse-app-")))
    write_keypair(files.private_key.parent)
    try:
        yield files
    finally:
        shutil.rmtree(files.root, ignore_errors=True)


@pytest.fixture(scope="session")
def feed_server(app_files: AppFiles) -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_JWT_PUBLIC_KEY_FILE=str(app_files.public_key)) as server:
        yield server


@pytest.fixture(scope="session")
def app_server(feed_server: FeedServerProcess, app_files: AppFiles) -> Iterator[AppServer]:
    app = start_app(feed_server, app_files)
    print(f"\n[browser] app built and serving in {app.startup_s:.1f}s at {app.url}")
    try:
        yield app
    finally:
        app.process.close()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope, not session: sync Playwright keeps an event loop running in this thread
    # while it is open, which would break the asyncio tests of suites collected after this one.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class ConsoleProblems:
    """Console errors/warnings, page errors and failed requests seen by any page."""

    entries: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self._add(f"pageerror: {error}"))
        page.on(
            "requestfailed",
            lambda request: self._add(f"requestfailed: {request.url} ({request.failure})"),
        )
        page.on(
            "response",
            lambda response: (
                self._add(f"http {response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning", "assert"}:
            self._add(f"console.{message.type}: {message.text} @ {message.location}")

    def _add(self, problem: str) -> None:
        # Name the test that was running: the check reports at the end of the session.
        test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
        self.entries.append(f"{problem} [in {test}]")


@pytest.fixture(scope="session")
def console_problems() -> ConsoleProblems:
    return ConsoleProblems()


@pytest.fixture
def new_page(
    browser: Browser, app_server: AppServer, console_problems: ConsoleProblems
) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts (own session storage, so own Reflex token)."""
    contexts: list[BrowserContext] = []

    def factory(viewport: dict[str, int] | None = None, **context_args: object) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, **context_args)
        contexts.append(context)
        page = context.new_page()
        console_problems.watch(page)
        return page

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def live_page(new_page: Callable[..., Page], app_server: AppServer) -> Page:
    """The dashboard, loaded, with its feed link live."""
    page = new_page()
    page.goto(app_server.url)
    wait_live(page)
    return page


INDICATOR = '[data-testid="connection-indicator"]'
CHART = '[data-testid="live-chart"]'


def wait_live(page: Page, timeout_ms: float = 15_000) -> None:
    """The dashboard's feed link is live, and the chart's module (loaded lazily, in the browser
    only) is in: leaving the page before that aborts its request, a console problem."""
    page.wait_for_selector(f'{INDICATOR}[data-state="live"]', timeout=timeout_ms)
    folded = '[data-testid="fold-chart"][aria-expanded="false"]'
    page.wait_for_selector(f"{CHART}, {folded}", state="attached", timeout=timeout_ms)


def wait_all_rows_filled(page: Page, timeout_ms: float = 10_000) -> None:
    """Every watchlist row shows a value from the feed (its `data-ts` is set)."""
    page.wait_for_function(
        """() => {
            const cells = [...document.querySelectorAll('[data-symbol] [data-field="last"]')];
            return cells.length > 0 && cells.every((c) => Number(c.dataset.ts) > 0);
        }""",
        timeout=timeout_ms,
    )
