"""Persisted watchlists (`marketpulse.db.watchlists`) on a temporary SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, create_engine

from marketpulse.db import watchlists
from marketpulse.db.users import create_user
from marketpulse.watchlist.rules import WatchlistError, check_offered, moved, normalize_symbol


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def user_id(db: Session) -> int:
    return create_user(db, "alice", "scrypt$n=2,r=1,p=1$c2FsdHNhbHQ=$" + "A" * 44).id


def test_a_new_user_has_an_empty_watchlist(db: Session, user_id: int) -> None:
    assert watchlists.load_symbols(db, user_id) == []


def test_add_appends_in_order_and_normalizes(db: Session, user_id: int) -> None:
    assert watchlists.add_symbol(db, user_id, "aapl", limit=10) == ["AAPL"]
    assert watchlists.add_symbol(db, user_id, " msft ", limit=10) == ["AAPL", "MSFT"]
    assert watchlists.add_symbol(db, user_id, "BRK.B", limit=10) == ["AAPL", "MSFT", "BRK.B"]
    assert watchlists.load_symbols(db, user_id) == ["AAPL", "MSFT", "BRK.B"]


def test_add_refuses_duplicates(db: Session, user_id: int) -> None:
    watchlists.add_symbol(db, user_id, "AAPL", limit=10)
    with pytest.raises(WatchlistError, match="already on your watchlist") as caught:
        watchlists.add_symbol(db, user_id, "aapl", limit=10)
    assert caught.value.level == "info"
    assert watchlists.load_symbols(db, user_id) == ["AAPL"]


def test_add_refuses_past_the_limit(db: Session, user_id: int) -> None:
    for symbol in ("A", "B", "C"):
        watchlists.add_symbol(db, user_id, symbol, limit=3)
    with pytest.raises(WatchlistError, match="at most 3 symbols"):
        watchlists.add_symbol(db, user_id, "D", limit=3)
    assert watchlists.load_symbols(db, user_id) == ["A", "B", "C"]


@pytest.mark.parametrize("raw", ["", "   ", "aapl!", "1ABC", "A" * 16, "AA PL"])
def test_add_refuses_malformed_symbols(db: Session, user_id: int, raw: str) -> None:
    with pytest.raises(WatchlistError):
        watchlists.add_symbol(db, user_id, raw, limit=10)
    assert watchlists.load_symbols(db, user_id) == []


def test_remove_keeps_the_order_of_the_rest(db: Session, user_id: int) -> None:
    watchlists.replace_symbols(db, user_id, ["AAPL", "MSFT", "NVDA", "TSLA"], limit=10)
    assert watchlists.remove_symbol(db, user_id, "msft") == ["AAPL", "NVDA", "TSLA"]
    assert watchlists.load_symbols(db, user_id) == ["AAPL", "NVDA", "TSLA"]
    assert watchlists.add_symbol(db, user_id, "MSFT", limit=10) == ["AAPL", "NVDA", "TSLA", "MSFT"]


def test_remove_of_a_missing_symbol_is_refused(db: Session, user_id: int) -> None:
    watchlists.replace_symbols(db, user_id, ["AAPL"], limit=10)
    with pytest.raises(WatchlistError, match="not on your watchlist"):
        watchlists.remove_symbol(db, user_id, "MSFT")


def test_reorder_moves_and_clamps(db: Session, user_id: int) -> None:
    watchlists.replace_symbols(db, user_id, ["A", "B", "C", "D"], limit=10)
    assert watchlists.move_symbol(db, user_id, "D", 0) == ["D", "A", "B", "C"]
    assert watchlists.move_symbol(db, user_id, "D", 2) == ["A", "B", "D", "C"]
    assert watchlists.move_symbol(db, user_id, "A", 99) == ["B", "D", "C", "A"]
    assert watchlists.move_symbol(db, user_id, "A", -5) == ["A", "B", "D", "C"]
    assert watchlists.load_symbols(db, user_id) == ["A", "B", "D", "C"]
    with pytest.raises(WatchlistError):
        watchlists.move_symbol(db, user_id, "Z", 0)


def test_replace_dedupes_normalizes_and_limits(db: Session, user_id: int) -> None:
    stored = watchlists.replace_symbols(db, user_id, ["aapl", "MSFT", "AAPL", "nvda", "TSLA"], 3)
    assert stored == ["AAPL", "MSFT", "NVDA"]
    assert watchlists.load_symbols(db, user_id) == ["AAPL", "MSFT", "NVDA"]


def test_users_do_not_see_each_others_lists(db: Session, user_id: int) -> None:
    other = create_user(db, "bob", "scrypt$n=2,r=1,p=1$c2FsdHNhbHQ=$" + "A" * 44).id
    watchlists.add_symbol(db, user_id, "AAPL", limit=10)
    watchlists.add_symbol(db, other, "AAPL", limit=10)
    watchlists.add_symbol(db, other, "TSLA", limit=10)
    watchlists.remove_symbol(db, user_id, "AAPL")
    assert watchlists.load_symbols(db, user_id) == []
    assert watchlists.load_symbols(db, other) == ["AAPL", "TSLA"]


def test_pure_rules() -> None:
    assert normalize_symbol(" brk.b ") == "BRK.B"
    assert moved(["A", "B", "C"], "C", 1) == ["A", "C", "B"]
    check_offered("AAPL", True)
    with pytest.raises(WatchlistError, match="ZZZZ is not traded"):
        check_offered("ZZZZ", False)
