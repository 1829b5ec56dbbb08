"""`event`: Reflex's `rx.event` decorator, declared in a form mypy reads.

Reflex types an event handler for checkers as an `EventCallback[*args]`: read on the state
class and called with values it is the bound event (`EventCallback[()]`), and a component
argument typed `EventType[...]` checks the handler's arguments against what it passes. `rx.event`
declares this in the overloads of `EventNamespace.__new__`, and mypy reads a `__new__` that
returns something other than its own class as returning the class (python/mypy#15182): to mypy,
every `@rx.event` handler would be an `EventNamespace`, not callable and accepted nowhere. The
same overloads on a plain function are read as written. At run time `event` is `rx.event`
itself, so the states behave exactly as with `@rx.event`.

The states decorate every handler with `@event`, and `@event(background=True)` for a background
task (the only keyword the app uses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVarTuple, Unpack, overload

import reflex as rx
from reflex.event import EventCallback

Args = TypeVarTuple("Args")


class _Decorator(Protocol):
    def __call__(self, func: Callable[[Any, Unpack[Args]], Any], /) -> EventCallback[*Args]: ...


if TYPE_CHECKING:

    @overload
    def event(func: Callable[[Any, Unpack[Args]], Any], /) -> EventCallback[*Args]: ...

    @overload
    def event(*, background: bool = ...) -> _Decorator: ...

    def event(func: Callable[..., Any] | None = None, /, *, background: bool = False) -> Any: ...

else:
    event = rx.event
