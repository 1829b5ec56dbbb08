"""What a feed client hands its consumer: link states, batches, and how to coalesce them.

The consumer (one background task per browser tab) wakes on each arriving item and takes
everything that queued up meanwhile; `coalesce` folds that run into one update to apply:
the newest quote per channel and the newest link state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from enum import StrEnum

from realtime_server.protocol import Batch, Quote


class LinkState(StrEnum):
    """The state of the app's link to the feed; the values are the indicator's `data-state`."""

    IDLE = "idle"
    """Not started yet."""
    CONNECTING = "connecting"
    """First connection attempt under way."""
    LIVE = "live"
    """Connected and subscribed: updates are flowing."""
    RECONNECTING = "reconnecting"
    """The link dropped (or never came up) and is being retried."""
    POLLING = "polling"
    """Reserved: HTTP polling fallback (a later issue)."""
    OFFLINE = "offline"
    """Closed, or retrying was given up."""
    UNAUTHORIZED = "unauthorized"
    """The server refused this client's credentials."""


@dataclasses.dataclass(frozen=True, slots=True)
class LinkStateChanged:
    """The link moved to `state`."""

    state: LinkState


FeedEvent = Batch | LinkStateChanged
"""One item of a feed client's inbox, in arrival order."""


@dataclasses.dataclass(frozen=True, slots=True)
class Coalesced:
    """A run of feed events folded into the one update a consumer applies."""

    quotes: dict[str, Quote]
    """Newest quote per channel; insertion order follows first appearance."""
    state: LinkState | None
    """The newest link state in the run, or None when the run carried no state change."""
    batches: int
    """How many batches were folded together."""


def coalesce(events: Iterable[FeedEvent]) -> Coalesced:
    """Fold events in arrival order: the latest value per channel and the latest state win."""
    quotes: dict[str, Quote] = {}
    state: LinkState | None = None
    batches = 0
    for event in events:
        if isinstance(event, LinkStateChanged):
            state = event.state
            continue
        batches += 1
        for update in event.updates:
            quotes[update.channel] = update.data
    return Coalesced(quotes=quotes, state=state, batches=batches)
