"""What a feed client hands its consumer, in arrival order, through `FeedClient.next_events()`.

    LinkStateChanged     the link's new `ConnectionStatus` (state, attempt, next retry, reason)
    ChannelReset         replace these channels' state with these items (a subscribe ack's or
                         a poll's snapshot, or a channel whose history could not be recovered)
    Batch                incremental updates, already validated, deduplicated and in order
    SubscriptionRefused  the server refused resubscribing channels after a reconnect (e.g. a
                         symbol it no longer trades); the client no longer holds them

Applying the events in order, resets as replacements and batches as updates, reproduces the
feed's state exactly; the consumer folds them once, into whatever it shows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from marketpulse.feed.status import ConnectionStatus, LinkState
from realtime_server.protocol import Batch, ChannelData, Position

__all__ = [
    "Batch",
    "ChannelReset",
    "FeedEvent",
    "LinkState",
    "LinkStateChanged",
    "SubscriptionRefused",
]


@dataclasses.dataclass(frozen=True, slots=True)
class LinkStateChanged:
    """The link moved to `state`; `status` has the details (equality looks at `state` only)."""

    state: LinkState
    status: ConnectionStatus | None = dataclasses.field(default=None, compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class ChannelReset:
    """Replace each named channel's state with its items (oldest first; may be empty)."""

    items: Mapping[str, tuple[ChannelData, ...]]
    positions: Mapping[str, Position]
    reason: str
    """`subscribe` (a new subscription), `resubscribe` (after a reconnect, not recoverable or
    conflated), `gap` (a lossless gap recovered by snapshot), `poll` (HTTP fallback)."""


@dataclasses.dataclass(frozen=True, slots=True)
class SubscriptionRefused:
    """The server refused resubscribing `channels`; the client no longer holds them."""

    channels: tuple[str, ...]
    code: str
    message: str


FeedEvent = LinkStateChanged | ChannelReset | Batch | SubscriptionRefused
"""One item of a feed client's inbox, in arrival order."""
