"""A user's display preferences: the allowed values, the defaults, and validation.

Pure Python: the settings state, the settings page and the database layer all read the same
choices from here. `Preferences.validated(field, value)` is the one gate every change goes
through, so a crafted event cannot store a value the page would not offer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marketpulse.config import get_config

COLOR_SCHEMES: dict[str, str] = {"red-green": "Red / green", "blue-orange": "Blue / orange"}
REDUCED_MOTION: dict[str, str] = {
    "system": "Follow my system",
    "on": "Always reduce motion",
    "off": "Never reduce motion",
}
THEMES: dict[str, str] = {"dark": "Dark", "light": "Light"}
UPDATE_RATES_MS: tuple[int, ...] = (100, 250, 500, 1000, 2000)
"""Intervals (ms) between two price batches a user may ask the feed for."""


class PreferenceError(ValueError):
    """A preference value outside its allowed choices; the message is for the user."""


def update_rates_ms() -> list[int]:
    """The update rates offered, including the configured default."""
    return sorted({*UPDATE_RATES_MS, get_config().feed_throttle_ms})


def default_update_rate_ms() -> int:
    return get_config().feed_throttle_ms


@dataclasses.dataclass(frozen=True, slots=True)
class Preferences:
    """One user's preferences (a guest gets the defaults)."""

    color_scheme: str = "red-green"
    reduced_motion: str = "system"
    update_rate_ms: int = dataclasses.field(default_factory=default_update_rate_ms)
    announcements: bool = False
    theme: str = "dark"

    def replace(self, field: str, value: Any) -> Preferences:
        """A copy with `field` set to `value`, validated (`PreferenceError` when not allowed)."""
        return dataclasses.replace(self, **{field: validated(field, value)})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


FIELDS = tuple(field.name for field in dataclasses.fields(Preferences))


def validated(field: str, value: Any) -> Any:
    """`value` converted to the field's type, or `PreferenceError` if it is not a choice."""
    choices: dict[str, Any] = {
        "color_scheme": COLOR_SCHEMES,
        "reduced_motion": REDUCED_MOTION,
        "theme": THEMES,
    }
    if field in choices:
        if value not in choices[field]:
            raise PreferenceError(f"Unknown {field.replace('_', ' ')}: {value!r}.")
        return str(value)
    if field == "update_rate_ms":
        try:
            rate = int(value)
        except (TypeError, ValueError):
            raise PreferenceError("The update rate must be a number of milliseconds.") from None
        if rate not in update_rates_ms():
            raise PreferenceError(f"An update every {rate} ms is not one of the choices.")
        return rate
    if field == "announcements":
        if isinstance(value, str):
            return value.lower() in {"true", "on", "1", "yes"}
        return bool(value)
    raise PreferenceError(f"There is no preference called {field!r}.")
