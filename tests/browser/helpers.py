"""What a user does in the browser tests: log in and out, edit the watchlist, read the rows.

Every helper waits on a condition in the page (a selector, a URL, a predicate), never on time.
"""

from __future__ import annotations

import json

from playwright.sync_api import Page

from tests.browser.conftest import INDICATOR, wait_live

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


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(base_url, timeout=15_000)
    wait_user(page, username)


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


def toast_text(page: Page, fragment: str) -> str:
    """Wait for a toast containing `fragment` and return its whole text."""
    toast = page.locator(TOAST, has_text=fragment)
    toast.wait_for(timeout=10_000)
    return toast.inner_text()


__all__ = ["INDICATOR", "wait_live"]
