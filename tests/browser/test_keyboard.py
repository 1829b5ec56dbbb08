"""The main flows with the keyboard alone, and a visible focus indicator on every stop.

Tab to a watchlist symbol and Enter charts it; Enter on a column header sorts by it; Enter on a
row's bell opens the alert dialog and Escape closes it, focus back on the bell; Enter and Space
pause and resume live updates; the user menu leads to the settings. Every element Tab stops at
on the way must show a focus ring (outline or box shadow, see `helpers.focused`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.conftest import CHART, AppServer, wait_all_rows_filled
from tests.browser.helpers import (
    USER_MENU,
    focused,
    register,
    tab_to,
    wait_chart,
)

MSFT = '[data-symbol="MSFT"]'
ROW_PRICES_JS = """() => [...document.querySelectorAll('[data-symbol] [data-field="last"]')]
    .map((cell) => Number(cell.innerText.replace(/,/g, "")))"""


def assert_focus_visible(page: Page, selector: str) -> None:
    assert page.evaluate(f"() => document.activeElement.matches('{selector}')"), focused(page)
    stop = focused(page)
    assert stop is not None and stop["visible"], stop


MENU_ITEMS = ["Dashboard", "Settings", "Log out"]
"""A user's menu, top to bottom."""
NEXT_FRAME_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)


def arrow_to_menu_item(page: Page, name: str) -> None:
    """Move through the open menu with the arrow keys until `name` has the focus.

    Each step is checked a frame later: just after opening, Radix may move the focus to the
    first item once more, undoing an early arrow press.
    """
    for _ in range(2 * len(MENU_ITEMS)):
        page.evaluate(NEXT_FRAME_JS)
        current = page.evaluate("() => document.activeElement.innerText.trim()")
        if current == name:
            return
        before = MENU_ITEMS.index(current) < MENU_ITEMS.index(name)
        page.keyboard.press("ArrowDown" if before else "ArrowUp")
    raise AssertionError(f"the menu item {name!r} never got the focus")


def test_keyboard_only_walk_through_the_dashboard(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    register(page, app_server.url, f"keys-{secrets.token_hex(4)}")  # alerts need an account
    wait_all_rows_filled(page)
    revision = int(page.get_attribute(CHART, "data-revision") or 0)

    # A symbol, from the top of the page, charts it.
    tab_to(page, f"{MSFT} .mp-symbol-button")
    page.keyboard.press("Enter")
    wait_chart(page, f"Number(d.revision) > {revision}")
    page.wait_for_selector(f'{MSFT}[data-selected="true"]')
    assert page.get_attribute(CHART, "aria-label").startswith("MSFT ")

    # A column header sorts the table: prices largest first, then again smallest first.
    tab_to(page, '[data-sort="last"]', backwards=True)
    for order in ("descending", "ascending"):
        page.keyboard.press("Enter")
        page.wait_for_selector(f'th[aria-sort="{order}"] [data-sort="last"]')
        prices = page.evaluate(ROW_PRICES_JS)
        assert prices == sorted(prices, reverse=order == "descending"), (order, prices)
        assert_focus_visible(page, '[data-sort="last"]')

    # A row's bell opens the alert dialog; Escape closes it and focus returns to the bell.
    bell = f'{MSFT} [data-testid="alert-button"]'
    tab_to(page, bell)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="alert-dialog"]:has-text("Create an alert for MSFT")')
    assert page.evaluate("() => Boolean(document.activeElement.closest('[role=dialog]'))")
    page.keyboard.press("Escape")
    page.wait_for_selector('[data-testid="alert-dialog"]', state="detached")
    assert_focus_visible(page, bell)

    # Pause and resume live updates.
    pause = '[data-testid="pause-live"]'
    tab_to(page, pause, backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'{pause}[data-paused="true"]')
    page.wait_for_selector('[data-testid="paused-banner"]')
    assert_focus_visible(page, pause)
    page.keyboard.press("Space")
    page.wait_for_selector(f'{pause}[data-paused="false"]')
    page.wait_for_selector('[data-testid="paused-banner"]', state="detached")

    # The user menu leads to the settings.
    tab_to(page, USER_MENU)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.matches('[role=menuitem]')")
    arrow_to_menu_item(page, "Settings")
    assert_focus_visible(page, "[role=menuitem]")
    page.keyboard.press("Enter")
    page.wait_for_url(app_server.url + "settings")
    page.wait_for_selector('[data-setting="theme"]')
