"""`visibility_watcher(on_change)` and `countdown(until)`: browser-side helpers of the link.

Thin wrappers around `link_hooks.jsx` beside this file (a shared asset): the tab's visibility
is reported to the app so a hidden tab is sent nothing, and a reconnect countdown ticks in the
browser without the server sending anything.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex_base.components.component import field
from reflex_base.event import EventHandler, passthrough_event_spec
from reflex_base.vars.base import Var

_MODULE = rx.asset("link_hooks.jsx", shared=True)


class VisibilityWatcher(rx.Component):
    """Calls `on_change(visible: bool)` when the tab is shown or hidden; renders nothing."""

    library: str | None = _MODULE.importable_path
    tag: str | None = "VisibilityWatcher"

    on_change: EventHandler[passthrough_event_spec(bool)] = field(  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, read at runtime
        doc="Fired with True when the tab becomes visible, False when hidden."
    )


class Countdown(rx.Component):
    """`retry in N s` until `until` (ms since the epoch); nothing when `until` is 0."""

    library: str | None = _MODULE.importable_path
    tag: str | None = "Countdown"

    until: Var[int] = field(doc="When the retry starts, ms since the epoch; 0 = none.")
    lead: Var[str] = field(doc='The words before the seconds (default "retry in").')
    due: Var[str] = field(doc='The words once `until` has passed (default "retrying…").')


def visibility_watcher(on_change: EventType[bool]) -> rx.Component:
    return VisibilityWatcher.create(on_change=on_change)


def countdown(until: rx.Var[int], **props: object) -> rx.Component:
    """The ticking countdown to `until`; `lead=`, `due=` and DOM props pass through."""
    return Countdown.create(until=until, **props)
