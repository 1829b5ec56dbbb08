"""Browser suite fixtures: the real feed server, the app in production mode, and Chromium.

Once per session: the app's signing keys and database (`tests.support.app_server.AppFiles`), a
feed server verifying the app's tokens (`tests.support.feed_server`), the app built and served
by `reflex run --env prod` on one free port pointed at that feed (`start_app`), and one
headless Chromium (`tests.support.chromium`).
Every page opened through the `new_page` fixture reports its console errors and warnings, page
errors and failed requests into `console_problems`, which `test_console.py` asserts empty at
the end of the session (it is ordered last, see below).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.support.app_server import AppFiles, AppServer, start_app
from tests.support.chromium import launch
from tests.support.feed_server import FeedServerProcess, running_feed_server

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture(scope="session")
def app_files() -> Iterator[AppFiles]:
    files = AppFiles.create()
    try:
        yield files
    finally:
        files.remove()


@pytest.fixture(scope="session")
def feed_server(app_files: AppFiles) -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_JWT_PUBLIC_KEY_FILE=str(app_files.public_key)) as server:
        yield server


@pytest.fixture(scope="session")
def app_server(feed_server: FeedServerProcess, app_files: AppFiles) -> Iterator[AppServer]:
    app = start_app(feed_server.url, app_files)
    print(f"\n[browser] app built and serving in {app.startup_s:.1f}s at {app.url}")
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope, not session: sync Playwright keeps an event loop running in this thread
    # while it is open, which would break the asyncio tests of suites collected after this one.
    with sync_playwright() as playwright:
        chromium = launch(playwright)
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
