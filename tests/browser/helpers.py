"""What a user does in the browser tests: log in and out, edit the watchlist, read the rows,
change settings, read the chart, check accessibility (axe-core) and focus indicators.

Every helper waits on a condition in the page (a selector, a URL, a predicate), never on time.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import CHART, INDICATOR, ROOT, wait_all_rows_filled, wait_live
from tests.support.feed_server import FeedServerProcess

PASSWORD = "a long test password"
USER_MENU = '[data-testid="user-menu"]'
TOAST = "[data-sonner-toast]"


def symbols(page: Page) -> list[str]:
    """The watchlist's symbols, in display order."""
    return page.eval_on_selector_all("[data-symbol]", "(rows) => rows.map((r) => r.dataset.symbol)")


def wait_symbols(page: Page, expected: list[str], timeout_ms: float = 10_000) -> None:
    wanted = json.dumps(json.dumps(expected, separators=(",", ":")))
    page.wait_for_function(
        f"""() => JSON.stringify([...document.querySelectorAll('[data-symbol]')]
            .map((r) => r.dataset.symbol)) === {wanted}""",
        timeout=timeout_ms,
    )


def wait_user(page: Page, name: str) -> None:
    """The user menu shows `name` ("Guest" for a guest)."""
    page.wait_for_selector(f'{USER_MENU}:has-text("{name}")', timeout=10_000)


def register(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "login")
    page.get_by_role("tab", name="Create account").click()
    page.fill("#register-username", username)
    page.fill("#register-password", password)
    page.fill("#register-confirm", password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(base_url, timeout=15_000)
    wait_user(page, username)
    wait_live(page)


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(base_url, timeout=15_000)
    wait_user(page, username)
    wait_live(page)


def log_out(page: Page) -> None:
    page.click(USER_MENU)
    page.get_by_role("menuitem", name="Log out").click()
    wait_user(page, "Guest")


def add_symbol(page: Page, symbol: str) -> None:
    page.fill('[data-testid="add-symbol-input"]', symbol)
    page.click('[data-testid="add-symbol-button"]')


def last_cell(symbol: str) -> str:
    return f'[data-symbol="{symbol}"] [data-field="last"]'


def wait_price_live(page: Page, symbol: str, timeout_ms: float = 15_000) -> None:
    """`symbol`'s row shows a feed value, and then a different one: its price is live."""
    page.wait_for_selector(f'{last_cell(symbol)}:not([data-ts="0"])', timeout=timeout_ms)
    before = page.inner_text(last_cell(symbol))
    page.wait_for_function(
        f"""() => document.querySelector({json.dumps(last_cell(symbol))})
            ?.innerText !== {json.dumps(before)}""",
        timeout=timeout_ms,
    )


def is_subsequence(wanted: list[str], seen: list[str]) -> bool:
    """Whether `seen` holds `wanted`'s items in that order (others may come between)."""
    remaining = iter(seen)
    return all(item in remaining for item in wanted)


def toast_text(page: Page, fragment: str) -> str:
    """Wait for a toast containing `fragment` and return its whole text."""
    toast = page.locator(TOAST, has_text=fragment)
    toast.wait_for(timeout=10_000)
    return toast.inner_text()


# -- the feed's source --------------------------------------------------------------------------


@contextlib.contextmanager
def other_source(feed: FeedServerProcess, **env: str) -> Iterator[FeedServerProcess]:
    """The session's feed server started again on its port with `env` (`FEED_SOURCE=replay`,
    ...) for the block, so the session's app shows another market without a build of its own;
    always started again as it was afterwards. The app's tabs reconnect by themselves."""
    saved = dict(feed.env)
    feed.stop()
    feed.env.update(env)
    try:
        yield feed.restart()
    finally:
        feed.stop()
        feed.env.clear()
        feed.env.update(saved)
        feed.restart()


# -- settings --------------------------------------------------------------------------------

THEMES = {"light": "Light", "dark": "Dark"}
SCHEMES = {"red-green": "Red / green", "blue-orange": "Blue / orange"}


def choose_settings(
    page: Page, base_url: str, *, theme: str | None = None, scheme: str | None = None
) -> None:
    """On /settings, pick the theme and colour scheme, and wait until the page shows them."""
    page.goto(base_url + "settings")
    page.wait_for_selector('[data-testid="app-link-indicator"][data-state="live"]')
    if theme is not None:
        page.get_by_role("radio", name=THEMES[theme], exact=True).click()
        page.wait_for_function(f"() => document.documentElement.classList.contains('{theme}')")
    if scheme is not None:
        page.get_by_role("radio", name=SCHEMES[scheme], exact=True).click()
        page.wait_for_selector(f".mp-page.mp-scheme-{scheme}")


# -- the chart ---------------------------------------------------------------------------------


def chart_hooks(page: Page) -> dict[str, str]:
    """The chart's `data-*` hooks (points, lastT, paused, mode, following, revision, ...)."""
    return page.eval_on_selector(CHART, "(chart) => ({...chart.dataset})")


def wait_chart(page: Page, condition_js: str, timeout_ms: float = 15_000) -> None:
    """Wait until `condition_js`, an expression over `d` (the chart's dataset), holds."""
    page.wait_for_function(
        f"""() => {{
            const d = document.querySelector({json.dumps(CHART)})?.dataset;
            return Boolean(d && ({condition_js}));
        }}""",
        timeout=timeout_ms,
    )


def wait_chart_drawn(page: Page, timeout_ms: float = 15_000) -> None:
    wait_chart(page, "Number(d.points) > 0 && Number(d.lastT) > 0", timeout_ms)


def wait_dashboard_filled(page: Page) -> None:
    """Live link, every watchlist row filled, the chart drawn: the dashboard as users see it."""
    wait_live(page)
    wait_all_rows_filled(page)
    wait_chart_drawn(page)


# -- accessibility -----------------------------------------------------------------------------

AXE_JS = ROOT / "tests" / "interop" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[str]:
    """Run axe-core (WCAG 2.x A/AA and best practices: its default rules) on the page as it is
    now; one line per violation and element."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id,
                nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
            }));
        }"""
    )
    return [
        f"{violation['id']} @ {' '.join(node.split())}"
        for violation in violations
        for node in violation["nodes"]
    ]


FOCUS_RING_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    // Radix draws some rings on a pseudo-element (segmented control items, radios), and a text
    // field's around its root (`:focus-within`).
    const field = el.closest(".rt-TextFieldRoot, .rt-TextAreaRoot");
    const ring = [el, field].filter(Boolean).some((target) =>
        [null, "::before", "::after"].some((pseudo) => {
            const style = getComputedStyle(target, pseudo);
            return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1)
                || style.boxShadow !== "none";
        }));
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        name: el.getAttribute("aria-label") || el.innerText.trim().slice(0, 40),
        testid: el.dataset.testid || "",
        visible: ring || el.hasAttribute("data-highlighted"),
        outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
        shadow: style.boxShadow,
    };
}"""


def focused(page: Page) -> dict[str, Any] | None:
    """The focused element (tag, name, test id) and whether it shows a focus indicator: an
    outline of 1 px or more or a box shadow (on it, its ::before / ::after, or the text field
    around it), or a menu item's highlight."""
    return page.evaluate(FOCUS_RING_JS)


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab `backwards`) until the focused element matches `selector`; every
    stop on the way must show a focus indicator (`focused`)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        stop = focused(page)
        assert stop is not None and stop["visible"], f"no visible focus indicator: {stop}"
        if page.evaluate(f"() => document.activeElement.matches({json.dumps(selector)})"):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


__all__ = ["INDICATOR", "wait_live"]
