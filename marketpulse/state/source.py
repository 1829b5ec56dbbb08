"""`SourceState`: what the header's source badge shows — where the prices come from, the
market's session, any delay, and what is wrong while the source is not ok.

On the dashboard the tab's feed task writes it from the `source` channel (`_apply`, about once
a second while something changes). Other pages run no feed: the badge asks `probe` when it
mounts, which takes what this tab already knows, else the newest status the app process has
(`marketpulse.streaming.source_probe`). A replay's clock ticks in the browser from the anchor
(`clock` at `clock_at`, `speed`); it is assigned again only when the replay moves off it.

`data_link` is the link every widget's freshness reads: the feed link, except while the source
is not ok, when it reads `source_down` and every widget's data is stale at once (no price
arrives, and none is made up, while a source is down).
"""

from __future__ import annotations

import time

import reflex as rx
from reflex.vars.sequence import StringVar

from marketpulse.auth.feed_tokens import mint_feed_token, signing_ready
from marketpulse.config import get_config
from marketpulse.display.source import UNKNOWN_LABEL, SourceView, announcement, reanchor
from marketpulse.state.auth import AuthState
from marketpulse.state.connection import feed_link
from marketpulse.state.event import event
from marketpulse.streaming.source_probe import SOURCE_PROBE

SOURCE_DOWN = "source_down"
"""The link word of `data_link` while the source is not ok (freshness: stale)."""


def _now_ms() -> int:
    return int(time.time() * 1000)


class SourceState(rx.State):
    """Cold state: changes when the source's words change (under a replay, its session's
    countdown: about once a second at x60)."""

    kind: rx.Field[str] = rx.field("")
    """simulated, replay or live; "" until known."""
    state: rx.Field[str] = rx.field("")
    """ok, starting, retrying or down; "" until known."""
    label: rx.Field[str] = rx.field("")
    session: rx.Field[str] = rx.field("")
    delay: rx.Field[str] = rx.field("")
    trouble: rx.Field[str] = rx.field("")
    retry_at: rx.Field[int] = rx.field(0)
    news: rx.Field[str] = rx.field("")
    """generated, none, or "" until known."""
    clock: rx.Field[int] = rx.field(0)
    clock_at: rx.Field[int] = rx.field(0)
    speed: rx.Field[float] = rx.field(1.0)
    zone: rx.Field[str] = rx.field("UTC")
    zone_label: rx.Field[str] = rx.field("UTC")
    announcement: rx.Field[str] = rx.field("")
    """Said once by the badge's polite status region when the source goes down or is back."""

    _shown: SourceView | None = None

    @rx.var
    def healthy(self) -> bool:
        """The source is ok (or not known yet: then the feed link alone decides)."""
        return self.state in ("", "ok")

    @event(background=True)
    async def probe(self) -> None:
        """A page without a feed: show what the app process knows of the source."""
        async with self:
            if self.kind:
                return
            auth = await self.get_state(AuthState)
            subject = auth._subject
        token = mint_feed_token(subject) if subject and signing_ready() else None
        view = await SOURCE_PROBE.latest(get_config().feed_url_list(), token, _now_ms)
        async with self:
            if self.kind:
                return  # a feed task got there first
            if view is None:
                self.label = UNKNOWN_LABEL
            else:
                self._show(view)

    # -- the feed task's side (not events) -----------------------------------------------------

    def _apply(self, view: SourceView, received_at_ms: int) -> None:
        """Show the newest status (`view`), and remember it for the process's other pages."""
        self._show(view)
        SOURCE_PROBE.remember(view, received_at_ms)

    def _show(self, view: SourceView) -> None:
        said = announcement(self._shown, view)
        moved = reanchor(self._shown, view)
        self._shown = view
        if said:
            self.announcement = said
        if moved:
            self.clock, self.clock_at, self.speed = view.clock, view.clock_at, view.speed
        for name in ("kind", "state", "label", "session", "delay", "trouble"):
            self._set(name, getattr(view, name))
        for name in ("retry_at", "news", "zone", "zone_label"):
            self._set(name, getattr(view, name))

    def _set(self, name: str, value: object) -> None:
        """Assign only a changed value: Reflex sends whatever is assigned."""
        if getattr(self, name) != value:
            setattr(self, name, value)


data_link: StringVar = rx.cond(SourceState.healthy, feed_link, SOURCE_DOWN).to(str)
"""What every widget's freshness reads: the feed link while the source is ok (or not known),
`source_down` (stale) while it is not."""
