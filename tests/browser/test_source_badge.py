"""The header says which market it shows, on every page: the source badge and the session for
the simulator, a replay of real history and a (fake) live exchange, and what a user sees when
that exchange goes away.

The simulator is the session's feed server as it is. For the others the same feed server is
started again, on its port, with the other source's settings (`other_source`), so the
session's app build serves them all (building another app would rebuild the shared `.web`
under the session's app); it is always put back as it was. While it runs them, the README's
pictures of a replay and of a live source are taken (`dashboard-replay.png`,
`dashboard-live.png`, in `test_screenshots.py`'s folder), and the page is checked for sideways
scrolling at 375 px, where the badge's words are longest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import MOBILE, AppServer, wait_live
from tests.browser.helpers import (
    last_cell,
    other_source,
    wait_chart_drawn,
    wait_dashboard_filled,
    wait_price_live,
    wait_symbols,
)
from tests.browser.test_screenshots import screenshot_dir  # noqa: F401 - the fixture
from tests.support.fake_exchange import FakeCoinbase
from tests.support.feed_server import FeedServerProcess

BADGE = '[data-testid="source-badge"]'
LABEL = '[data-testid="source-label"]'
SESSION = '[data-testid="source-session"]'


def badge_kind(page: Page, kind: str, timeout_ms: float = 15_000) -> None:
    page.wait_for_selector(f'{BADGE}[data-kind="{kind}"][data-state="ok"]', timeout=timeout_ms)


def picture(page: Page, folder: Path, name: str) -> None:
    """The dashboard as it is now, at 1440 px (the README's picture of this source)."""
    wait_chart_drawn(page)
    image = page.screenshot(animations="disabled")
    assert len(image) > 10_000
    (folder / name).write_bytes(image)


def no_sideways_scroll_at_375(page: Page) -> None:
    """At 375 px the page fits its width, once the chart has followed its box."""
    page.set_viewport_size(MOBILE)
    overflow = "() => document.documentElement.scrollWidth - window.innerWidth"
    try:
        page.wait_for_function(f"() => ({overflow})() <= 0", timeout=5_000)
    except PlaywrightTimeoutError:
        raise AssertionError(f"the page scrolls sideways by {page.evaluate(overflow)}px") from None


def test_the_simulator_says_it_is_simulated_on_every_page_and_marks_its_headlines(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    page.goto(app_server.url)
    wait_live(page)
    badge_kind(page, "simulated")
    assert page.inner_text(LABEL) == "Simulated market"
    assert page.inner_text(SESSION) == "Open 24/7"
    assert page.locator('[data-testid="source-trouble"]').count() == 0
    page.wait_for_selector('[data-testid="news-list"] [data-testid="news-generated"]')
    marks = page.locator('[data-testid="news-list"] .mp-news-item')
    assert marks.count() == page.locator('[data-testid="news-generated"]').count()

    fresh = new_page()  # a page without a feed task, opened on its own
    fresh.goto(app_server.url + "login")
    badge_kind(fresh, "simulated")
    assert fresh.inner_text(LABEL) == "Simulated market"


REPLAY_LABEL = re.compile(r"^Replay · \d{1,2} [A-Z][a-z]{2} \d{4} · \N{MULTIPLICATION SIGN}60$")
SESSIONS = re.compile(
    r"^(Market open · closes in .+|Pre-market · opens in .+|After hours|Market closed.*)$"
)
CLOCK = '[data-testid="source-clock"]'


def test_a_replay_shows_its_replayed_day_and_its_clock_ticking(
    new_page: Callable[..., Page],
    app_server: AppServer,
    feed_server: FeedServerProcess,
    screenshot_dir: Path,  # noqa: F811 - the fixture imported above
) -> None:
    with other_source(feed_server, FEED_SOURCE="replay"):
        page = new_page()
        page.goto(app_server.url)
        wait_live(page)
        badge_kind(page, "replay")
        assert REPLAY_LABEL.match(page.inner_text(LABEL)), page.inner_text(LABEL)
        assert SESSIONS.match(page.inner_text(SESSION)), page.inner_text(SESSION)
        first = page.get_attribute(CLOCK, "datetime")
        assert first is not None and first < "2026"  # the replayed past, not today
        assert re.fullmatch(r"\d\d:\d\d ET", page.inner_text(CLOCK))
        page.wait_for_function(  # a replayed minute per second at x60
            f"""() => document.querySelector({json.dumps(CLOCK)})?.dateTime
                > {json.dumps(first)}""",
            timeout=5_000,
        )
        # Quotes are stamped on the replayed clock, and aged on it: a row's dot is live.
        wait_price_live(page, "AAPL")
        page.wait_for_selector('[data-symbol="AAPL"] .mp-fresh-dot[data-freshness="live"]')
        wait_dashboard_filled(page)
        picture(page, screenshot_dir, "dashboard-replay.png")
        no_sideways_scroll_at_375(page)


PRODUCTS = ["BTC-USD", "ETH-USD", "XRP-USD"]
"""Coinbase quotes BTC and ETH in cents and XRP in four places (its tick sizes)."""
FAST_EXCHANGE = {
    "FEED_EXCHANGE_IDLE_S": "0.6",
    "FEED_EXCHANGE_BACKOFF_S": "0.1",
    "FEED_EXCHANGE_BACKOFF_MAX_S": "0.3",
}
"""A silent exchange is dead after 0.6 s; reconnects wait at most 0.3 s."""
ALL_STALE_JS = """() => {
    const widgets = [...document.querySelectorAll("section[data-widget]")];
    return widgets.length > 0 && widgets.every((w) => w.dataset.freshness === "stale");
}"""
TROUBLE = '[data-testid="source-trouble"]'
CHART_LABEL = '[data-widget="chart"] .mp-fresh-title'
ANNOUNCER = '[data-testid="source-announcer"]'


def test_a_live_exchange_is_named_has_no_news_and_its_outage_stales_every_widget(
    new_page: Callable[..., Page],
    app_server: AppServer,
    feed_server: FeedServerProcess,
    screenshot_dir: Path,  # noqa: F811 - the fixture imported above
) -> None:
    fake = FakeCoinbase(PRODUCTS).start()
    closed = False
    try:
        with other_source(
            feed_server,
            FEED_SOURCE="coinbase",
            FEED_EXCHANGE_URL=fake.url,
            FEED_EXCHANGE_SYMBOLS=json.dumps(PRODUCTS),
            **FAST_EXCHANGE,
        ):
            page = new_page()
            page.goto(app_server.url)
            wait_live(page)
            badge_kind(page, "live")
            assert page.inner_text(LABEL) == "Live · Coinbase"
            assert page.inner_text(SESSION) == "Open 24/7"
            no_news = page.locator('[data-testid="news-no-source"]')
            assert no_news.inner_text() == "No news source for this market"
            assert page.locator('[data-testid="news-list"]').count() == 0
            # The built-in watchlist is of another market: the tab starts from the catalog's.
            wait_symbols(page, PRODUCTS)
            page.wait_for_selector(f'{CHART_LABEL}:has-text("BTC-USD")')
            wait_price_live(page, "BTC-USD")
            page.wait_for_selector(f'{last_cell("XRP-USD")}:not([data-ts="0"])')
            prices = {p: page.inner_text(last_cell(p)) for p in PRODUCTS}
            places = {p: len(text.partition(".")[2]) for p, text in prices.items()}
            assert places == {"BTC-USD": 2, "ETH-USD": 2, "XRP-USD": 4}, prices
            page.wait_for_selector('[data-widget="watchlist"][data-freshness="live"]')
            picture(page, screenshot_dir, "dashboard-live.png")

            fake.go_silent()  # the exchange stops talking: the feed calls it dead
            page.wait_for_selector(f'{BADGE}[data-state="retrying"]', timeout=10_000)
            assert page.inner_text(TROUBLE).startswith("Coinbase ")
            page.wait_for_function(ALL_STALE_JS, timeout=5_000)
            page.wait_for_function(
                f"""() => document.querySelector({json.dumps(ANNOUNCER)})
                    .textContent.startsWith("Market data source down: Coinbase")""",
                timeout=5_000,
            )

            fake.resume()
            badge_kind(page, "live")
            page.wait_for_selector(f"{ANNOUNCER}:has-text('Market data source back')")
            page.wait_for_selector('[data-widget="watchlist"][data-freshness="live"]')

            fake.close()  # gone: every attempt is refused, each retry counted down
            closed = True
            page.wait_for_selector(f"{TROUBLE}:has-text('Coinbase unreachable')", timeout=10_000)
            retry = page.inner_text(f'{TROUBLE} [data-testid="source-retry"]', timeout=5_000)
            assert re.fullmatch(r"retrying (in \d+ s|now)", retry), retry
            page.wait_for_function(ALL_STALE_JS, timeout=5_000)
            no_sideways_scroll_at_375(page)
    finally:
        if not closed:
            fake.close()
