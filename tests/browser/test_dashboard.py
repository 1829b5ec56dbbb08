"""The dashboard in real Chromium against the production build and the real feed server.

These checks only read the page, so they share one live dashboard (a page load costs seconds).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST
from tests.browser.conftest import (
    DESKTOP,
    INDICATOR,
    AppServer,
    ConsoleProblems,
    wait_all_rows_filled,
    wait_live,
)

LAST_VALUES_JS = """() => Object.fromEntries(
    [...document.querySelectorAll('[data-symbol]')].map((row) => [
        row.dataset.symbol,
        row.querySelector('[data-field="last"]').innerText,
    ])
)"""


@pytest.fixture(scope="module")
def live_page(
    browser: Browser, app_server: AppServer, console_problems: ConsoleProblems
) -> Iterator[Page]:
    """One live dashboard for the whole module (it overrides the per-test `live_page`)."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        console_problems.watch(page)
        page.goto(app_server.url)
        wait_live(page)
        yield page
    finally:
        context.close()


def test_page_loads_with_header_indicator_and_watchlist(live_page: Page) -> None:
    assert live_page.title() == "MarketPulse"
    assert live_page.get_by_role("heading", level=1).inner_text() == "MarketPulse"
    symbols = live_page.eval_on_selector_all(
        "[data-symbol]", "(rows) => rows.map((row) => row.dataset.symbol)"
    )
    assert symbols == list(DEFAULT_WATCHLIST)
    aapl = live_page.locator('[data-symbol="AAPL"]')
    assert "Apple Inc." in aapl.inner_text()
    assert live_page.locator('[data-field="last"]').count() == len(DEFAULT_WATCHLIST)


def test_connection_indicator_reaches_live(live_page: Page) -> None:
    indicator = live_page.locator(INDICATOR)
    assert indicator.get_attribute("data-state") == "live"
    assert indicator.get_attribute("role") == "status"
    assert "Live" in indicator.inner_text()


def test_a_price_changes_within_5_seconds(live_page: Page) -> None:
    wait_all_rows_filled(live_page)
    before = live_page.evaluate(LAST_VALUES_JS)
    live_page.wait_for_function(
        f"""() => {{
            const before = {before!r};
            return [...document.querySelectorAll('[data-symbol]')].some((row) =>
                row.querySelector('[data-field="last"]').innerText !== before[row.dataset.symbol]);
        }}""",
        timeout=5_000,
    )


def test_price_cells_carry_the_source_timestamp(live_page: Page) -> None:
    wait_all_rows_filled(live_page)
    stamps = live_page.eval_on_selector_all(
        '[data-field="last"]', "(cells) => cells.map((cell) => Number(cell.dataset.ts))"
    )
    now_ms = time.time() * 1000
    assert all(abs(now_ms - ts) < 60_000 for ts in stamps), stamps


def test_changes_show_arrow_and_sign_beside_colour(live_page: Page) -> None:
    wait_all_rows_filled(live_page)
    changes = live_page.eval_on_selector_all(
        ".mp-col-change:not(th)", "(cells) => cells.map((cell) => cell.innerText.trim())"
    )
    for text in changes:
        assert text == "0.00" or text.startswith(("▲ +", "▼ \N{MINUS SIGN}")), text


def test_price_grid_is_not_a_live_region(live_page: Page) -> None:
    grid_live = live_page.eval_on_selector(
        "table", "(table) => table.closest('[aria-live]')?.getAttribute('aria-live')"
    )
    assert grid_live == "off"
    assert live_page.get_by_role("region", name="Watchlist").locator("table").count() == 1
    assert live_page.locator("[data-symbol] [aria-live]:not([aria-live='off'])").count() == 0
