"""`as_signed_in`: a user's write, made only while the login it is made for is still live.

A tab is a user because its websocket presented that user's login cookie; the login can end at
any moment elsewhere (a logout in another tab, "log out everywhere", a password change) or by
expiry. Every write for a user therefore runs as `as_signed_in(session, digest, user_id, write)`:
in the same unit of work, just before writing, it checks that the login with this token digest
is live and belongs to `user_id`, and raises `LoginEndedError` otherwise, so the state turns
the tab into a guest instead of writing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from marketpulse.db.users import user_for_login

T = TypeVar("T")


class LoginEndedError(Exception):
    """The login a write was made for has ended (or never was): nothing was written."""


def check_signed_in(session: Session, digest: str, user_id: int) -> None:
    """`LoginEndedError` unless the login with `digest` is live and is `user_id`'s."""
    account = user_for_login(session, digest)
    if account is None or account.id != user_id:
        raise LoginEndedError


def as_signed_in(
    session: Session, digest: str, user_id: int, write: Callable[[Session, int], T]
) -> T:
    """`write(session, user_id)`, after `check_signed_in` in the same session."""
    check_signed_in(session, digest, user_id)
    return write(session, user_id)
