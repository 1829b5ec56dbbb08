"""Accounts and logins: create and find users, start, claim, resolve and end login sessions.

Password hashing and the username/password rules live in `marketpulse.auth`; this module only
stores what they produce. A login begins when a password check passes (`start_login`): an
unclaimed row keyed by a one-time grant, which the tab's page trades within `GRANT_TTL_S` for
the session cookie (`claim_login`, called by the app's HTTP endpoint, which alone sets the
HttpOnly cookie). Tokens and grants are random (256 bits) and stored as their SHA-256 only; the
states know a login by that digest (`session_digest`), never by its token.

A login ends when its user logs out (`end_login`), logs out everywhere or changes their
password (`end_user_logins`, `change_password`), or its lifetime passes. Every write made for a
user re-checks its login first (`marketpulse.db.signed_in`), through `user_for_login`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import uuid

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select, update

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


def change_password(session: Session, user_id: int, password_hash: str) -> None:
    """Store a new hash chosen by the user and end every login of theirs, in one commit."""
    session.exec(update(User).where(col(User.id) == user_id).values(password_hash=password_hash))
    session.exec(delete(LoginSession).where(col(LoginSession.user_id) == user_id))
    session.commit()


GRANT_TTL_S = 60
"""How long a passed password check waits for its page to claim the session cookie."""


def start_login(session: Session, user_id: int, now: int | None = None) -> str:
    """A new, unclaimed login for `user_id`; returns its one-time grant for `claim_login`."""
    now = now_s() if now is None else now
    grant = secrets.token_urlsafe(32)
    session.exec(
        delete(LoginSession).where(
            col(LoginSession.user_id) == user_id, col(LoginSession.expires_at) <= now
        )
    )
    session.add(
        LoginSession(
            user_id=user_id,
            token_hash=session_digest(grant),
            claimed=False,
            created_at=now,
            expires_at=now + GRANT_TTL_S,
        )
    )
    session.commit()
    return grant


def claim_login(session: Session, grant: str, ttl_s: int, now: int | None = None) -> str | None:
    """Trade a grant for the session cookie's token, once and within its minute: the login
    then lasts `ttl_s`. None for a grant that is unknown, expired or already claimed."""
    now = now_s() if now is None else now
    token = secrets.token_urlsafe(32)
    claimed = session.exec(
        update(LoginSession)
        .where(
            col(LoginSession.token_hash) == session_digest(grant),
            col(LoginSession.claimed).is_(False),
            col(LoginSession.expires_at) > now,
        )
        .values(token_hash=session_digest(token), claimed=True, expires_at=now + ttl_s)
    )
    session.commit()
    return token if claimed.rowcount == 1 else None


def user_for_login(session: Session, digest: str, now: int | None = None) -> Account | None:
    """The user of a claimed, unexpired login, by its token's digest (None: no such login)."""
    if not digest:
        return None
    now = now_s() if now is None else now
    login = session.exec(
        select(LoginSession).where(
            LoginSession.token_hash == digest, col(LoginSession.claimed).is_(True)
        )
    ).first()
    if login is None:
        return None
    if login.expires_at <= now:
        session.delete(login)
        session.commit()
        return None
    user = session.get(User, login.user_id)
    return Account.of(user) if user is not None else None


def end_login(session: Session, digest: str) -> None:
    """End the login with this token digest (log out). Unknown ones are ignored."""
    if digest:
        session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == digest))
        session.commit()


def end_user_logins(session: Session, user_id: int) -> None:
    """End every login of `user_id`, claimed or not (log out everywhere)."""
    session.exec(delete(LoginSession).where(col(LoginSession.user_id) == user_id))
    session.commit()


def session_digest(token: str) -> str:
    """How a login's token (or grant) is stored and known: its SHA-256, hex ('' for none)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest() if token else ""
