"""`WatchlistState`: the symbols this tab watches, in order, and the add/remove/move handlers.

A logged-in user's list is read from and written to the database on every change, in a worker
thread (`run_db`); the returned list is the stored one, so another tab's changes are picked up.
A guest's lives only in the tab, starting from the default watchlist. `AuthState` sets
`_user_id` when the user changes. `_version` counts changes: the tab's feed task compares it
inside its short lock and updates the rows and the subscription afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec
from sqlmodel import Session

from marketpulse.config import get_config
from marketpulse.db import watchlists
from marketpulse.db.offload import run_db
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
            symbol = normalize_symbol(str(form.get("symbol", "")))
            catalog = await self.get_state(CatalogState)
            check_offered(symbol, catalog._offers(symbol))
            await self._change(
                lambda db, user_id: watchlists.add_symbol(db, user_id, symbol, limit),
                lambda current: with_symbol(current, symbol, limit),
            )
        except WatchlistError as error:
            return _toast(error)
        return None

    @event
    async def remove_symbol(self, symbol: str) -> EventSpec | None:
        """Take `symbol` off the watchlist."""
        try:
            await self._change(
                lambda db, user_id: watchlists.remove_symbol(db, user_id, symbol),
                lambda current: without_symbol(current, normalize_symbol(symbol)),
            )
        except WatchlistError as error:
            return _toast(error)
        return None

    @event
    async def move_symbol(self, symbol: str, offset: int) -> EventSpec | None:
        """Move `symbol` `offset` places (negative: towards the top)."""
        if symbol not in self.symbols:
            return rx.toast.error(f"{symbol} is not on your watchlist.")
        index = self.symbols.index(symbol) + int(offset)
        try:
            await self._change(
                lambda db, user_id: watchlists.move_symbol(db, user_id, symbol, index),
                lambda current: moved(current, symbol, index),
            )
        except WatchlistError as error:
            return _toast(error)
        return None

    # -- used by AuthState and the feed task (not events) ---------------------------------------

    def _load(self, user_id: int, symbols: list[str]) -> None:
        """Show `symbols` as `user_id`'s list (0: a guest)."""
        self._user_id = user_id
        self._set(symbols)

    def _drop(self, symbols: list[str]) -> None:
        """Forget symbols the feed refused (already removed from the database)."""
        self._set([symbol for symbol in self.symbols if symbol not in symbols])

    def _set(self, symbols: list[str]) -> None:
        self.symbols = list(symbols)
        self._version += 1

    async def _change(
        self,
        stored: Callable[[Session, int], list[str]],
        local: Callable[[list[str]], list[str]],
    ) -> None:
        """A user's change is `stored(session, user_id)`, off the loop; a guest's is `local`."""
        if self._user_id:
            self._set(await run_db(stored, self._user_id))
        else:
            self._set(local(list(self.symbols)))
