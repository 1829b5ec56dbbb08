"""Widgets say how fresh their data is: live, then delayed, then stale when the feed server
hangs (SIGSTOP: its sockets stay open and silent), and live again once it runs (SIGCONT).

The levels are computed in the browser every second from the age of the newest data, so they
move with nothing sent by the server. A MutationObserver records each widget's levels in order.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page

from tests.browser.conftest import wait_all_rows_filled
from tests.browser.helpers import is_subsequence, wait_price_live
from tests.support.feed_server import FeedServerProcess

WATCHLIST = '[data-widget="watchlist"]'
"""Delayed 3 s after its last quote, stale after 15 s (the dashboard's thresholds)."""

RECORD_LEVELS_JS = """() => {
    const levels = (window.__levels = {});
    const look = () => {
        for (const section of document.querySelectorAll("section[data-widget]")) {
            const seen = (levels[section.dataset.widget] ??= []);
            if (seen.at(-1) !== section.dataset.freshness) seen.push(section.dataset.freshness);
        }
    };
    look();
    new MutationObserver(look).observe(document.body, {
        subtree: true, attributes: true, attributeFilter: ["data-freshness"],
    });
}"""


def wait_level(page: Page, selector: str, level: str, timeout_ms: float) -> None:
    page.wait_for_selector(f'{selector}[data-freshness="{level}"]', timeout=timeout_ms)


def badge_text(page: Page, widget: str) -> str:
    return page.inner_text(f'[data-widget="{widget}"] .mp-fresh-badge')


def test_widgets_go_delayed_then_stale_while_the_feed_hangs_and_live_after(
    live_page: Page, feed_server: FeedServerProcess
) -> None:
    page = live_page
    wait_all_rows_filled(page)
    for widget in ("chart", "watchlist", "movers"):
        wait_level(page, f'[data-widget="{widget}"]', "live", 10_000)
    page.evaluate(RECORD_LEVELS_JS)

    with feed_server.frozen():
        wait_level(page, WATCHLIST, "delayed", 10_000)
        assert badge_text(page, "watchlist").startswith("Delayed · updated")
        wait_level(page, WATCHLIST, "stale", 20_000)
        assert badge_text(page, "watchlist").startswith("Stale · updated")
        wait_level(page, '[data-widget="movers"]', "stale", 5_000)

    wait_level(page, WATCHLIST, "live", 30_000)
    wait_price_live(page, "AAPL")
    for widget in ("chart", "movers"):
        wait_level(page, f'[data-widget="{widget}"]', "live", 10_000)
    assert badge_text(page, "watchlist") == "Live"

    levels = page.evaluate("() => window.__levels")
    for widget in ("watchlist", "movers"):
        seen = levels[widget]
        assert seen[0] == "live" and seen[-1] == "live", json.dumps(levels)
        assert is_subsequence(["live", "delayed", "stale", "live"], seen), json.dumps(levels)
