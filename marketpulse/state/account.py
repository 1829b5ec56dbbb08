"""`AccountState`: a logged-in user changes their password.

The current password is checked through the login throttle (`LOGIN_GATE`: guessing it here
is guessing a password like anywhere else), the new one against the rules. Then, in one unit
of work and only while the tab's login is live (`marketpulse.db.signed_in`), the new hash is
stored, every login of the user ends — their other tabs, browsers and devices stop writing at
once and become guests within `session_check_s` — and a new login starts for this tab, whose
page claims its cookie and loads again (`marketpulse.auth.session_routes`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import reflex as rx
from reflex.event import EventSpec
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from marketpulse.auth.credentials import check_credentials
from marketpulse.auth.passwords import hash_password_async
from marketpulse.auth.rules import CredentialError, check_password
from marketpulse.auth.session_cookie import login_digest
from marketpulse.auth.session_routes import claim_script
from marketpulse.auth.throttle import LOGIN_GATE, ThrottledError
from marketpulse.db import users
from marketpulse.db.offload import run_db
from marketpulse.db.signed_in import LoginEndedError, as_signed_in
from marketpulse.state import arguments
from marketpulse.state.auth import SERVER_TROUBLE, AuthState
from marketpulse.state.event import event

logger = logging.getLogger(__name__)

WRONG_PASSWORD = "Your current password is not right."
CHANGED = "Your password is changed. Your other logins have ended."


class AccountState(rx.State):
    """Cold state: only the password form's progress."""

    busy: rx.Field[bool] = rx.field(False)
    """A password change is being checked (the form disables its button)."""

    @event
    async def change_password(self, form: dict[str, str]) -> AsyncIterator[EventSpec | None]:
        """Check the current password, store the new one, end the other logins."""
        auth = await self.get_state(AuthState)
        if auth.is_guest:
            yield rx.toast.info("Log in to change your password.")
            return
        try:
            fields = arguments.form(form, ["current", "password", "confirm"])
            check_password(fields["password"], auth.username)
            if fields["password"] != fields["confirm"]:
                raise CredentialError("The two new passwords differ; type the same one twice.")
            attempt = LOGIN_GATE.admit(auth.username, auth._address())
        except (arguments.ArgumentError, CredentialError) as error:
            yield rx.toast.error(str(error))
            return
        except ThrottledError as throttled:
            yield rx.toast.error(throttled.message)
            return
        user_id, digest = auth._user_id, login_digest(self.router.headers.cookie)
        self.busy = True
        yield None  # send `busy` to the page before the slow part
        try:
            if await check_credentials(attempt, auth.username, fields["current"]) is None:
                yield rx.toast.error(WRONG_PASSWORD)
                return
            password_hash = await hash_password_async(fields["password"])
            auth._watch = ""  # this tab's own login ends too: its watcher must not say so
            grant = await run_db(
                as_signed_in,
                digest,
                user_id,
                lambda db, user: _replace_password(db, user, password_hash),
            )
        except LoginEndedError:
            yield await auth._login_ended()
            return
        except SQLAlchemyError:
            logger.exception("changing the password of user %s failed", user_id)
            yield rx.toast.error(SERVER_TROUBLE)
            return
        finally:
            self.busy = False
        auth._welcome = CHANGED
        yield rx.call_script(claim_script(grant, auth._backend()))


def _replace_password(db: Session, user_id: int, password_hash: str) -> str:
    """Store the new hash, end every login of the user, start this tab's: its grant."""
    users.change_password(db, user_id, password_hash)
    return users.start_login(db, user_id)
