"""Both legs of the link behind the prices: browser ↔ app, and app ↔ feed.

`ConnectionState.status` is the app ↔ feed leg, written by the tab's feed task from the feed
client's `LinkState` (live, connecting, reconnecting, polling, offline, unauthorized).

The browser ↔ app leg is Reflex's own websocket, which only the browser can observe (while it is
down, the backend cannot tell the page anything): `app_link` is a frontend var over Reflex's
connection errors (the `connectErrors` the connection toaster reads) and `is_hydrated`: `live`
once the state is loaded over an open socket, `reconnecting` while connection attempts fail,
`connecting` before the first hydration.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from marketpulse.feed import LinkState


class ConnectionState(rx.State):
    """Cold state: changes only when the feed link changes state."""

    status: str = LinkState.CONNECTING.value
    """One of `LinkState`'s values (live, connecting, reconnecting, polling, offline, ...)."""


app_link: rx.Var[str] = rx.cond(
    has_connection_errors,
    "reconnecting",
    rx.cond(rx.State.is_hydrated, "live", "connecting"),
)
"""The browser ↔ app leg: live | connecting | reconnecting (evaluated in the browser)."""
