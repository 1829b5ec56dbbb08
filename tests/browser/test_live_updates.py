"""What holds live updates back, and how the page catches up: the pause button (WCAG 2.2.2), a
hidden tab, and folded widgets.

Whether the feed is still flowing meanwhile is read from something that keeps updating: a
second tab (its own browser context) for the hidden one, the watchlist for a folded widget.
Tab visibility is simulated the way Chromium headless allows it: `document.visibilityState`
is overridden in the page and a `visibilitychange` event dispatched (headless pages are never
hidden otherwise, not even behind another page). A folded widget renders nothing, so that it is
sent nothing is read from the Reflex websocket's frames.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from playwright.sync_api import Page, WebSocket

from tests.browser.conftest import CHART, AppServer, wait_all_rows_filled, wait_live
from tests.browser.helpers import last_cell, wait_chart_drawn

SET_VISIBILITY_JS = """(hidden) => {
    Object.defineProperty(document, "visibilityState", {
        configurable: true, get: () => (hidden ? "hidden" : "visible"),
    });
    Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
    document.dispatchEvent(new Event("visibilitychange"));
}"""
COUNT_ROW_UPDATES_JS = """() => {
    window.__rowUpdates = 0;
    new MutationObserver((records) => { window.__rowUpdates += records.length; }).observe(
        document.querySelector("table tbody"),
        {subtree: true, childList: true, characterData: true, attributes: true},
    );
}"""
NEWEST_TS_JS = """() => Math.max(...[...document.querySelectorAll('[data-field="last"]')]
    .map((cell) => Number(cell.dataset.ts)))"""


def newest_ts(page: Page) -> int:
    """The newest source timestamp any watchlist row shows."""
    return int(page.evaluate(NEWEST_TS_JS))


def wait_newest_after(page: Page, ts_ms: int, timeout_ms: float = 15_000) -> None:
    page.wait_for_function(f"() => ({NEWEST_TS_JS})() > {ts_ms}", timeout=timeout_ms)


def ts_of(page: Page, symbol: str) -> int:
    return int(page.get_attribute(last_cell(symbol), "data-ts") or 0)


def open_dashboard(new_page: Callable[..., Page], app_server: AppServer) -> Page:
    page = new_page()
    page.goto(app_server.url)
    wait_live(page)
    wait_all_rows_filled(page)
    return page


def assert_rows_hold_while(page: Page, witness: Page) -> None:
    """Once what was on its way has landed (one second of the witness's feed), `page`'s rows
    do not change for two more seconds of quotes on the witness."""
    wait_newest_after(witness, newest_ts(witness) + 1_000)
    page.evaluate(COUNT_ROW_UPDATES_JS)
    wait_newest_after(witness, newest_ts(witness) + 2_000)
    assert page.evaluate("() => window.__rowUpdates") == 0


def wait_caught_up(page: Page, witness: Page) -> None:
    """`page` shows, within 5 s, quotes at least as new as the witness shows now."""
    caught_up = {symbol: ts_of(witness, symbol) for symbol in ("AAPL", "MSFT")}
    page.wait_for_function(
        f"""() => Object.entries({json.dumps(caught_up)}).every(([symbol, ts]) =>
            Number(document.querySelector(`[data-symbol="${{symbol}}"] [data-field="last"]`)
                .dataset.ts) >= ts)""",
        timeout=5_000,
    )


def test_pause_and_a_hidden_tab_hold_every_row_and_both_catch_up(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = open_dashboard(new_page, app_server)
    witness = open_dashboard(new_page, app_server)

    page.click('[data-testid="pause-live"]')
    page.wait_for_selector('[data-testid="pause-live"][data-paused="true"]')
    page.wait_for_selector('[data-testid="paused-banner"]')
    assert page.get_attribute('[data-testid="pause-live"]', "aria-label") == "Resume live updates"
    assert_rows_hold_while(page, witness)
    page.click('[data-testid="pause-live"]')
    page.wait_for_selector('[data-testid="paused-banner"]', state="detached")
    wait_caught_up(page, witness)

    page.evaluate(SET_VISIBILITY_JS, True)
    assert_rows_hold_while(page, witness)
    page.evaluate(SET_VISIBILITY_JS, False)
    wait_caught_up(page, witness)
    assert page.locator('[data-testid="paused-banner"]').count() == 0


def frames_of(page: Page) -> list[str]:
    """Every frame the page's Reflex websocket(s) receive from now on (text)."""
    frames: list[str] = []

    def on_socket(socket: WebSocket) -> None:
        socket.on(
            "framereceived",
            lambda frame: frames.append(frame if isinstance(frame, str) else frame.decode()),
        )

    page.on("websocket", on_socket)
    return frames


def test_folded_widgets_are_sent_nothing_and_catch_up_when_unfolded(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    frames = frames_of(page)
    page.goto(app_server.url)
    wait_live(page)
    wait_all_rows_filled(page)
    wait_chart_drawn(page)
    page.wait_for_selector('[data-testid="movers"] [data-mover]')

    for widget in ("chart", "movers"):
        page.click(f'[data-testid="fold-{widget}"]')
        page.wait_for_selector(f'[data-testid="fold-{widget}"][aria-expanded="false"]')
    assert page.locator(CHART).count() == 0
    assert page.locator('[data-testid="movers"]').count() == 0
    wait_newest_after(page, newest_ts(page) + 1_000)  # what was on its way has landed
    start = len(frames)
    wait_newest_after(page, newest_ts(page) + 2_000)  # two more seconds of live rows
    folded = frames[start:]
    assert not [f for f in folded if "___chart____chart_state" in f], "chart data sent"
    assert not [f for f in folded if "gainers_rx_state_" in f], "movers data sent"
    assert [f for f in folded if "indices_rx_state_" in f], "the header's summary stopped"

    page.click('[data-testid="fold-chart"]')
    page.wait_for_selector(CHART)
    wait_chart_drawn(page)
    # Caught up: the chart's forming bar closes at the price the watchlist shows right now.
    page.wait_for_function(
        f"""() => document.querySelector({json.dumps(CHART)}).getAttribute("aria-label")
            .endsWith("last " + document.querySelector({json.dumps(last_cell("AAPL"))})
            .innerText.trim())""",
        timeout=5_000,
    )

    page.click('[data-testid="fold-movers"]')
    movers = '[data-testid="movers"]'
    page.wait_for_selector(f"{movers} [data-mover]")
    shown = page.inner_text(movers)
    page.wait_for_function(
        f"() => document.querySelector({json.dumps(movers)}).innerText !== {json.dumps(shown)}",
        timeout=5_000,
    )
