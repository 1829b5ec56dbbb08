"""Accounts and logins: create and find users, start, resolve and end login sessions.

Password hashing and the username/password rules live in `marketpulse.auth`; this module only
stores what they produce. A login session's token is random (256 bits), handed to the browser
once, and stored here as its SHA-256 only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from marketpulse.auth.rules import CredentialError, normalize_username
from marketpulse.db.models import LoginSession, User, now_s


@dataclasses.dataclass(frozen=True, slots=True)
class Account:
    """Who a user is, detached from any database session (safe to keep after it closes)."""

    id: int
    username: str
    subject: str

    @classmethod
    def of(cls, user: User) -> Account:
        assert user.id is not None
        return cls(id=user.id, username=user.username, subject=user.subject)


def create_user(session: Session, username: str, password_hash: str) -> Account:
    """Store a new user; `CredentialError` when the (normalized) username is taken."""
    user = User(
        username=normalize_username(username),
        password_hash=password_hash,
        subject=f"u-{uuid.uuid4().hex}",
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise CredentialError("That username is taken; please choose another.") from None
    session.refresh(user)
    return Account.of(user)


def find_user(session: Session, username: str) -> User | None:
    """The user with this username (compared case-insensitively), if any."""
    name = normalize_username(username)
    return session.exec(select(User).where(User.username == name)).first()


def find_credentials(session: Session, username: str) -> tuple[Account, str] | None:
    """The account with this username and its stored password hash, if any (for a login)."""
    user = find_user(session, username)
    return (Account.of(user), user.password_hash) if user is not None else None


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace a user's stored hash (after a login with outdated hash parameters)."""
    user = session.get(User, user_id)
    if user is not None:
        user.password_hash = password_hash
        session.add(user)
        session.commit()


def start_session(session: Session, user_id: int, ttl_s: int, now: int | None = None) -> str:
    """A new login for `user_id`, valid `ttl_s`; returns the token for the browser's cookie."""
    now = now_s() if now is None else now
    token = secrets.token_urlsafe(32)
    session.exec(
        delete(LoginSession).where(
            col(LoginSession.user_id) == user_id, col(LoginSession.expires_at) <= now
        )
    )
    session.add(
        LoginSession(
            user_id=user_id, token_hash=_digest(token), created_at=now, expires_at=now + ttl_s
        )
    )
    session.commit()
    return token


def user_for_session(session: Session, token: str, now: int | None = None) -> Account | None:
    """The user a login token belongs to, or None when it is unknown or expired."""
    if not token:
        return None
    now = now_s() if now is None else now
    login = session.exec(
        select(LoginSession).where(LoginSession.token_hash == _digest(token))
    ).first()
    if login is None:
        return None
    if login.expires_at <= now:
        session.delete(login)
        session.commit()
        return None
    user = session.get(User, login.user_id)
    return Account.of(user) if user is not None else None


def end_session(session: Session, token: str) -> None:
    """Forget a login token (log out). Unknown tokens are ignored."""
    if token:
        session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == _digest(token)))
        session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
