"""`WatchlistState`: the symbols this tab watches, in order, and the add/remove/move handlers.

A logged-in user's list is read from and written to the database on every change, in a worker
thread (`run_db`); the returned list is the stored one, so another tab's changes are picked up.
Each write first checks, in the same unit of work, that the tab's login is still live
(`marketpulse.db.signed_in`): when it has ended (a logout in another tab, a password change),
nothing is written and the tab becomes a guest. A guest's list lives only in the tab, starting
from the default watchlist. `AuthState` sets `_user_id` when the user changes. `_version`
counts changes: the tab's feed task compares it inside its short lock and updates the rows and
the subscription afterwards. Arguments are checked (`marketpulse.state.arguments`): a crafted
one gets a toast saying what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from marketpulse.auth.session_cookie import login_digest
from marketpulse.config import get_config
from marketpulse.db import watchlists
from marketpulse.db.offload import run_db
from marketpulse.db.signed_in import LoginEndedError, as_signed_in
from marketpulse.state import arguments
from marketpulse.state.catalog import CatalogState
from marketpulse.state.event import event
from marketpulse.watchlist.defaults import default_symbols
from marketpulse.watchlist.rules import (
    WatchlistError,
    check_offered,
    moved,
    normalize_symbol,
    with_symbol,
    without_symbol,
)


def _toast(error: WatchlistError) -> EventSpec:
    show = rx.toast.info if error.level == "info" else rx.toast.error
    return show(error.message)


class WatchlistState(rx.State):
    """Cold state: changes only when the user edits the watchlist or logs in or out."""

    symbols: rx.Field[list[str]] = rx.field(default_factory=default_symbols)

    _user_id: int = 0
    _version: int = 0

    @event
    async def add_symbol(self, form: dict[str, str]) -> EventSpec | None:
        """Add the symbol typed in the form (validated; a toast says why when refused)."""
        limit = get_config().watchlist_max_symbols
        try:
            symbol = normalize_symbol(arguments.form(form, ["symbol"])["symbol"])
            catalog = await self.get_state(CatalogState)
            check_offered(symbol, catalog._offers(symbol))
            return await self._change(
                lambda db, user_id: watchlists.add_symbol(db, user_id, symbol, limit),
                lambda current: with_symbol(current, symbol, limit),
            )
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        except WatchlistError as error:
            return _toast(error)

    @event
    async def remove_symbol(self, symbol: str) -> EventSpec | None:
        """Take `symbol` off the watchlist."""
        try:
            name = normalize_symbol(arguments.text(symbol, "symbol"))
            return await self._change(
                lambda db, user_id: watchlists.remove_symbol(db, user_id, name),
                lambda current: without_symbol(current, name),
            )
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        except WatchlistError as error:
            return _toast(error)

    @event
    async def move_symbol(self, symbol: str, offset: int) -> EventSpec | None:
        """Move `symbol` `offset` places (negative: towards the top)."""
        try:
            name = arguments.text(symbol, "symbol")
            bound = get_config().watchlist_max_symbols
            places = arguments.whole_number(offset, "number of places to move", bound)
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        if name not in self.symbols:
            return rx.toast.error(f"{name} is not on your watchlist.")
        index = self.symbols.index(name) + places
        try:
            return await self._change(
                lambda db, user_id: watchlists.move_symbol(db, user_id, name, index),
                lambda current: moved(current, name, index),
            )
        except WatchlistError as error:
            return _toast(error)

    # -- used by AuthState and the feed task (not events) ---------------------------------------

    def _load(self, user_id: int, symbols: list[str]) -> None:
        """Show `symbols` as `user_id`'s list (0: a guest)."""
        self._user_id = user_id
        self._set(symbols)

    def _set(self, symbols: list[str]) -> None:
        self.symbols = list(symbols)
        self._version += 1

    async def _change(
        self,
        stored: Callable[[Session, int], list[str]],
        local: Callable[[list[str]], list[str]],
    ) -> EventSpec | None:
        """A user's change is `stored(session, user_id)`, off the loop, while their login is
        live; a guest's is `local`. Returns the events to send (a toast when the login ended)."""
        if not self._user_id:
            self._set(local(list(self.symbols)))
            return None
        digest = login_digest(self.router.headers.cookie)
        try:
            self._set(await run_db(as_signed_in, digest, self._user_id, stored))
        except LoginEndedError:
            from marketpulse.state.auth import AuthState  # here: auth imports this module

            auth = await self.get_state(AuthState)
            return await auth._login_ended()
        return None
