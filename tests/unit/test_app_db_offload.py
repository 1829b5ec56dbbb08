"""`run_db` (`marketpulse.db.offload`): the states' database calls leave the event loop free.

The app's database is pointed at a SQLite file in a temporary directory; `rx.session()` inside
`run_db` opens it as the states do. A second connection holds the file's lock (`BEGIN
EXCLUSIVE`), so a call through `run_db` really waits (up to the busy timeout) while a ticker task
on the loop must keep ticking at its period.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import reflex as rx
import reflex.model
from sqlmodel import Session, SQLModel, create_engine

from marketpulse.db import watchlists
from marketpulse.db.offload import run_db
from marketpulse.db.users import create_user
from marketpulse.watchlist.rules import WatchlistError

HASH = "scrypt$n=2,r=1,p=1$c2FsdHNhbHQ=$" + "A" * 44
TICK_S = 0.01
TICKS_WHILE_STUCK = 25
MAX_GAP_S = 1.0
"""Longest pause between two ticks tolerated on a busy machine; the lock is held far longer."""
BUSY_TIMEOUT_S = 10
"""How long the app's connection waits for the lock before giving up (the URL's `timeout`)."""
WAIT_S = 5.0


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The app's database (what `rx.session()` opens) is a fresh SQLite file with the tables."""
    path = tmp_path / "app.db"
    engine = create_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    monkeypatch.setattr(reflex.model, "_ENGINE", {})
    monkeypatch.setattr(
        rx.config.get_config(), "db_url", f"sqlite:///{path}?timeout={BUSY_TIMEOUT_S}"
    )
    yield path
    for app_engine in reflex.model._ENGINE.values():
        app_engine.dispose()


def _user_with(path: Path, symbols: list[str]) -> int:
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as db:
        user_id = create_user(db, "alice", HASH).id
        watchlists.replace_symbols(db, user_id, symbols, limit=10)
    engine.dispose()
    return user_id


async def test_the_loop_keeps_ticking_while_a_database_call_waits_on_a_lock(app_db: Path) -> None:
    user_id = _user_with(app_db, ["AAPL", "MSFT"])
    loop = asyncio.get_running_loop()
    entered = asyncio.Event()
    enough = asyncio.Event()
    ticks: list[float] = []

    def load(db: Session, user: int) -> list[str]:
        loop.call_soon_threadsafe(entered.set)
        return watchlists.load_symbols(db, user)

    async def ticker() -> None:
        """Tick at `TICK_S`; once the call is under way, note each tick until there are enough."""
        while True:
            await asyncio.sleep(TICK_S)
            if entered.is_set():
                ticks.append(time.monotonic())
                if len(ticks) >= TICKS_WHILE_STUCK:
                    enough.set()

    holder = sqlite3.connect(app_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    ticking = asyncio.create_task(ticker())
    call = asyncio.create_task(run_db(load, user_id))
    try:
        await asyncio.wait_for(enough.wait(), WAIT_S)
        assert not call.done(), "the call should still be waiting on the lock"
        assert max(later - earlier for earlier, later in itertools.pairwise(ticks)) < MAX_GAP_S
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        ticking.cancel()
    assert await asyncio.wait_for(call, WAIT_S) == ["AAPL", "MSFT"]


async def test_results_and_errors_come_back_as_the_query_functions_give_them(
    app_db: Path,
) -> None:
    user_id = _user_with(app_db, ["AAPL"])
    loop_thread = threading.get_ident()

    def where(db: Session) -> int:
        return threading.get_ident()

    assert await run_db(where) != loop_thread
    assert await run_db(watchlists.add_symbol, user_id, "msft", 10) == ["AAPL", "MSFT"]
    with pytest.raises(WatchlistError, match="already on your watchlist") as caught:
        await run_db(watchlists.add_symbol, user_id, "AAPL", 10)
    assert caught.value.level == "info"  # the state's toast picks its level from it
    assert await run_db(watchlists.load_symbols, user_id) == ["AAPL", "MSFT"]
