"""One feed connection per tab, released with the tab; both legs of the connection indicator
follow the link's health: the feed leg through a killed and restarted feed server (with the
attempt count and the retry countdown in the details popover), the app leg through a dropped
browser socket (the browser context goes offline)."""

from __future__ import annotations

import re
from collections.abc import Callable

import psutil
from playwright.sync_api import Browser, Page

from tests.browser.conftest import DESKTOP, INDICATOR, AppServer, wait_live
from tests.browser.helpers import is_subsequence, wait_price_live
from tests.support.feed_server import FeedServerProcess
from tests.support.processes import wait_until


def feed_connections(app_server: AppServer, feed: FeedServerProcess) -> int:
    """Established TCP connections from the app's processes to the feed server's port."""
    count = 0
    for proc in app_server.processes():
        try:
            connections = proc.net_connections(kind="tcp")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        count += sum(
            1
            for conn in connections
            if conn.raddr
            and conn.raddr.port == feed.port
            and conn.status == psutil.CONN_ESTABLISHED
        )
    return count


def wait_connections(app_server: AppServer, feed: FeedServerProcess, expected: int) -> None:
    wait_until(
        lambda: feed_connections(app_server, feed) == expected,
        10,
        f"{expected} feed connection(s) from the app (have {feed_connections(app_server, feed)})",
    )


def test_one_feed_task_per_tab_released_on_reload_and_close(
    new_page: Callable[..., Page], app_server: AppServer, feed_server: FeedServerProcess
) -> None:
    # Earlier tests' tabs are closed, but the app may still be noticing: start from none.
    baseline = 0
    wait_connections(app_server, feed_server, baseline)
    first = new_page()
    first.goto(app_server.url)
    wait_live(first)
    wait_connections(app_server, feed_server, baseline + 1)

    for _ in range(2):
        first.reload()
        wait_live(first)
    wait_connections(app_server, feed_server, baseline + 1)

    second = new_page()
    second.goto(app_server.url)
    wait_live(second)
    wait_connections(app_server, feed_server, baseline + 2)

    second.close()
    wait_connections(app_server, feed_server, baseline + 1)
    first.close()
    wait_connections(app_server, feed_server, baseline)


RECORD_STATES_JS = """() => {
    const indicator = () => document.querySelector('[data-testid="connection-indicator"]');
    window.__feedStates = [indicator().dataset.state];
    window.__sameDocument = true;
    new MutationObserver(() => {
        const state = indicator()?.dataset.state;
        if (state && window.__feedStates.at(-1) !== state) window.__feedStates.push(state);
    }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ["data-state"]});
}"""


RECORD_ATTEMPTS_JS = """() => {
    window.__attempts = [];
    new MutationObserver(() => {
        const text = document.querySelector('[data-testid="link-attempt"]')?.innerText;
        if (text && window.__attempts.at(-1) !== text) window.__attempts.push(text);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
ATTEMPT = r"^(\d+)(?: · (retry in \d+ s|retrying…))?$"
"""The attempt's number, and the countdown to it while it is not under way yet."""


def test_indicator_walks_live_reconnecting_live_when_the_feed_is_killed_and_restarted(
    live_page: Page, feed_server: FeedServerProcess
) -> None:
    live_page.evaluate(RECORD_STATES_JS)
    live_page.evaluate(RECORD_ATTEMPTS_JS)
    live_page.click('[data-testid="link-details"]')
    live_page.wait_for_selector('[data-testid="link-state"]:text-is("live")')
    feed_server.kill()  # SIGKILL: no goodbye, the socket just dies
    try:
        live_page.wait_for_selector(f'{INDICATOR}[data-state="reconnecting"]', timeout=10_000)
        # The details count the attempts and count down to the next one, in the browser.
        live_page.wait_for_function(
            f"""() => {{
                const seen = window.__attempts.map((text) => text.match(/{ATTEMPT}/));
                return seen.some((m) => m && Number(m[1]) >= 2)
                    && seen.some((m) => m && m[2]?.startsWith("retry in"));
            }}""",
            timeout=15_000,
        )
    finally:
        feed_server.restart()
    wait_live(live_page, timeout_ms=30_000)
    live_page.wait_for_selector('[data-testid="link-state"]:text-is("live")')
    assert live_page.locator('[data-testid="link-attempt"]').count() == 0
    live_page.keyboard.press("Escape")
    before = live_page.inner_text('[data-symbol="AAPL"] [data-field="last"]')
    live_page.wait_for_function(
        f"""() => document.querySelector('[data-symbol="AAPL"] [data-field="last"]')
            .innerText !== {before!r}""",
        timeout=10_000,
    )
    attempts = live_page.evaluate("() => window.__attempts")
    assert all(re.match(ATTEMPT, text) for text in attempts), attempts
    numbers = [int(text.split(" ")[0]) for text in attempts]
    assert numbers == sorted(numbers), attempts  # attempts only count up while it is down
    states = live_page.evaluate("() => window.__feedStates")
    assert states[0] == "live" and states[-1] == "live", states
    assert is_subsequence(["live", "reconnecting", "live"], states), states
    # Down for a few attempts, the client may fall back to HTTP polling meanwhile.
    assert set(states) <= {"live", "reconnecting", "connecting", "polling"}, states
    assert live_page.evaluate("() => window.__sameDocument") is True  # no page reload
    app_link = live_page.get_attribute('[data-testid="app-link-indicator"]', "data-state")
    assert app_link == "live"  # the browser <-> app leg never dropped


RECORD_APP_LINK_JS = """() => {
    const indicator = () => document.querySelector('[data-testid="app-link-indicator"]');
    window.__appStates = [indicator().dataset.state];
    window.__sameDocument = true;
    new MutationObserver(() => {
        const state = indicator()?.dataset.state;
        if (state && window.__appStates.at(-1) !== state) window.__appStates.push(state);
    }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ["data-state"]});
}"""
APP_LINK = '[data-testid="app-link-indicator"]'


def test_app_link_indicator_follows_a_dropped_browser_socket(
    browser: Browser, app_server: AppServer
) -> None:
    # A context of its own, not `new_page`: going offline makes Chromium log the failed
    # reconnection attempts, which is what this test wants. It checks its own console instead.
    context = browser.new_context(viewport=DESKTOP)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
        page.goto(app_server.url)
        wait_live(page)
        page.evaluate(RECORD_APP_LINK_JS)
        context.set_offline(True)
        try:
            page.wait_for_selector(f'{APP_LINK}[data-state="reconnecting"]', timeout=15_000)
            assert "Reconnecting" in page.inner_text(APP_LINK)
        finally:
            context.set_offline(False)
        page.wait_for_selector(f'{APP_LINK}[data-state="live"]', timeout=30_000)
        wait_live(page, timeout_ms=30_000)  # the app started a new feed task for the tab
        wait_price_live(page, "AAPL")
        states = page.evaluate("() => window.__appStates")
        assert states[0] == "live" and states[-1] == "live", states
        assert is_subsequence(["live", "reconnecting", "live"], states), states
        assert page.evaluate("() => window.__sameDocument") is True  # no page reload
    finally:
        context.close()
    unexpected = [p for p in problems if "net::ERR_INTERNET_DISCONNECTED" not in p]
    assert unexpected == [], unexpected
