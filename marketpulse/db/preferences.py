"""Persisted preferences: a user's row in `preferences`, as `display.preferences.Preferences`."""

from __future__ import annotations

from sqlmodel import Session

from marketpulse.db.models import UserPreferences
from marketpulse.display.preferences import FIELDS, Preferences


def load_preferences(session: Session, user_id: int) -> Preferences:
    """The user's preferences; the defaults when they never saved any."""
    row = session.get(UserPreferences, user_id)
    if row is None:
        return Preferences()
    return Preferences(**{field: getattr(row, field) for field in FIELDS})


def save_preferences(session: Session, user_id: int, preferences: Preferences) -> None:
    """Store all of the user's preferences (insert or update)."""
    row = session.get(UserPreferences, user_id) or UserPreferences(user_id=user_id)
    for field, value in preferences.as_dict().items():
        setattr(row, field, value)
    session.add(row)
    session.commit()
