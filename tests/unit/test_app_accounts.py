"""Accounts and logins (`marketpulse.db.users`) and preferences on a temporary SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, create_engine, select

from marketpulse.auth.rules import CredentialError
from marketpulse.db import users
from marketpulse.db.models import LoginSession
from marketpulse.db.preferences import load_preferences, save_preferences
from marketpulse.display.preferences import PreferenceError, Preferences

HASH = "scrypt$n=2,r=1,p=1$c2FsdHNhbHQ=$" + "A" * 44


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_usernames_are_unique_case_insensitively(db: Session) -> None:
    alice = users.create_user(db, "Alice", HASH)
    assert alice.username == "alice"
    assert alice.subject.startswith("u-")
    with pytest.raises(CredentialError, match="taken"):
        users.create_user(db, "ALICE", HASH)
    found = users.find_user(db, " alice ")
    assert found is not None and found.id == alice.id


def test_subjects_are_distinct_and_opaque(db: Session) -> None:
    a = users.create_user(db, "alice", HASH)
    b = users.create_user(db, "bob", HASH)
    assert a.subject != b.subject
    assert "alice" not in a.subject


def _logged_in(db: Session, user_id: int, ttl_s: int = 3600, now: int = 1000) -> str:
    """A claimed login of `user_id`: the cookie's token."""
    token = users.claim_login(db, users.start_login(db, user_id, now=now), ttl_s, now=now + 1)
    assert token is not None
    return token


def test_a_login_is_claimed_once_within_its_minute_then_resolves_and_expires(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    grant = users.start_login(db, alice.id, now=1000)
    assert users.user_for_login(db, users.session_digest(grant), now=1001) is None  # unclaimed
    token = users.claim_login(db, grant, ttl_s=3600, now=1010)
    assert token is not None and token != grant
    assert users.claim_login(db, grant, ttl_s=3600, now=1011) is None  # once only
    digest = users.session_digest(token)
    assert users.user_for_login(db, digest, now=2000) == alice
    assert users.user_for_login(db, users.session_digest(token + "x"), now=2000) is None
    assert users.user_for_login(db, "", now=2000) is None
    assert users.user_for_login(db, digest, now=4610) is None  # expired, and forgotten
    assert db.exec(select(LoginSession)).all() == []


def test_an_unclaimed_grant_expires_after_a_minute(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    grant = users.start_login(db, alice.id, now=1000)
    assert users.claim_login(db, grant, ttl_s=3600, now=1000 + users.GRANT_TTL_S) is None


def test_logging_out_ends_one_login_and_everywhere_ends_all(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    bob = users.create_user(db, "bob", HASH)
    first, second = _logged_in(db, alice.id), _logged_in(db, alice.id)
    bobs = _logged_in(db, bob.id)
    users.end_login(db, users.session_digest(first))
    assert users.user_for_login(db, users.session_digest(first), now=2000) is None
    assert users.user_for_login(db, users.session_digest(second), now=2000) == alice
    pending = users.start_login(db, alice.id, now=1500)
    users.end_user_logins(db, alice.id)
    assert users.user_for_login(db, users.session_digest(second), now=2000) is None
    assert users.claim_login(db, pending, ttl_s=3600, now=1501) is None
    assert users.user_for_login(db, users.session_digest(bobs), now=2000) == bob


def test_a_password_change_stores_the_hash_and_ends_every_login(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    token = _logged_in(db, alice.id)
    users.change_password(db, alice.id, "new-hash")
    assert users.user_for_login(db, users.session_digest(token), now=2000) is None
    found = users.find_credentials(db, "alice")
    assert found is not None and found[1] == "new-hash"


def test_only_the_token_hash_is_stored(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    token = _logged_in(db, alice.id)
    stored = db.exec(select(LoginSession)).one()
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64 and stored.claimed


def test_preferences_default_then_round_trip(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    assert load_preferences(db, alice.id) == Preferences()
    chosen = (
        Preferences()
        .replace("color_scheme", "blue-orange")
        .replace("reduced_motion", "on")
        .replace("update_rate_ms", "1000")
        .replace("announcements", True)
        .replace("theme", "light")
    )
    save_preferences(db, alice.id, chosen)
    assert load_preferences(db, alice.id) == chosen
    save_preferences(db, alice.id, chosen.replace("theme", "dark"))
    assert load_preferences(db, alice.id).theme == "dark"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("color_scheme", "purple"),
        ("reduced_motion", "maybe"),
        ("theme", "sepia"),
        ("update_rate_ms", "7"),
        ("update_rate_ms", "fast"),
        ("nonsense", "x"),
    ],
)
def test_preferences_refuse_values_outside_the_choices(field: str, value: str) -> None:
    with pytest.raises(PreferenceError):
        Preferences().replace(field, value)
