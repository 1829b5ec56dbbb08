"""`run_db`: the one way the app's states reach the database, off the event loop.

Every tab's event handlers and its live feed task share one event loop, so a query that waits
(a locked SQLite file, a slow database server) must not run on it. `run_db(fn, *args)` runs
`fn(session, *args)` in a worker thread (`asyncio.to_thread`) and hands back its result, or
raises what it raised. The session is opened and closed inside that thread: SQLAlchemy sessions
are not thread-safe, so one never crosses threads and each call is its own unit of work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import reflex as rx
from sqlmodel import Session

P = ParamSpec("P")
T = TypeVar("T")


async def run_db(fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(session, *args, **kwargs)` in a worker thread, with a session opened there."""

    def in_session() -> T:
        with rx.session() as db:
            return fn(db, *args, **kwargs)

    return await asyncio.to_thread(in_session)
