"""Accounts in the browser: register, log in and out; a user's watchlist and settings persist."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from playwright.sync_api import Page

from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST
from tests.browser.conftest import AppServer, wait_live
from tests.browser.helpers import (
    add_symbol,
    last_cell,
    log_in,
    log_out,
    register,
    symbols,
    toast_text,
    wait_price_live,
    wait_symbols,
)

DEFAULTS = list(DEFAULT_WATCHLIST)

FLASH_ANIMATION_JS = """() => {
    const span = document.querySelector(".flash-up, .flash-down");
    return span ? getComputedStyle(span, "::after").animationName || null : null;
}"""


def new_username() -> str:
    return f"user-{secrets.token_hex(4)}"


def test_watchlist_persists_for_its_user_and_guests_get_the_default(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    username = new_username()
    register(page, app_server.url, username)
    wait_live(page)
    assert symbols(page) == DEFAULTS

    add_symbol(page, "nflx")
    wait_symbols(page, [*DEFAULTS, "NFLX"])
    wait_price_live(page, "NFLX")

    page.reload()
    wait_live(page)
    wait_symbols(page, [*DEFAULTS, "NFLX"])
    wait_price_live(page, "NFLX")

    log_out(page)
    wait_symbols(page, DEFAULTS)
    wait_live(page)
    assert page.locator(last_cell("NFLX")).count() == 0

    log_in(page, app_server.url, username)
    wait_live(page)
    wait_symbols(page, [*DEFAULTS, "NFLX"])
    wait_price_live(page, "NFLX")


def test_a_new_tab_of_the_same_browser_is_still_logged_in(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    first = new_page()
    username = new_username()
    register(first, app_server.url, username)
    second = first.context.new_page()
    second.goto(app_server.url)
    second.wait_for_selector(f'[data-testid="user-menu"]:has-text("{username}")')
    wait_live(second)


def test_wrong_password_and_bad_symbols_get_clear_toasts(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    username = new_username()
    register(page, app_server.url, username)
    log_out(page)

    page.goto(app_server.url + "login")
    page.fill("#login-username", username)
    page.fill("#login-password", "not the password at all")
    page.get_by_role("button", name="Log in", exact=True).click()
    assert "Incorrect username or password" in toast_text(page, "Incorrect")
    assert page.url.rstrip("/").endswith("/login")

    page.goto(app_server.url)
    wait_live(page)
    add_symbol(page, "ZZZZ")
    assert "ZZZZ is not traded" in toast_text(page, "ZZZZ")
    add_symbol(page, "bad symbol!")
    assert "not a ticker symbol" in toast_text(page, "ticker symbol")
    add_symbol(page, "AAPL")
    assert "already on your watchlist" in toast_text(page, "already")
    assert symbols(page) == DEFAULTS


def test_settings_apply_at_once_and_follow_the_user(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    username = new_username()
    register(page, app_server.url, username)
    page.goto(app_server.url + "settings")
    page.get_by_role("radio", name="Blue / orange").click()
    page.get_by_role("radio", name="Light").click()
    page.get_by_role("radio", name="Always reduce motion").click()
    page.wait_for_selector(".mp-page.mp-scheme-blue-orange.mp-motion-on")
    page.wait_for_function("() => document.documentElement.classList.contains('light')")

    page.goto(app_server.url)
    wait_live(page)
    # Found and read in one turn of the page's loop: a flashing span is replaced at its row's
    # next flash, and a detached one has no computed style.
    animation = page.wait_for_function(FLASH_ANIMATION_JS, timeout=10_000).json_value()
    assert animation == "none"  # forced reduced motion: a still tint, whatever the system says

    log_out(page)
    page.wait_for_selector(".mp-page.mp-scheme-red-green.mp-motion-system")
    page.wait_for_function("() => document.documentElement.classList.contains('dark')")
    log_in(page, app_server.url, username)
    page.wait_for_selector(".mp-page.mp-scheme-blue-orange.mp-motion-on")
    page.wait_for_function("() => document.documentElement.classList.contains('light')")
