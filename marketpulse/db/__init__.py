"""The app's database: SQLModel tables and the functions that read and write them.

Every function takes an open `sqlmodel.Session` (the states call them through `offload.run_db`,
which opens one in a worker thread; tests pass a session on a temporary SQLite file) and commits
its own change, so each is one unit of work. The schema
is migrated with `reflex db` (the `alembic/` folder at the repository root).
"""

from marketpulse.db.models import LoginSession, User, UserPreferences, WatchlistItem

__all__ = ["LoginSession", "User", "UserPreferences", "WatchlistItem"]
