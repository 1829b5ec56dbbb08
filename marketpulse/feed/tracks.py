"""Per-channel bookkeeping of the message pipeline: positions, caches, hooks and counters.

`ChannelTrack` is one held channel's state (last applied position, replay cache, hold-back
buffer during gap recovery, client-side throttle slot); `SubscriptionHooks` the options a
subscription attaches to its channels; `PipelineCounters` what the pipeline dropped and why;
`AlertMemory` the bounded set of fired-alert ids already shown.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping

from realtime_server.protocol import ChannelData, ChannelKind, RequestError, Update, parse_channel

Transform = Callable[[Update], Update | None]
"""Rewrites an update on its way to the consumer, or drops it by returning None."""
Snapshot = Mapping[str, ChannelData | list[ChannelData]]
"""A snapshot as acks and polls carry it: one value or a list per channel."""


@dataclasses.dataclass(frozen=True, slots=True)
class SubscriptionHooks:
    """Client-side options of one subscription (applied to each of its channels)."""

    throttle_ms: int = 0
    """At most one update per this many ms per conflated channel (0: no client throttle)."""
    transform: Transform | None = None


@dataclasses.dataclass(slots=True)
class PipelineCounters:
    """Why updates were dropped (or held), by cause."""

    duplicates: int = 0
    """Updates whose seq equals the last applied one."""
    stale: int = 0
    """Updates older than the last applied one."""
    unsolicited: int = 0
    """Updates of channels not held (e.g. just unsubscribed)."""
    gaps: int = 0
    """Gaps detected on lossless channels."""
    alert_repeats: int = 0
    """Fired alerts dropped because their id was already shown."""
    filtered: int = 0
    """Updates dropped by a transform hook."""
    throttled: int = 0
    """Updates superseded while held by a client throttle."""
    gap_overflow: int = 0
    """Updates dropped because a gap's hold-back buffer was full."""


class ChannelTrack:
    """One held channel: where it stands and what is cached or held back for it."""

    __slots__ = (
        "buffer",
        "cache",
        "epoch",
        "held",
        "hooks",
        "kind",
        "last_emit",
        "lossless",
        "name",
        "recovering",
        "seq",
    )

    def __init__(self, name: str, cache_size: int) -> None:
        self.name = name
        try:
            self.kind: ChannelKind | None = parse_channel(name).kind
        except RequestError:
            self.kind = None
        self.lossless = self.kind in (ChannelKind.NEWS, ChannelKind.ALERTS)
        self.epoch: str | None = None
        self.seq: int | None = None
        """The last applied seq in `epoch` (None: nothing applied yet)."""
        self.cache: deque[Update] = deque(maxlen=cache_size)
        self.hooks = SubscriptionHooks()
        self.recovering = False
        """A gap was seen: later updates wait in `buffer` until the recovery is applied."""
        self.buffer: list[Update] = []
        self.held: Update | None = None
        """The newest update held back by the client throttle."""
        self.last_emit = float("-inf")

    @property
    def throttle_due(self) -> float:
        """When (monotonic seconds) the throttle lets the next update through."""
        return self.last_emit + self.hooks.throttle_ms / 1000

    def take_buffer(self) -> list[Update]:
        """End a recovery: hand back the held-back updates."""
        held_back, self.buffer, self.recovering = self.buffer, [], False
        return held_back


class AlertMemory:
    """The last `size` fired-alert ids shown, so each alert is shown once."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_sight(self, alert_id: str) -> bool:
        """True the first time an id is seen (and remember it)."""
        if alert_id in self._ids:
            return False
        self._ids[alert_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True
