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


def test_sessions_resolve_expire_and_end(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    token = users.start_session(db, alice.id, ttl_s=3600, now=1000)
    assert users.user_for_session(db, token, now=2000) == alice
    assert users.user_for_session(db, token + "x", now=2000) is None
    assert users.user_for_session(db, "", now=2000) is None
    assert users.user_for_session(db, token, now=4600) is None  # expired, and forgotten
    assert db.exec(select(LoginSession)).all() == []
    token = users.start_session(db, alice.id, ttl_s=3600, now=5000)
    users.end_session(db, token)
    assert users.user_for_session(db, token, now=5001) is None


def test_only_the_token_hash_is_stored(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    token = users.start_session(db, alice.id, ttl_s=3600)
    stored = db.exec(select(LoginSession)).one()
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


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
