"""Accounts in the browser: register, log in and out (legacy hashes rehashed); what persists;
a password change and "log out everywhere" end the user's other logins."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable

from playwright.sync_api import Page
from sqlmodel import Session, create_engine

from marketpulse.db import users
from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST
from tests.browser.conftest import AppFiles, AppServer, wait_live
from tests.browser.helpers import (
    PASSWORD,
    add_symbol,
    axe_violations,
    last_cell,
    log_in,
    log_out,
    register,
    symbols,
    toast_text,
    wait_price_live,
    wait_symbols,
    wait_user,
)

DEFAULTS = list(DEFAULT_WATCHLIST)

FLASH_ANIMATION_JS = """() => {
    const span = document.querySelector(".flash-up, .flash-down");
    return span ? getComputedStyle(span, "::after").animationName || null : null;
}"""


def new_username() -> str:
    return f"user-{secrets.token_hex(4)}"


def legacy_scrypt_hash(password: str) -> str:
    """A hash as accounts made before Argon2id hold it (`marketpulse.auth.legacy_scrypt`)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    encoded = [base64.b64encode(part).decode() for part in (salt, key)]
    return "$".join(["scrypt", "n=16384,r=8,p=1", *encoded])


def stored_hash(files: AppFiles, username: str, replacement: str | None = None) -> str:
    """The user's password hash in the app's database (after storing `replacement`, if given)."""
    engine = create_engine(files.db_url)
    try:
        with Session(engine) as db:
            user = users.find_user(db, username)
            assert user is not None and user.id is not None
            if replacement is not None:
                users.set_password_hash(db, user.id, replacement)
                db.refresh(user)
            return user.password_hash
    finally:
        engine.dispose()


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


def test_a_users_moves_and_removals_are_stored(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    register(page, app_server.url, new_username())
    first, second, last = DEFAULTS[0], DEFAULTS[1], DEFAULTS[-1]
    page.click('[data-testid="manage-watchlist"]')
    page.get_by_role("button", name=f"Move {second} up").click()
    page.get_by_role("button", name=f"Remove {last}").click()
    page.get_by_role("button", name="Done").click()
    expected = [second, first, *DEFAULTS[2:-1]]
    wait_symbols(page, expected)

    page.reload()
    wait_live(page)
    wait_symbols(page, expected)


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


def test_a_legacy_scrypt_password_logs_in_and_is_rehashed_with_argon2id(
    new_page: Callable[..., Page], app_server: AppServer, app_files: AppFiles
) -> None:
    page = new_page()
    username = new_username()
    register(page, app_server.url, username)
    assert stored_hash(app_files, username).startswith("$argon2id$")
    log_out(page)

    legacy = stored_hash(app_files, username, legacy_scrypt_hash(PASSWORD))
    assert legacy.startswith("scrypt$")
    log_in(page, app_server.url, username)
    rehashed = stored_hash(app_files, username)
    assert rehashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    log_out(page)
    log_in(page, app_server.url, username)  # the new hash verifies
    assert stored_hash(app_files, username) == rehashed  # and is current: not rehashed again


def test_a_password_change_and_log_out_everywhere_end_the_other_logins(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page, elsewhere = new_page(), new_page()
    username, new_password = new_username(), "another long test password"
    register(page, app_server.url, username)
    log_in(elsewhere, app_server.url, username)

    page.goto(app_server.url + "login")
    page.wait_for_selector('[data-testid="password-form"]')
    assert axe_violations(page) == []
    page.fill("#password-current", "not my password")
    page.fill("#password-new", new_password)
    page.fill("#password-confirm", new_password)
    page.get_by_role("button", name="Change password").click()
    assert "current password is not right" in toast_text(page, "current password")

    page.fill("#password-current", PASSWORD)
    page.get_by_role("button", name="Change password").click()
    wait_user(elsewhere, "Guest")  # by itself, within the app's login check interval
    assert "Your login has ended" in toast_text(elsewhere, "login has ended")
    page.wait_for_url(app_server.url)
    assert "Your password is changed" in toast_text(page, "password is changed")
    wait_user(page, username)

    page.goto(app_server.url + "login")
    page.get_by_role("button", name="Log out everywhere").click()
    wait_user(page, "Guest")
    log_in(page, app_server.url, username, new_password)
