"""Accounts and sessions under attack (docs/reliability.md, faults 13 to 16).

One production app (built and served by `reflex run --env prod`, tabs re-checking their login
every second) against the real feed server, for the whole module. Tabs are real Chromium
contexts where the browser matters (cookies, two tabs of one login) and `ReflexTab`s — the
app's event websocket spoken directly — where many concurrent or crafted clients are needed.

13. A logout ends the login server-side: every other tab of it is refused its next write
    (watchlist, preferences, alert requests) and becomes a guest by itself; a password change
    ends every login of the user.
14. Sixteen concurrent logins, fifteen wrong passwords and then the right one while those are
    still being hashed: the throttle counts each attempt before hashing, so five are checked,
    the rest (the right one too) are refused within milliseconds.
15. The login cookie is HttpOnly and SameSite=Strict; no script can read it and no state
    delta carries it.
16. Crafted event arguments to the watchlist, alerts, preferences and login handlers get a
    clear message each, and the tab keeps working.

Run under the browser lock (it builds the app in the shared `.web`):
    flock /tmp/marketpulse-browser.lock \
        .venv/bin/python -m pytest tests/faults/test_accounts_sessions.py -s
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlmodel import Session, create_engine

from marketpulse.db import users, watchlists
from marketpulse.db.preferences import load_preferences
from marketpulse.display.preferences import Preferences
from marketpulse.state import (
    AccountState,
    AlertsState,
    AuthState,
    PreferencesState,
    WatchlistState,
)
from tests.browser.conftest import DESKTOP, wait_live
from tests.browser.helpers import (
    PASSWORD,
    USER_MENU,
    add_symbol,
    log_out,
    register,
    wait_user,
)
from tests.support.app_server import AppFiles, AppServer, start_app
from tests.support.chromium import launch
from tests.support.feed_server import running_feed_server
from tests.support.reflex_tab import ReflexTab, handler_name

CHECK_S = 1.0
"""How often the app's tabs re-check their login here (`MARKETPULSE_SESSION_CHECK_S`)."""
AUTH = AuthState.get_full_name()
GRANT = re.compile(r"body: \"([A-Za-z0-9_-]+)\"")
ENDED = "Your login has ended"
GENERIC = "Something went wrong on our side"
LOAD_MS = 30_000
"""A first page load of a new browser context (the app's bundles), on a busy machine."""


@pytest.fixture(scope="module")
def app_files() -> Iterator[AppFiles]:
    files = AppFiles.create()
    try:
        yield files
    finally:
        files.remove()


@pytest.fixture(scope="module")
def app(app_files: AppFiles) -> Iterator[AppServer]:
    with running_feed_server(FEED_JWT_PUBLIC_KEY_FILE=str(app_files.public_key)) as feed:
        server = start_app(
            feed.url, app_files, extra_env={"MARKETPULSE_SESSION_CHECK_S": str(CHECK_S)}
        )
        try:
            yield server
        finally:
            server.stop()


def new_username() -> str:
    return f"user-{secrets.token_hex(4)}"


def stored_symbols(files: AppFiles, username: str) -> list[str]:
    engine = create_engine(files.db_url)
    try:
        with Session(engine) as db:
            user = users.find_user(db, username)
            assert user is not None and user.id is not None
            return watchlists.load_symbols(db, user.id)
    finally:
        engine.dispose()


def stored_preferences(files: AppFiles, username: str) -> Preferences:
    engine = create_engine(files.db_url)
    try:
        with Session(engine) as db:
            user = users.find_user(db, username)
            assert user is not None and user.id is not None
            return load_preferences(db, user.id)
    finally:
        engine.dispose()


# -- tabs without a browser ------------------------------------------------------------------------


@pytest.fixture
async def tabs(app: AppServer) -> AsyncIterator[list[ReflexTab]]:
    """Open `ReflexTab`s (append to the list); all closed after the test."""
    opened: list[ReflexTab] = []
    yield opened
    await asyncio.gather(*(tab.close() for tab in opened), return_exceptions=True)


async def open_tab(app: AppServer, tabs: list[ReflexTab], cookie: str = "") -> ReflexTab:
    tab = await ReflexTab(app.url, cookie=cookie).open()
    tabs.append(tab)
    return tab


async def claim(app: AppServer, tab: ReflexTab, mark: int) -> str:
    """Do what the page does after a passed password check: trade the grant for the cookie.
    Returns the cookie header a browser would then send."""
    await tab.until(lambda: bool(tab.scripts(mark)), 20)
    grant = GRANT.search(tab.scripts(mark)[-1])
    assert grant is not None, tab.scripts(mark)
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{app.url}_session/claim", data=grant[1]) as response,
    ):
        assert response.status == 204, await response.text()
        cookie = response.cookies["mp_session"]
        assert cookie["httponly"] and cookie["samesite"].lower() == "strict"
        return f"mp_session={cookie.value}"


async def registered(app: AppServer, tabs: list[ReflexTab], username: str) -> str:
    """A new account, logged in: the cookie header of its login."""
    tab = await open_tab(app, tabs)
    form = {"username": username, "password": PASSWORD, "confirm": PASSWORD}
    mark = await tab.send(handler_name(AuthState, "register"), path="/login", form=form)
    return await claim(app, tab, mark)


async def logged_in(
    app: AppServer, tabs: list[ReflexTab], username: str, password: str = PASSWORD
) -> str:
    """Another login of `username` (as from another browser): its cookie header."""
    tab = await open_tab(app, tabs)
    form = {"username": username, "password": password}
    mark = await tab.send(handler_name(AuthState, "log_in"), path="/login", form=form)
    return await claim(app, tab, mark)


async def as_user(app: AppServer, tabs: list[ReflexTab], cookie: str, username: str) -> ReflexTab:
    """A tab whose websocket presents `cookie`, loaded (on_load) as `username`."""
    tab = await open_tab(app, tabs, cookie)
    await tab.send(handler_name(AuthState, "restore_session"))
    await tab.until(lambda: tab.delta().get(AUTH, {}).get("username_rx_state_") == username)
    return tab


def username_shown(tab: ReflexTab, mark: int = 0) -> Any:
    return tab.delta(mark).get(AUTH, {}).get("username_rx_state_")


def answered(tab: ReflexTab) -> bool:
    """The tab's login was answered: a toast (refused), or a claim script (let in)."""
    return bool(tab.toasts() or tab.scripts())


async def answer(tab: ReflexTab, mark: int, timeout: float = 5.0) -> list[str]:
    """The toasts an event sent at `mark` was answered with."""
    await tab.until(lambda: bool(tab.toasts(mark)), timeout)
    return tab.toasts(mark)


# -- 13. a logout leaves no other tab logged in ----------------------------------------------------


@pytest.mark.timeout(300)
async def test_a_logout_stops_every_other_tab_of_the_login_from_writing(
    app: AppServer, app_files: AppFiles, tabs: list[ReflexTab]
) -> None:
    username = new_username()
    cookie = await registered(app, tabs, username)
    leaving = await as_user(app, tabs, cookie, username)
    watchlist_tab = await as_user(app, tabs, cookie, username)
    settings_tab = await as_user(app, tabs, cookie, username)
    alerts_tab = await as_user(app, tabs, cookie, username)
    await alerts_tab.send(handler_name(AlertsState, "open_dialog"), symbol="AAPL")
    await alerts_tab.until(lambda: bool(alerts_tab.delta().get(AlertsState.get_full_name())))

    others = (watchlist_tab, settings_tab, alerts_tab)
    marks = [tab.mark() for tab in others]
    mark = await leaving.send(handler_name(AuthState, "log_out"))
    assert "logged out" in " ".join(await answer(leaving, mark))

    await watchlist_tab.send(handler_name(WatchlistState, "add_symbol"), form={"symbol": "ORCL"})
    await settings_tab.send(handler_name(PreferencesState, "change_theme"), value="light")
    await alerts_tab.send(
        handler_name(AlertsState, "create_alert"),
        form={"symbol": "AAPL", "condition": "above", "threshold": "1000", "note": ""},
    )
    for tab, at in zip(others, marks, strict=True):
        # Refused at the write, or made a guest just before by the tab's own check: either
        # way the tab says the login ended.
        with contextlib.suppress(TimeoutError):
            await tab.until(lambda tab=tab, at=at: any(ENDED in t for t in tab.toasts(at)), 5)
    symbols, theme = stored_symbols(app_files, username), stored_preferences(app_files, username)
    print(f"\n[fault 13] after the logout: stored {symbols[-2:]}, theme {theme.theme}")
    assert "ORCL" not in symbols, "a tab of the ended login wrote ORCL into the watchlist"
    assert theme.theme == "dark", "a tab of the ended login saved its theme"
    for tab, at in zip(others, marks, strict=True):
        assert any(ENDED in toast for toast in tab.toasts(at)), tab.toasts(at)
        assert username_shown(tab, at) == ""  # a guest now


@pytest.mark.timeout(300)
async def test_a_password_change_or_log_out_everywhere_ends_every_other_login(
    app: AppServer, tabs: list[ReflexTab]
) -> None:
    username, new_password = new_username(), "a different long password"
    cookie = await registered(app, tabs, username)
    elsewhere = await as_user(app, tabs, await logged_in(app, tabs, username), username)
    same_login = await as_user(app, tabs, cookie, username)
    changer = await as_user(app, tabs, cookie, username)
    marks = [elsewhere.mark(), same_login.mark()]

    form = {"current": PASSWORD, "password": new_password, "confirm": new_password}
    renewed = await claim(
        app, changer, await changer.send(handler_name(AccountState, "change_password"), form=form)
    )
    for tab, at in zip((elsewhere, same_login), marks, strict=True):
        # Nothing done in those tabs: each notices by itself within the check interval.
        await tab.until(lambda tab=tab, at=at: any(ENDED in t for t in tab.toasts(at)), CHECK_S + 3)
        assert username_shown(tab, at) == ""
    assert renewed != cookie
    await as_user(app, tabs, renewed, username)  # the changer's new login
    old = await open_tab(app, tabs, cookie)
    mark = await old.send(handler_name(AuthState, "restore_session"))
    assert "expired" in " ".join(await answer(old, mark))
    # "Log out everywhere" from one login ends the others too.
    other = await as_user(app, tabs, await logged_in(app, tabs, username, new_password), username)
    mark = other.mark()
    changer_again = await as_user(app, tabs, renewed, username)
    await changer_again.send(handler_name(AuthState, "log_out_everywhere"))
    await other.until(lambda: any(ENDED in toast for toast in other.toasts(mark)), CHECK_S + 3)
    assert username_shown(other, mark) == ""


@pytest.mark.timeout(300)
def test_an_open_tab_of_an_ended_login_becomes_a_guest_by_itself(
    app: AppServer, app_files: AppFiles
) -> None:
    username = new_username()
    cookie = asyncio.run(_registered_alone(app, username))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            # Two browsers holding the same login cookie.
            leaving, staying = (_tab_with_cookie(browser, app, cookie) for _ in range(2))
            for page in (leaving, staying):
                page.goto(app.url)
                page.wait_for_selector(f'{USER_MENU}:has-text("{username}")', timeout=LOAD_MS)
            wait_live(staying, LOAD_MS)

            started = time.monotonic()
            log_out(leaving)
            wait_user(staying, "Guest")  # nothing done in that tab: it notices by itself
            noticed_s = time.monotonic() - started
            assert noticed_s < CHECK_S + 3, noticed_s
            print(f"\n[fault 13] the other tab was a guest {noticed_s:.1f} s after the logout")
            add_symbol(staying, "ORCL")  # as a guest: for the tab only
            staying.wait_for_selector('[data-symbol="ORCL"]')
            assert "ORCL" not in stored_symbols(app_files, username)
        finally:
            browser.close()


async def _registered_alone(app: AppServer, username: str) -> str:
    tabs: list[ReflexTab] = []
    try:
        return await registered(app, tabs, username)
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))


def _tab_with_cookie(browser: Browser, app: AppServer, cookie: str) -> Page:
    """A page of a new browser context holding the login cookie `cookie` ("mp_session=...")."""
    context = browser.new_context(viewport=DESKTOP)
    name, _, value = cookie.partition("=")
    context.add_cookies(
        [{"name": name, "value": value, "url": app.url, "httpOnly": True, "sameSite": "Strict"}]
    )
    return context.new_page()


# -- 14. the login throttle cannot be raced --------------------------------------------------------


@pytest.mark.timeout(300)
async def test_concurrent_wrong_passwords_cannot_outrun_the_throttle(
    app: AppServer, tabs: list[ReflexTab]
) -> None:
    username = new_username()
    await registered(app, tabs, username)
    attackers = [await open_tab(app, tabs) for _ in range(16)]
    log_in_event = handler_name(AuthState, "log_in")

    def guess(tab: ReflexTab, password: str) -> Any:
        form = {"username": username, "password": password}
        return tab.send(log_in_event, path="/login", form=form)

    await asyncio.gather(
        *(guess(tab, f"wrong guess {i:02d}") for i, tab in enumerate(attackers[:15]))
    )

    def taken(tab: ReflexTab) -> bool:  # admitted (busy) or already refused
        return tab.delta().get(AUTH, {}).get("busy_rx_state_") is True or bool(tab.toasts())

    await asyncio.gather(*(tab.until(lambda tab=tab: taken(tab), 20) for tab in attackers[:15]))
    right = attackers[15]
    started = time.monotonic()
    await guess(right, PASSWORD)  # while the admitted guesses are still being hashed
    await right.until(lambda: answered(right), 20)
    answered_ms = 1000 * (time.monotonic() - started)
    await asyncio.gather(*(tab.until(lambda tab=tab: answered(tab), 30) for tab in attackers))

    answers = [tab.toasts()[0] for tab in attackers[:15]]
    checked = sum("Incorrect" in text for text in answers)
    refused = sum("Too many failed attempts" in text for text in answers)
    got_in = bool(right.scripts())  # a passed check: the page is sent to claim the cookie
    print(
        f"\n[fault 14] 15 wrong passwords: {checked} checked, {refused} refused; "
        f"the right one {'got in' if got_in else 'refused'} ({answered_ms:.0f} ms)"
    )
    assert not got_in, "the right password got in past the throttle"
    assert (checked, refused) == (5, 10)
    assert "Too many failed attempts" in right.toasts()[0]
    assert answered_ms < 500, answered_ms


# -- 15. the login cookie is out of scripts' reach -------------------------------------------------


@pytest.mark.timeout(300)
def test_the_login_cookie_is_http_only_and_in_no_state_delta(app: AppServer) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            register(page, app.url, new_username())
            assert "mp_session" not in page.evaluate("document.cookie")
            [cookie] = [c for c in context.cookies() if c["name"] == "mp_session"]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
            token = cookie["value"]
        finally:
            browser.close()
    deltas = asyncio.run(_updates_as(app, f"mp_session={token}"))
    assert deltas and token not in deltas


async def _updates_as(app: AppServer, cookie: str) -> str:
    """Everything the app sends a tab presenting `cookie` as it loads (JSON text)."""
    tab = await ReflexTab(app.url, cookie=cookie).open()
    try:
        await tab.send(handler_name(AuthState, "restore_session"))
        await tab.until(lambda: bool(username_shown(tab)))
        return json.dumps(tab.updates)
    finally:
        await tab.close()


# -- 16. crafted event arguments -------------------------------------------------------------------

CRAFTED: list[tuple[type[Any], str, dict[str, Any], str]] = [
    (WatchlistState, "move_symbol", {"symbol": "AAPL", "offset": "x"}, "whole number"),
    (WatchlistState, "move_symbol", {"symbol": "AAPL", "offset": None}, "whole number"),
    (WatchlistState, "move_symbol", {"symbol": "AAPL", "offset": 1e308}, "between"),
    (WatchlistState, "move_symbol", {"symbol": ["AAPL"], "offset": 1}, "must be text"),
    (WatchlistState, "remove_symbol", {"symbol": {"a": 1}}, "must be text"),
    (WatchlistState, "add_symbol", {"form": "AAPL"}, "malformed"),
    (WatchlistState, "add_symbol", {"form": {"symbol": ["AAPL"]}}, "must be text"),
    (PreferencesState, "change_theme", {"value": ["light"]}, "must be text"),
    (PreferencesState, "change_update_rate", {"value": {"ms": 1}}, "must be text"),
    (PreferencesState, "change_announcements", {"value": "yes"}, "on or off"),
    (AlertsState, "set_dialog_open", {"value": "maybe"}, "on or off"),
    (AlertsState, "open_dialog", {"symbol": ["AAPL"]}, "must be text"),
    (AlertsState, "create_alert", {"form": ["x"]}, "malformed"),
    (AlertsState, "delete_alert", {"rule_id": {"id": 1}}, "must be text"),
    (AuthState, "log_in", {"form": "x"}, "malformed"),
    (AuthState, "register", {"form": ["x"]}, "malformed"),
    (AccountState, "change_password", {"form": 7}, "malformed"),
]


@pytest.mark.timeout(300)
async def test_crafted_arguments_get_a_clear_message_and_the_tab_keeps_working(
    app: AppServer, tabs: list[ReflexTab]
) -> None:
    username = new_username()
    tab = await as_user(app, tabs, await registered(app, tabs, username), username)
    for state, handler, payload, message in CRAFTED:
        started = time.monotonic()
        mark = await tab.send(handler_name(state, handler), **payload)
        toasts = await answer(tab, mark)
        took_ms = 1000 * (time.monotonic() - started)
        assert any(message in toast for toast in toasts), (handler, payload, toasts)
        assert not any(GENERIC in toast for toast in toasts), (handler, payload, toasts)
        assert took_ms < 1000, (handler, took_ms)
    mark = await tab.send(handler_name(WatchlistState, "move_symbol"), symbol="MSFT", offset=-1)
    await tab.until(lambda: bool(tab.delta(mark).get(WatchlistState.get_full_name())))
    assert tab.delta(mark)[WatchlistState.get_full_name()]["symbols_rx_state_"][0] == "MSFT"
