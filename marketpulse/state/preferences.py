"""`PreferencesState`: the user's display preferences, applied at once and saved when logged in.

Colour scheme and reduced motion become classes on the page root (`page_class`), the theme is
applied by `components.theme_sync`, the update rate is read by the tab's feed task (which asks
the feed for it), and announcements switch the price announcer on. A guest's changes last for
the tab; a user's are stored (in a worker thread, `run_db`) while their login is live: the save
checks it first (`marketpulse.db.signed_in`), and when it has ended nothing is saved and the tab
becomes a guest. `AuthState` loads them on login and resets them on logout. Every value is
validated (`display.preferences`; the announcements switch must send a boolean).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy.exc import SQLAlchemyError

from marketpulse.auth.session_cookie import login_digest
from marketpulse.db.offload import run_db
from marketpulse.db.preferences import save_preferences
from marketpulse.db.signed_in import LoginEndedError, as_signed_in
from marketpulse.display.preferences import PreferenceError, Preferences, default_update_rate_ms
from marketpulse.state import arguments
from marketpulse.state.event import event

logger = logging.getLogger(__name__)


class PreferencesState(rx.State):
    """Cold state: changes only when the user changes a preference or logs in or out."""

    color_scheme: rx.Field[str] = rx.field("red-green")
    reduced_motion: rx.Field[str] = rx.field("system")
    update_rate_ms: rx.Field[int] = rx.field(default_factory=default_update_rate_ms)
    announcements: rx.Field[bool] = rx.field(False)
    theme: rx.Field[str] = rx.field("dark")

    _user_id: int = 0

    @rx.var
    def page_class(self) -> str:
        """Classes of the page root that select the colour scheme and the motion policy."""
        return f"mp-page mp-scheme-{self.color_scheme} mp-motion-{self.reduced_motion}"

    @rx.var
    def update_rate_choice(self) -> str:
        """The update rate as the select's string value."""
        return str(self.update_rate_ms)

    @event
    async def change_color_scheme(self, value: str) -> EventSpec | None:
        return await self._change("color_scheme", lambda: arguments.text(value, "colour scheme"))

    @event
    async def change_reduced_motion(self, value: str) -> EventSpec | None:
        return await self._change("reduced_motion", lambda: arguments.text(value, "motion"))

    @event
    async def change_update_rate(self, value: str) -> EventSpec | None:
        return await self._change("update_rate_ms", lambda: arguments.text(value, "update rate"))

    @event
    async def change_announcements(self, value: bool) -> EventSpec | None:
        return await self._change("announcements", lambda: arguments.flag(value, "announcements"))

    @event
    async def change_theme(self, value: str) -> EventSpec | None:
        return await self._change("theme", lambda: arguments.text(value, "theme"))

    # -- used by AuthState (not events) ----------------------------------------------------------

    def _load(self, user_id: int, preferences: Preferences) -> None:
        self._user_id = user_id
        for field, value in preferences.as_dict().items():
            setattr(self, field, value)

    def _current(self) -> Preferences:
        return Preferences(
            color_scheme=self.color_scheme,
            reduced_motion=self.reduced_motion,
            update_rate_ms=self.update_rate_ms,
            announcements=self.announcements,
            theme=self.theme,
        )

    async def _change(self, field: str, value: Callable[[], Any]) -> EventSpec | None:
        """Set `field` to the checked `value()`, saved first for a user whose login is live."""
        try:
            updated = self._current().replace(field, value())
        except (arguments.ArgumentError, PreferenceError) as error:
            return rx.toast.error(str(error))
        if self._user_id:
            digest = login_digest(self.router.headers.cookie)
            try:
                await run_db(
                    as_signed_in,
                    digest,
                    self._user_id,
                    lambda db, user_id: save_preferences(db, user_id, updated),
                )
            except LoginEndedError:
                from marketpulse.state.auth import AuthState  # here: auth imports this module

                auth = await self.get_state(AuthState)
                return await auth._login_ended()
            except SQLAlchemyError:
                logger.exception("saving the preferences of user %s failed", self._user_id)
                return rx.toast.error("Your settings could not be saved; please try again.")
        self._load(self._user_id, updated)
        return None
