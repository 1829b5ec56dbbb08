"""What a feed client hands its consumer, and how a run of it is folded into one update.

Events, in arrival order through `FeedClient.next_events()`:

    LinkStateChanged     the link's new `ConnectionStatus` (state, attempt, next retry, reason)
    ChannelReset         replace these channels' state with these items (a subscribe ack's or
                         a poll's snapshot, or a channel whose history could not be recovered)
    Batch                incremental updates, already validated, deduplicated and in order
    Resynced             a resubscription after a reconnect finished: recovered or not
    SubscriptionRefused  the server refused (re)subscribing channels; they were dropped

`coalesce` folds a run into a `Coalesced`: the newest quote per channel, the newest state, and
(added fields) bars, news, summary, alerts and resets — applying `resets` first and then the
rest reproduces the consumer's state exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from marketpulse.feed.status import ConnectionStatus, LinkState
from realtime_server.protocol import (
    Bar,
    Batch,
    ChannelData,
    FiredAlert,
    NewsItem,
    Position,
    Quote,
    Summary,
)

__all__ = [
    "Batch",
    "ChannelReset",
    "Coalesced",
    "FeedEvent",
    "LinkState",
    "LinkStateChanged",
    "Resynced",
    "SubscriptionRefused",
    "coalesce",
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
class Resynced:
    """The resubscription after a reconnect is done (its resets and replay came before it)."""

    recovered: bool
    """The server's verdict: every channel named in `since` was recovered exactly."""
    replayed: Mapping[str, int]
    """Missed messages replayed, per recovered lossless channel."""
    reset: tuple[str, ...]
    """Lossless channels that could not be recovered and were reset from a snapshot."""


@dataclasses.dataclass(frozen=True, slots=True)
class SubscriptionRefused:
    """The server refused (re)subscribing `channels`; the client no longer holds them."""

    channels: tuple[str, ...]
    code: str
    message: str


FeedEvent = LinkStateChanged | ChannelReset | Batch | Resynced | SubscriptionRefused
"""One item of a feed client's inbox, in arrival order."""


@dataclasses.dataclass(frozen=True, slots=True)
class Coalesced:
    """A run of feed events folded into the one update a consumer applies.

    Apply `resets` first (replace), then `quotes`, `bars`, `news`, `summary`, `alerts`.
    """

    quotes: dict[str, Quote]
    """Newest quote per channel (from batches and resets); insertion order: first appearance."""
    state: LinkState | None
    """The newest link state in the run, or None when the run carried no state change."""
    batches: int
    """How many batches were folded together."""
    status: ConnectionStatus | None = None
    """The newest full status in the run (attempt, next retry, reason), or None."""
    resets: dict[str, tuple[ChannelData, ...]] = dataclasses.field(default_factory=dict)
    """Channels to replace wholesale, with their items; later updates are in the fields below."""
    bars: dict[str, list[Bar]] = dataclasses.field(default_factory=dict)
    """Bar updates after any reset, per channel, oldest first; one entry per bar `start`
    (a forming bar's newer value replaces its older one)."""
    news: dict[str, list[NewsItem]] = dataclasses.field(default_factory=dict)
    """Every news item after any reset, per channel, in order."""
    summary: Summary | None = None
    """The newest summary (from a batch or a reset)."""
    alerts: list[FiredAlert] = dataclasses.field(default_factory=list)
    """Fired alerts seen for the first time, in order (each id once)."""
    resynced: Resynced | None = None
    """The newest resynchronisation report in the run."""
    refused: list[SubscriptionRefused] = dataclasses.field(default_factory=list)


def coalesce(events: Iterable[FeedEvent]) -> Coalesced:
    """Fold events in arrival order: the latest value per channel and the latest state win."""
    folded = Coalesced(quotes={}, state=None, batches=0)
    state: LinkState | None = None
    status: ConnectionStatus | None = None
    summary: Summary | None = None
    resynced: Resynced | None = None
    batches = 0
    for event in events:
        if isinstance(event, LinkStateChanged):
            state, status = event.state, event.status or status
        elif isinstance(event, ChannelReset):
            summary = _fold_reset(folded, event) or summary
        elif isinstance(event, Batch):
            batches += 1
            summary = _fold_batch(folded, event) or summary
        elif isinstance(event, Resynced):
            resynced = event
        else:
            folded.refused.append(event)
    return dataclasses.replace(
        folded, state=state, status=status, batches=batches, summary=summary, resynced=resynced
    )


def _fold_reset(folded: Coalesced, event: ChannelReset) -> Summary | None:
    summary: Summary | None = None
    for channel, items in event.items.items():
        folded.bars.pop(channel, None)
        folded.news.pop(channel, None)
        folded.resets[channel] = items
        for item in items:
            if isinstance(item, Quote):
                folded.quotes[channel] = item
            elif isinstance(item, Summary):
                summary = item
    return summary


def _fold_batch(folded: Coalesced, batch: Batch) -> Summary | None:
    summary: Summary | None = None
    for update in batch.updates:
        data = update.data
        if isinstance(data, Quote):
            folded.quotes[update.channel] = data
        elif isinstance(data, Bar):
            _put_bar(folded.bars.setdefault(update.channel, []), data)
        elif isinstance(data, NewsItem):
            folded.news.setdefault(update.channel, []).append(data)
        elif isinstance(data, Summary):
            summary = data
        else:
            folded.alerts.append(data)
    return summary


def _put_bar(bars: list[Bar], bar: Bar) -> None:
    """Replace the entry with the same `start` (a forming bar's newer value), else append."""
    for index in range(len(bars) - 1, -1, -1):
        if bars[index].start == bar.start:
            bars[index] = bar
            return
    bars.append(bar)
