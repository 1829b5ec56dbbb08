"""Event arguments as a crafted event may send them (`marketpulse.state.arguments`), and a
user's write made only while their login is live (`marketpulse.db.signed_in`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, SQLModel, create_engine

from marketpulse.db import users, watchlists
from marketpulse.db.signed_in import LoginEndedError, as_signed_in
from marketpulse.state import arguments
from marketpulse.state.arguments import ArgumentError

HASH = "scrypt$n=2,r=1,p=1$c2FsdHNhbHQ=$" + "A" * 44


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (-2, -2), (2.0, 2), (0, 0)])
def test_whole_numbers(value: Any, expected: int) -> None:
    assert arguments.whole_number(value, "offset", 50) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x", "whole number"),
        ("3", "whole number"),
        (None, "whole number"),
        (True, "whole number"),
        (1.5, "whole number"),
        (float("nan"), "whole number"),
        (float("inf"), "whole number"),
        ([1], "whole number"),
        (51, "between -50 and 50"),
        (1e308, "between -50 and 50"),
    ],
)
def test_anything_else_is_not_a_whole_number(value: Any, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        arguments.whole_number(value, "offset", 50)


@pytest.mark.parametrize("value", [1, None, ["AAPL"], {"a": 1}, True])
def test_text_must_be_a_string(value: Any) -> None:
    with pytest.raises(ArgumentError, match="The symbol must be text"):
        arguments.text(value, "symbol")


def test_text_is_bounded() -> None:
    assert arguments.text("AAPL", "symbol") == "AAPL"
    with pytest.raises(ArgumentError, match="too long"):
        arguments.text("A" * (arguments.MAX_TEXT + 1), "symbol")


@pytest.mark.parametrize("value", ["true", "yes", 1, None, {}])
def test_a_flag_is_only_true_or_false(value: Any) -> None:
    assert arguments.flag(True, "switch") is True
    with pytest.raises(ArgumentError, match="on or off"):
        arguments.flag(value, "switch")


def test_a_form_yields_its_fields_as_text() -> None:
    assert arguments.form({"symbol": "AAPL", "extra": [1]}, ["symbol", "note"]) == {
        "symbol": "AAPL",
        "note": "",
    }
    for malformed in ("AAPL", ["symbol"], None, 7):
        with pytest.raises(ArgumentError, match="malformed"):
            arguments.form(malformed, ["symbol"])
    with pytest.raises(ArgumentError, match="The symbol must be text"):
        arguments.form({"symbol": ["AAPL"]}, ["symbol"])


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_a_write_is_made_only_while_the_login_is_live_and_the_users(db: Session) -> None:
    alice = users.create_user(db, "alice", HASH)
    bob = users.create_user(db, "bob", HASH)
    token = users.claim_login(db, users.start_login(db, alice.id), ttl_s=3600)
    assert token is not None
    digest = users.session_digest(token)

    def add(symbol: str) -> Any:
        return lambda session, user_id: watchlists.add_symbol(session, user_id, symbol, 10)

    assert as_signed_in(db, digest, alice.id, add("AAPL")) == ["AAPL"]
    with pytest.raises(LoginEndedError):
        as_signed_in(db, digest, bob.id, add("MSFT"))  # alice's login is not bob's
    with pytest.raises(LoginEndedError):
        as_signed_in(db, "", alice.id, add("MSFT"))  # no cookie at all
    users.end_login(db, digest)
    with pytest.raises(LoginEndedError):
        as_signed_in(db, digest, alice.id, add("ORCL"))
    assert watchlists.load_symbols(db, alice.id) == ["AAPL"]
    assert watchlists.load_symbols(db, bob.id) == []
