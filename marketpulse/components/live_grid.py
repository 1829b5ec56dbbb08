"""`LiveGrid`: the Reflex wrapper of `live_grid.jsx` beside this file (a shared asset).

The watchlist's price grid re-renders only the rows whose values changed (see the module's
header for why, and for the DOM hooks). Props mirror `watchlist(...)`'s arguments; the three
handlers receive a column (`on_sort`) or a symbol (`on_select`, `on_alert`).
"""

from __future__ import annotations

import reflex as rx
from reflex_base.components.component import field
from reflex_base.event import EventHandler, passthrough_event_spec
from reflex_base.vars.base import Var

# Imported for its side effect too: the grid's module imports the freshness dot's module,
# which Reflex links into the build only when its wrapper is imported.
from marketpulse.components import freshness as _freshness  # noqa: F401

_MODULE = rx.asset("live_grid.jsx", shared=True)


class LiveGrid(rx.Component):
    """`<LiveGrid>`: sortable price rows, each memoised by symbol."""

    library: str | None = _MODULE.importable_path
    tag: str | None = "LiveGrid"

    rows: Var[list] = field(doc="The visible page of `QuoteRow`s.")
    sort_key: Var[str] = field(doc="The column sorted by, or `order` (the watchlist's own).")
    descending: Var[bool] = field(doc="Whether the sort runs largest first.")
    selected: Var[str] = field(doc="The chart's symbol (its row is marked).")
    link: Var[str] = field(doc="The feed link's state, for each row's freshness dot.")
    row_delayed_ms: Var[int] = field(doc="A row's age (ms) from which it counts as delayed.")
    row_stale_ms: Var[int] = field(doc="A row's age (ms) from which it counts as stale.")
    clock_at: Var[int] = field(doc="A replay's market clock (ms) at `clock_anchored_at`; 0 = none.")
    clock_anchored_at: Var[int] = field(doc="When `clock_at` was read (the app's clock, ms).")
    clock_speed: Var[float] = field(doc="Market ms per wall ms of that clock.")
    time_zone: Var[str] = field(doc="The zone of the rows' times (\"\" = the browser's).")

    on_sort: EventHandler[passthrough_event_spec(str)] = field(doc="A column header pressed.")  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, read at runtime
    on_select: EventHandler[passthrough_event_spec(str)] = field(doc="A symbol pressed.")  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, read at runtime
    on_alert: EventHandler[passthrough_event_spec(str)] = field(doc="A row's bell pressed.")  # type: ignore[type-arg, valid-type]  # Reflex's event-trigger spec, read at runtime
