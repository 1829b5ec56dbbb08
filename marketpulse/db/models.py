"""The tables: users, their login sessions, watchlist items and preferences.

Plain SQLModel tables: Reflex 0.10 deprecates `rx.Model` in favour of the ORM itself, and
`reflex db` migrates every table in `SQLModel.metadata` (the metadata `rx.Model` shares), so
these are found as long as the app imports this module. Times are integer seconds since the
epoch (no time-zone ambiguity across SQLite and other databases).
"""

from __future__ import annotations

import time

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


def now_s() -> int:
    """The wall clock in whole seconds since the epoch."""
    return int(time.time())


class User(SQLModel, table=True):
    """An account. `subject` is the stable, opaque id the feed knows the user by (JWT `sub`)."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    subject: str = Field(max_length=64, unique=True)
    created_at: int = Field(default_factory=now_s)


class LoginSession(SQLModel, table=True):
    """A login: only the SHA-256 of its random token is stored, so a database leak is no key.

    A login starts unclaimed: `token_hash` is then the hash of a one-time grant that the tab's
    page trades, within a minute, for the session cookie (`marketpulse.db.users.claim_login`);
    the claim stores the hash of the cookie's token instead and the login's whole lifetime.
    """

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    claimed: bool = False
    created_at: int = Field(default_factory=now_s)
    expires_at: int


class WatchlistItem(SQLModel, table=True):
    """One symbol of a user's watchlist at `position` (0 first)."""

    __tablename__ = "watchlist_items"
    __table_args__ = (UniqueConstraint("user_id", "symbol", name="uq_watchlist_user_symbol"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    symbol: str = Field(max_length=16)
    position: int = 0


class UserPreferences(SQLModel, table=True):
    """A user's display preferences (`marketpulse.display.preferences` holds the choices)."""

    __tablename__ = "preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    color_scheme: str = Field(default="red-green", max_length=16)
    reduced_motion: str = Field(default="system", max_length=16)
    update_rate_ms: int = 250
    announcements: bool = False
    theme: str = Field(default="dark", max_length=16)
