"""`AuthState`: who this tab belongs to (a user or a guest), log in / register / log out.

A tab is the user whose live login its websocket's cookie names, and nothing else: the
HttpOnly `mp_session` cookie (`marketpulse.auth.session_cookie`), read on the server from the
websocket's headers, never a var the page could read. `restore_session` (every page's on_load)
resolves it whenever the cookie changed, and checks that a user's login is still live. A
passed password check starts an unclaimed login whose one-time grant the page trades for the
cookie (`marketpulse.auth.session_routes`) before loading again; its new websocket carries the
cookie, and the tab becomes the user. Logging out ends the login in the database first, then
has the page drop the cookie; "log out everywhere" ends all of the user's logins.

Another tab whose login has ended stops writing at once (every write re-checks the login,
`marketpulse.db.signed_in`) and becomes a guest within `session_check_s` (`watch_session`, a
background task of the page, cancelled with it).

Identity changes push the user's watchlist and preferences into their states and change
`_subject`, the user's feed identity: the tab's feed task reads it and connects again as the
new user (its feed client mints that user's tokens itself). Every database call goes through
`run_db`, in a worker thread, never on the event loop that streams every tab's prices.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import reflex as rx
from reflex.event import EventSpec, EventType
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from marketpulse.auth.credentials import check_credentials
from marketpulse.auth.passwords import hash_password_async
from marketpulse.auth.rules import (
    CredentialError,
    check_password,
    check_username,
    normalize_username,
)
from marketpulse.auth.session_cookie import login_digest
from marketpulse.auth.session_routes import backend_base, claim_script, end_script
from marketpulse.auth.throttle import LOGIN_GATE, ThrottledError
from marketpulse.config import get_config
from marketpulse.db import users, watchlists
from marketpulse.db.offload import run_db
from marketpulse.db.preferences import load_preferences
from marketpulse.db.signed_in import LoginEndedError, as_signed_in, check_signed_in
from marketpulse.db.users import Account
from marketpulse.display.preferences import Preferences
from marketpulse.state import arguments
from marketpulse.state.event import event
from marketpulse.state.preferences import PreferencesState
from marketpulse.state.watchlist import WatchlistState
from marketpulse.watchlist.defaults import default_symbols

logger = logging.getLogger(__name__)

UNRESOLVED = "\0"
"""`_seen` before the first resolution (no digest is a NUL)."""
LOGIN_FAILED = "Incorrect username or password."
LOGIN_ENDED = (
    "Your login has ended (you logged out elsewhere, or your password was changed). "
    "You are now a guest."
)
SERVER_TROUBLE = "We could not reach the account database; please try again in a moment."

Events = AsyncIterator[EventSpec | EventType[()] | None]


class AuthState(rx.State):
    """Cold state: changes when the tab logs in or out."""

    username: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)
    """A login or registration is being checked (the forms disable their buttons)."""

    _user_id: int = 0
    _subject: str = ""
    _seen: str = UNRESOLVED
    """The digest of the login cookie the tab's websocket presented when last resolved."""
    _welcome: str = ""
    """What to say once the page has loaded again after a login ('' for nothing)."""
    _watch: str = ""
    """The lease of the current `watch_session` task (an older one stops)."""

    @rx.var
    def is_guest(self) -> bool:
        return not self.username

    @event
    async def restore_session(self) -> Events:
        """on_load of every page: the tab's user from its websocket's cookie, if still live."""
        seen = login_digest(self.router.headers.cookie)
        if seen != self._seen or self._user_id:
            try:
                account = await run_db(users.user_for_login, seen)
            except SQLAlchemyError:
                logger.exception("resolving a login failed")
                yield rx.toast.error(SERVER_TROUBLE)
                return
            if account is None:
                if self._user_id:
                    yield rx.toast.warning(LOGIN_ENDED, id="login-ended")
                elif seen and seen != self._seen and not self._welcome:
                    yield rx.toast.info("Your login has expired; please log in again.")
                await self._become_guest()
            elif account.id != self._user_id:
                await self._become(account)
            self._seen = seen
        if self._welcome:
            yield (
                rx.toast.success(self._welcome)
                if self._user_id
                else rx.toast.error("Your login could not be completed; please try again.")
            )
            self._welcome = ""
        if self._user_id:
            self._watch = uuid.uuid4().hex
            yield AuthState.watch_session(self._watch)

    @event(background=True)
    async def watch_session(self, lease: str) -> Events:
        """While the page is open: every `session_check_s`, is the tab's login still live?"""
        while True:
            await asyncio.sleep(get_config().session_check_s)
            async with self:
                if self._watch != lease or not self._user_id:
                    return
                seen, user_id = self._seen, self._user_id
            try:
                await run_db(check_signed_in, seen, user_id)
                continue
            except LoginEndedError:
                pass
            except SQLAlchemyError:
                logger.warning("checking a login failed; trying again later", exc_info=True)
                continue
            async with self:
                if self._watch != lease or self._user_id != user_id:
                    return
                ended = await self._login_ended()
            yield ended
            return

    @event
    async def log_in(self, form: dict[str, str]) -> Events:
        """Check the credentials; on success start a login and have the page claim its cookie."""
        try:
            fields = arguments.form(form, ["username", "password"])
        except arguments.ArgumentError as error:
            yield rx.toast.error(str(error))
            return
        username, password = fields["username"].strip(), fields["password"]
        if not username or not password:
            yield rx.toast.error("Enter your username and password.")
            return
        try:
            attempt = LOGIN_GATE.admit(normalize_username(username), self._address())
        except ThrottledError as throttled:
            yield rx.toast.error(throttled.message)
            return
        self.busy = True
        yield None  # send `busy` to the page before the slow part
        try:
            account = await check_credentials(attempt, username, password)
            if account is None:
                yield rx.toast.error(LOGIN_FAILED)
                return
            grant = await run_db(users.start_login, account.id)
        except SQLAlchemyError:
            logger.exception("log in failed")
            yield rx.toast.error(SERVER_TROUBLE)
            return
        finally:
            self.busy = False
        self._welcome = f"Welcome back, {account.username}."
        yield rx.call_script(claim_script(grant, self._backend()))

    @event
    async def register(self, form: dict[str, str]) -> Events:
        """Create an account (default watchlist) and log it in like `log_in`."""
        try:
            fields = arguments.form(form, ["username", "password", "confirm"])
            username = check_username(fields["username"])
            check_password(fields["password"], username)
            if fields["password"] != fields["confirm"]:
                raise CredentialError("The two passwords differ; type the same one twice.")
        except (arguments.ArgumentError, CredentialError) as error:
            yield rx.toast.error(str(error))
            return
        self.busy = True
        yield None  # send `busy` to the page before the slow part
        try:
            password_hash = await hash_password_async(fields["password"])
            account, grant = await run_db(_create_account, username, password_hash)
        except CredentialError as error:
            yield rx.toast.error(str(error))
            return
        except SQLAlchemyError:
            logger.exception("registration failed")
            yield rx.toast.error(SERVER_TROUBLE)
            return
        finally:
            self.busy = False
        self._welcome = f"Welcome, {account.username}! Your account is ready."
        yield rx.call_script(claim_script(grant, self._backend()))

    @event
    async def log_out(self) -> Events:
        """End this login: this tab becomes a guest with the default watchlist."""
        try:
            await run_db(users.end_login, login_digest(self.router.headers.cookie))
        except SQLAlchemyError:
            logger.exception("ending a login failed")
        await self._become_guest()
        yield rx.call_script(end_script(self._backend()))
        yield rx.toast.info("You are logged out. Prices keep streaming as a guest.")

    @event
    async def log_out_everywhere(self) -> Events:
        """End every login of the user (all browsers and devices), this one included."""
        if not self._user_id:
            return
        digest = login_digest(self.router.headers.cookie)
        try:
            await run_db(as_signed_in, digest, self._user_id, users.end_user_logins)
        except LoginEndedError:
            pass  # ended already: becoming a guest is all that is left
        except SQLAlchemyError:
            logger.exception("ending every login of user %s failed", self._user_id)
            yield rx.toast.error(SERVER_TROUBLE)
            return
        await self._become_guest()
        yield rx.call_script(end_script(self._backend()))
        yield rx.toast.info("You are logged out everywhere. Prices keep streaming as a guest.")

    # -- identity (used by the states that write for the user) -----------------------------------

    async def _login_ended(self) -> EventSpec:
        """The tab's login ended elsewhere: become a guest; the toast that says so."""
        await self._become_guest()
        return rx.toast.warning(LOGIN_ENDED, id="login-ended")

    async def _login_live(self) -> bool:
        """Whether the login this event's websocket presented is live and is this tab's user."""
        digest = login_digest(self.router.headers.cookie)
        try:
            await run_db(check_signed_in, digest, self._user_id)
        except LoginEndedError:
            return False
        return True

    def _address(self) -> str:
        return self.router.session.client_ip

    def _backend(self) -> str:
        """Where the page reaches the login cookie's endpoints (`backend_base`)."""
        return backend_base(self.router.headers.origin, self.router.headers.host)

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
        self._watch = ""
        if was_user or self._seen == UNRESOLVED:
            await self._identity_changed(default_symbols(), Preferences())

    async def _identity_changed(self, symbols: list[str], preferences: Preferences) -> None:
        watchlist = await self.get_state(WatchlistState)
        watchlist._load(self._user_id, symbols)
        settings = await self.get_state(PreferencesState)
        settings._load(self._user_id, preferences)


# -- units of work for `run_db` (each runs in a worker thread with its own session) -------------


def _create_account(db: Session, username: str, password_hash: str) -> tuple[Account, str]:
    account = users.create_user(db, username, password_hash)
    limit = get_config().watchlist_max_symbols
    watchlists.replace_symbols(db, account.id, default_symbols(), limit)
    return account, users.start_login(db, account.id)


def _load_profile(db: Session, user_id: int) -> tuple[list[str], Preferences]:
    return watchlists.load_symbols(db, user_id), load_preferences(db, user_id)
