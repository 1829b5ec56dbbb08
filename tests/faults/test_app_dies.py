"""When the Reflex app dies (docs/reliability.md, fault 12): the tab's badges follow the app link.

The production app is built and served against the real feed server, a dashboard tab opens in
real Chromium and goes live; then the app's processes are killed (SIGKILL, as an OOM kill or a
crash would). The page stays open, but nothing reaches it any more: its feed badge must stop
saying Live within seconds (it says the tab is reconnecting, beside the app leg's badge), the
link gauge must drop to no connection, and no widget may claim live data.

Run under the browser lock (it builds the app in the shared `.web`):
    flock /tmp/marketpulse-browser.lock .venv/bin/python -m pytest tests/faults/test_app_dies.py
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.support.app_server import AppFiles, start_app
from tests.support.chromium import launch
from tests.support.feed_server import FeedServerProcess, running_feed_server

FEED_BADGE = '[data-testid="connection-indicator"]'
APP_BADGE = '[data-testid="app-link-indicator"]'
FOLLOW_MS = 5_000
"""How soon after the app dies the badges must say so."""


@pytest.fixture
def app_files() -> Iterator[AppFiles]:
    files = AppFiles.create()
    try:
        yield files
    finally:
        files.remove()


@pytest.fixture
def feed_server(app_files: AppFiles) -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_JWT_PUBLIC_KEY_FILE=str(app_files.public_key)) as server:
        yield server


@pytest.mark.timeout(420)
def test_the_feed_badge_stops_saying_live_when_the_app_dies(
    feed_server: FeedServerProcess, app_files: AppFiles
) -> None:
    app = start_app(feed_server.url, app_files)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_page()
                page.goto(app.url)
                page.wait_for_selector(f'{FEED_BADGE}[data-state="live"]', timeout=30_000)
                page.wait_for_selector('[data-freshness="live"]', timeout=15_000)

                app.process.kill()

                page.wait_for_selector(f'{APP_BADGE}[data-state="reconnecting"]', timeout=FOLLOW_MS)
                page.wait_for_function(
                    """(badge) => {
                        const feed = document.querySelector(badge);
                        const gauge = document.querySelector('[data-testid="link-details"]');
                        return feed.dataset.state !== "live" && gauge.dataset.quality === "0"
                            && !document.querySelector('[data-freshness="live"]');
                    }""",
                    arg=FEED_BADGE,
                    timeout=FOLLOW_MS,
                )
                assert page.get_attribute(FEED_BADGE, "data-state") == "reconnecting"
                assert "Live" not in page.inner_text(FEED_BADGE)
            finally:
                browser.close()
    finally:
        app.stop()
