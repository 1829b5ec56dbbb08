"""Both legs of the link behind the prices (browser ↔ app, app ↔ feed), and the user's controls.

`ConnectionState` is the app ↔ feed leg, written by the tab's feed task from the feed client:
its `LinkState` (live, connecting, reconnecting, polling, offline, unauthorized), the attempt
number and the time of the next retry, the round trip and a 0-3 quality gauge. Its handlers are
the user's controls: reconnect now, pause live updates (WCAG 2.2.2), and the tab's visibility
(a hidden tab is sent nothing and catches up when shown again).

The browser ↔ app leg is Reflex's own websocket, which only the browser can observe (while it is
down, the backend cannot tell the page anything): `app_link` is a frontend var over Reflex's
connection errors (the `connectErrors` the connection toaster reads) and `is_hydrated`: `live`
once the state is loaded over an open socket, `reconnecting` while connection attempts fail,
`connecting` before the first hydration.

What the page says about the feed leg follows the app leg: `feed_link`, `feed_quality` and
`feed_quality_label` are the backend's word only while the app link is live. When it is down
(the app died or the network dropped) the last status the backend sent is stale: the feed leg
then reads as the app leg does (reconnecting, or connecting), the gauge as no connection, and
no widget's freshness can be live. The tab's feed task starts again once the app is back.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.number import NumberVar
from reflex.vars.sequence import StringVar
from reflex_components_core.core.banner import has_connection_errors

from marketpulse.feed import ConnectionStatus, FeedMetricsSnapshot, LinkState
from marketpulse.state.event import event
from marketpulse.streaming.quality import LABELS, link_quality
from marketpulse.streaming.refusals import link_refusal_message


class ConnectionState(rx.State):
    """Cold state: changes when the link changes state, or about once a second while it lives."""

    status: rx.Field[str] = rx.field(LinkState.CONNECTING.value)
    """One of `LinkState`'s values (live, connecting, reconnecting, polling, offline, ...)."""
    attempt: rx.Field[int] = rx.field(0)
    """The next retry's number while reconnecting or polling; 0 otherwise."""
    next_retry_at: rx.Field[int] = rx.field(0)
    """When the next connection attempt starts (ms since the epoch); 0 when none is due."""
    reason: rx.Field[str] = rx.field("")
    rtt_ms: rx.Field[int] = rx.field(0)
    """The median app-level round trip to the feed (ms); 0 before the first ping."""
    rtt_p95_ms: rx.Field[int] = rx.field(0)
    quality: rx.Field[int] = rx.field(0)
    paused: rx.Field[bool] = rx.field(False)
    """The user paused live updates: nothing new is shown until they resume."""
    visible: rx.Field[bool] = rx.field(True)
    """The browser tab is visible (`document.visibilityState`)."""

    _reconnect_requested: bool = False

    @rx.var
    def quality_label(self) -> str:
        return LABELS[max(0, min(self.quality, len(LABELS) - 1))]

    @event
    def reconnect_now(self) -> None:
        self._reconnect_requested = True

    @event
    def toggle_pause(self) -> None:
        self.paused = not self.paused

    @event
    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)

    # -- the feed task's side (not events) -----------------------------------------------------

    def _showing(self) -> bool:
        """Whether updates should reach the page now."""
        return self.visible and not self.paused

    def _take_reconnect(self) -> bool:
        if not self._reconnect_requested:
            return False  # read every flush: assigning would mark the state dirty each time
        self._reconnect_requested = False
        return True

    def _apply_status(self, status: ConnectionStatus) -> None:
        self.status = status.state.value
        self.attempt = status.attempt
        self.next_retry_at = status.next_retry_at or 0
        self.reason = link_refusal_message(status) or status.reason

    def _apply_metrics(self, metrics: FeedMetricsSnapshot) -> None:
        rtt, p95 = round(metrics.rtt_p50_ms or 0), round(metrics.rtt_p95_ms or 0)
        quality = link_quality(metrics.state, metrics.rtt_p95_ms, metrics.last_message_age_s)
        if (rtt, p95, quality) != (self.rtt_ms, self.rtt_p95_ms, self.quality):
            self.rtt_ms, self.rtt_p95_ms, self.quality = rtt, p95, quality


app_link: rx.Var[str] = rx.cond(
    has_connection_errors,
    "reconnecting",
    rx.cond(rx.State.is_hydrated, "live", "connecting"),
)
"""The browser ↔ app leg: live | connecting | reconnecting (evaluated in the browser)."""

_app_live = app_link == "live"
feed_link: StringVar = rx.cond(_app_live, ConnectionState.status, app_link).to(str)
"""The feed leg as the page can vouch for it (evaluated in the browser): the backend's status
while the app link is live, else the app link's own state (reconnecting or connecting)."""
feed_quality: NumberVar[int] = rx.cond(_app_live, ConnectionState.quality, 0).to(int)
"""The 0-3 gauge, 0 (no connection) while the app link is down."""
feed_quality_label: StringVar = rx.cond(_app_live, ConnectionState.quality_label, LABELS[0]).to(str)
