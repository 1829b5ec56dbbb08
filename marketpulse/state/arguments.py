"""Event arguments as they arrive: whatever JSON the tab's websocket carried, checked.

Reflex hands an event's payload to its handler as decoded JSON. The handler's annotations are
hints Reflex may convert a string by (`"3"` for an `int`), not checks: a crafted event (or a
page of another version) can pass a string where a number belongs, a list for a form, a
number for a symbol. Every handler that takes arguments reads them through these functions,
which return the value in the shape the handler expects or raise `ArgumentError` with a
message for the user, so a crafted argument gets a clear toast within the event, not an
exception.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

MAX_TEXT = 200
"""Longest text argument a handler reads (a symbol, a rule id, a form field)."""


class ArgumentError(ValueError):
    """An event argument of the wrong shape; the message is for the user."""


def text(value: Any, what: str, max_length: int = MAX_TEXT) -> str:
    """`value` as a string of at most `max_length` characters."""
    if not isinstance(value, str):
        raise ArgumentError(f"The {what} must be text.")
    if len(value) > max_length:
        raise ArgumentError(f"The {what} is too long (at most {max_length} characters).")
    return value


def whole_number(value: Any, what: str, bound: int) -> int:
    """`value` as an integer between `-bound` and `bound` (a whole float such as 2.0 too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgumentError(f"The {what} must be a whole number.")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise ArgumentError(f"The {what} must be a whole number.")
    number = int(value)
    if abs(number) > bound:
        raise ArgumentError(f"The {what} must be between -{bound} and {bound}.")
    return number


def flag(value: Any, what: str) -> bool:
    """`value` as a boolean: only `true` or `false`."""
    if not isinstance(value, bool):
        raise ArgumentError(f"The {what} must be on or off.")
    return value


def form(value: Any, fields: Iterable[str]) -> dict[str, str]:
    """A submitted form's `fields` as text ('' for a missing one); other keys are ignored."""
    if not isinstance(value, dict):
        raise ArgumentError("The form's data is malformed.")
    return {field: text(value.get(field, ""), field.replace("_", " ")) for field in fields}
