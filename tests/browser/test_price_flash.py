"""Price cells flash the way the price moved, at most three times a second, or hold a still tint
when the user wants reduced motion (DESIGN.md §3, WCAG 2.3.1).

A MutationObserver installed in the page watches the watchlist's price cells: a flash is a new
`.mp-price` span (its React key is the row's flash counter) carrying `flash-up` or
`flash-down`. For each one it records the value shown before and after, when it appeared
(`performance.now()`), and its computed animation and background, so the test judges what the
browser actually rendered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import AppServer, wait_all_rows_filled, wait_live

WATCH_FLASHES_JS = """() => {
    const log = (window.__flashes = []);
    window.__watchStart = performance.now();
    const value = (span) => Number(span.innerText.replace(/,/g, ""));
    const seen = new Map(); // symbol -> {span, value}
    const look = () => {
        for (const cell of document.querySelectorAll('[data-symbol] [data-field="last"]')) {
            const symbol = cell.closest("[data-symbol]").dataset.symbol;
            const span = cell.querySelector(".mp-price");
            if (!span) continue;
            const before = seen.get(symbol);
            const now = value(span);
            const dir = span.classList.contains("flash-up") ? "up"
                : span.classList.contains("flash-down") ? "down" : "";
            if (before && before.span !== span && dir) {
                const style = getComputedStyle(span, "::after"); // the flash overlay
                log.push({
                    symbol, dir, prev: before.value, value: now, t: performance.now(),
                    animation: style.animationName, background: style.backgroundColor,
                });
            }
            seen.set(symbol, {span, value: now});
        }
    };
    look();
    new MutationObserver(look).observe(document.querySelector("table"), {
        subtree: true, childList: true, characterData: true,
    });
}"""

FASTEST_RATE = "Every 100 ms"


def watch_flashes(page: Page, *, count: int, for_ms: int, timeout_ms: float = 30_000) -> list:
    """Record flashes until at least `count` were seen over at least `for_ms` ms; return them."""
    page.evaluate(WATCH_FLASHES_JS)
    page.wait_for_function(
        f"""() => window.__flashes.length >= {count}
            && performance.now() - window.__watchStart >= {for_ms}""",
        timeout=timeout_ms,
    )
    return page.evaluate("() => window.__flashes")


def most_in_one_second(times: list[float]) -> int:
    """The most flashes inside any window of 1000 ms (a sliding window over sorted times)."""
    times = sorted(times)
    best = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= 1000:
            start += 1
        best = max(best, end - start + 1)
    return best


def open_fast_dashboard(new_page: Callable[..., Page], app_server: AppServer) -> Page:
    """The dashboard at the fastest update rate a user can choose (the flash limit's worst case)."""
    page = new_page()
    page.goto(app_server.url + "settings")
    page.get_by_role("radio", name=FASTEST_RATE).click()
    page.wait_for_selector('[data-setting="update_rate_ms"] [value="100"][data-state="checked"]')
    page.goto(app_server.url)
    wait_live(page)
    wait_all_rows_filled(page)
    return page


def test_flash_direction_follows_the_price_and_is_at_most_three_a_second(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = open_fast_dashboard(new_page, app_server)
    flashes: list[dict[str, Any]] = watch_flashes(page, count=40, for_ms=5_000)

    wrong = [f for f in flashes if (f["value"] > f["prev"]) != (f["dir"] == "up")]
    assert not wrong, f"flash direction disagrees with the price move: {wrong[:5]}"
    assert {f["dir"] for f in flashes} == {"up", "down"}
    animations = {(f["dir"], f["animation"]) for f in flashes}
    assert animations == {("up", "mp-flash-up"), ("down", "mp-flash-down")}, animations

    by_symbol: dict[str, list[float]] = defaultdict(list)
    for flash in flashes:
        by_symbol[flash["symbol"]].append(flash["t"])
    rates = {symbol: most_in_one_second(times) for symbol, times in by_symbol.items()}
    assert max(rates.values()) <= 3, f"flashes in the busiest second, per cell: {rates}"


def test_reduced_motion_swaps_the_flash_for_a_still_tint(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = open_fast_dashboard(new_page, app_server)
    page.emulate_media(reduced_motion="reduce")
    flashes = watch_flashes(page, count=10, for_ms=1_000)

    assert {f["animation"] for f in flashes} == {"none"}
    tints = {f["dir"]: f["background"] for f in flashes}
    assert set(tints) == {"up", "down"}, tints
    assert tints["up"] != tints["down"]
    assert not {"rgba(0, 0, 0, 0)", "transparent"} & set(tints.values()), tints
