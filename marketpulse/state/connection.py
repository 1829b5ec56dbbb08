"""`ConnectionState`: the feed link's state as the connection indicator shows it."""

from __future__ import annotations

import reflex as rx

from marketpulse.feed import LinkState


class ConnectionState(rx.State):
    """Cold state: changes only when the feed link changes state."""

    status: str = LinkState.CONNECTING.value
    """One of `LinkState`'s values (live, connecting, reconnecting, polling, offline, ...)."""
