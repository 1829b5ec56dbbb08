"""`AuthState`: who this tab belongs to (a user or a guest), log in / register / log out.

A login is a random token in the `mp_session` cookie whose SHA-256 the database keeps
(`marketpulse.db.users`), so a reload or a new tab finds the user again (`restore_session`, in
every page's on_load). Identity changes push the user's watchlist and preferences into their
states and change `_subject`, the user's feed identity: the tab's feed task reads it and
connects again as the new user (its feed client mints that user's tokens itself).

Every database call goes through `run_db`, in a worker thread, never on the event loop that
streams every tab's prices.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from marketpulse.auth.passwords import (
    hash_password_async,
    needs_rehash,
    verify_password_async,
)
from marketpulse.auth.rules import (
    CredentialError,
    check_password,
    check_username,
    normalize_username,
)
from marketpulse.auth.throttle import ADDRESS_THROTTLE, USERNAME_THROTTLE
from marketpulse.config import get_config
from marketpulse.db import users, watchlists
from marketpulse.db.offload import run_db
from marketpulse.db.preferences import load_preferences
from marketpulse.db.users import Account
from marketpulse.display.preferences import Preferences
from marketpulse.state.event import event
from marketpulse.state.preferences import PreferencesState
from marketpulse.state.watchlist import WatchlistState
from marketpulse.watchlist.defaults import default_symbols

logger = logging.getLogger(__name__)

SESSION_COOKIE = "mp_session"
UNRESOLVED = "\0"
"""`_resolved_token` before the first resolution (no cookie value is a NUL)."""
LOGIN_FAILED = "Incorrect username or password."
SERVER_TROUBLE = "We could not reach the account database; please try again in a moment."

Events = AsyncIterator[EventSpec | None]


class AuthState(rx.State):
    """Cold state: changes when the tab logs in or out."""

    session_token: str = rx.Cookie(
        "", name=SESSION_COOKIE, max_age=get_config().session_ttl_s, same_site="strict"
    )
    username: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)
    """A login or registration is being checked (the forms disable their buttons)."""

    _user_id: int = 0
    _subject: str = ""
    _resolved_token: str = UNRESOLVED
    """The cookie value the current identity was resolved from (`\\0`: not resolved yet)."""

    @rx.var
    def is_guest(self) -> bool:
        return not self.username

    @event
    async def restore_session(self) -> Events:
        """on_load of every page: resolve the login cookie once per change of its value."""
        if self.session_token == self._resolved_token:
            return
        token = self.session_token
        try:
            user = await run_db(users.user_for_session, token)
        except SQLAlchemyError:
            logger.exception("resolving a login session failed")
            yield rx.toast.error(SERVER_TROUBLE)
            return
        if user is None:
            if token:
                self.session_token = ""
                yield rx.toast.info("Your login has expired; please log in again.")
            await self._become_guest()
        else:
            await self._become(user)
        self._resolved_token = self.session_token

    @event
    async def log_in(self, form: dict[str, str]) -> Events:
        """Check the credentials; on success start a session and go to the dashboard."""
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        if not username or not password:
            yield rx.toast.error("Enter your username and password.")
            return
        name_key = f"user:{normalize_username(username)}"
        address_key = f"address:{self.router.session.client_ip}"
        wait_s = max(
            USERNAME_THROTTLE.retry_after(name_key), ADDRESS_THROTTLE.retry_after(address_key)
        )
        if wait_s > 0:
            minutes = max(1, round(wait_s / 60))
            yield rx.toast.error(
                f"Too many failed attempts. Please wait {minutes} minute(s) and try again."
            )
            return
        self.busy = True
        yield None  # send `busy` to the page before the slow part
        try:
            found = await run_db(users.find_credentials, username)
            account, stored = found if found is not None else (None, None)
            if account is None or not await verify_password_async(password, stored):
                USERNAME_THROTTLE.failed([name_key])
                ADDRESS_THROTTLE.failed([address_key])
                yield rx.toast.error(LOGIN_FAILED)
                return
            USERNAME_THROTTLE.succeeded(name_key)
            if stored is not None and needs_rehash(stored):
                new_hash = await hash_password_async(password)
                await run_db(users.set_password_hash, account.id, new_hash)
            await self._start_session(account)
        except SQLAlchemyError:
            logger.exception("log in failed")
            yield rx.toast.error(SERVER_TROUBLE)
            return
        finally:
            self.busy = False
        yield rx.toast.success(f"Welcome back, {account.username}.")
        yield rx.redirect("/")

    @event
    async def register(self, form: dict[str, str]) -> Events:
        """Create an account (default watchlist), log it in and go to the dashboard."""
        password = str(form.get("password", ""))
        try:
            username = check_username(str(form.get("username", "")))
            check_password(password, username)
            if password != str(form.get("confirm", "")):
                raise CredentialError("The two passwords differ; type the same one twice.")
        except CredentialError as error:
            yield rx.toast.error(str(error))
            return
        self.busy = True
        yield None  # send `busy` to the page before the slow part
        try:
            password_hash = await hash_password_async(password)
            account = await run_db(_create_account, username, password_hash)
            await self._start_session(account)
        except CredentialError as error:
            yield rx.toast.error(str(error))
            return
        except SQLAlchemyError:
            logger.exception("registration failed")
            yield rx.toast.error(SERVER_TROUBLE)
            return
        finally:
            self.busy = False
        yield rx.toast.success(f"Welcome, {account.username}! Your account is ready.")
        yield rx.redirect("/")

    @event
    async def log_out(self) -> Events:
        """End the session: this tab becomes a guest with the default watchlist."""
        token = self.session_token
        try:
            await run_db(users.end_session, token)
        except SQLAlchemyError:
            logger.exception("ending a login session failed")
        self.session_token = ""
        self._resolved_token = ""
        await self._become_guest()
        yield rx.toast.info("You are logged out. Prices keep streaming as a guest.")

    # -- identity ------------------------------------------------------------------------------

    async def _start_session(self, account: Account) -> None:
        token = await run_db(users.start_session, account.id, get_config().session_ttl_s)
        self.session_token = token
        self._resolved_token = token
        await self._become(account)

    async def _become(self, account: Account) -> None:
        symbols, preferences = await run_db(_load_profile, account.id)
        self.username = account.username
        self._user_id = account.id
        self._subject = account.subject
        await self._identity_changed(symbols, preferences)

    async def _become_guest(self) -> None:
        was_user = bool(self._user_id)
        self.username = ""
        self._user_id = 0
        self._subject = ""
        if was_user or self._resolved_token == UNRESOLVED:
            await self._identity_changed(default_symbols(), Preferences())

    async def _identity_changed(self, symbols: list[str], preferences: Preferences) -> None:
        watchlist = await self.get_state(WatchlistState)
        watchlist._load(self._user_id, symbols)
        settings = await self.get_state(PreferencesState)
        settings._load(self._user_id, preferences)


# -- units of work for `run_db` (each runs in a worker thread with its own session) -------------


def _create_account(db: Session, username: str, password_hash: str) -> Account:
    account = users.create_user(db, username, password_hash)
    limit = get_config().watchlist_max_symbols
    watchlists.replace_symbols(db, account.id, default_symbols(), limit)
    return account


def _load_profile(db: Session, user_id: int) -> tuple[list[str], Preferences]:
    return watchlists.load_symbols(db, user_id), load_preferences(db, user_id)
