"""One feed connection per tab, released with the tab; the indicator follows the feed's health."""

from __future__ import annotations

from collections.abc import Callable

import psutil
from playwright.sync_api import Page

from tests.browser.conftest import INDICATOR, AppServer, wait_live
from tests.support.processes import wait_until


def feed_connections(app_server: AppServer) -> int:
    """Established TCP connections from the app's processes to the feed server's port."""
    root = psutil.Process(app_server.process.pid)
    count = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            connections = proc.net_connections(kind="tcp")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        count += sum(
            1
            for conn in connections
            if conn.raddr
            and conn.raddr.port == app_server.feed.port
            and conn.status == psutil.CONN_ESTABLISHED
        )
    return count


def wait_connections(app_server: AppServer, expected: int) -> None:
    wait_until(
        lambda: feed_connections(app_server) == expected,
        10,
        f"{expected} feed connection(s) from the app (have {feed_connections(app_server)})",
    )


def test_one_feed_task_per_tab_released_on_reload_and_close(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    # Earlier tests' tabs are closed, but the app may still be noticing: start from none.
    baseline = 0
    wait_connections(app_server, baseline)
    first = new_page()
    first.goto(app_server.url)
    wait_live(first)
    wait_connections(app_server, baseline + 1)

    for _ in range(2):
        first.reload()
        wait_live(first)
    wait_connections(app_server, baseline + 1)

    second = new_page()
    second.goto(app_server.url)
    wait_live(second)
    wait_connections(app_server, baseline + 2)

    second.close()
    wait_connections(app_server, baseline + 1)
    first.close()
    wait_connections(app_server, baseline)


RECORD_STATES_JS = """() => {
    const indicator = () => document.querySelector('[data-testid="connection-indicator"]');
    window.__feedStates = [indicator().dataset.state];
    window.__sameDocument = true;
    new MutationObserver(() => {
        const state = indicator()?.dataset.state;
        if (state && window.__feedStates.at(-1) !== state) window.__feedStates.push(state);
    }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ["data-state"]});
}"""


def is_subsequence(wanted: list[str], seen: list[str]) -> bool:
    remaining = iter(seen)
    return all(state in remaining for state in wanted)


def test_indicator_walks_live_reconnecting_live_when_the_feed_is_killed_and_restarted(
    live_page: Page, app_server: AppServer
) -> None:
    live_page.evaluate(RECORD_STATES_JS)
    app_server.feed.kill()  # SIGKILL: no goodbye, the socket just dies
    try:
        live_page.wait_for_selector(f'{INDICATOR}[data-state="reconnecting"]', timeout=10_000)
    finally:
        app_server.feed.restart()
    wait_live(live_page, timeout_ms=30_000)
    before = live_page.inner_text('[data-symbol="AAPL"] [data-field="last"]')
    live_page.wait_for_function(
        f"""() => document.querySelector('[data-symbol="AAPL"] [data-field="last"]')
            .innerText !== {before!r}""",
        timeout=10_000,
    )
    states = live_page.evaluate("() => window.__feedStates")
    assert states[0] == "live" and states[-1] == "live", states
    assert is_subsequence(["live", "reconnecting", "live"], states), states
    assert set(states) <= {"live", "reconnecting", "connecting"}, states
    assert live_page.evaluate("() => window.__sameDocument") is True  # no page reload
    app_link = live_page.get_attribute('[data-testid="app-link-indicator"]', "data-state")
    assert app_link == "live"  # the browser <-> app leg never dropped
