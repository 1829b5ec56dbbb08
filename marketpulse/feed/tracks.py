"""Per-channel bookkeeping of the message pipeline: positions, gap buffers and counters.

`ChannelTrack` is one held channel's state (last applied position, the newest bar start for
bar channels, the hold-back buffer during gap recovery, what a poll showed beyond a gap);
`PipelineCounters` what the pipeline dropped and why; `AlertMemory` the bounded set of
fired-alert ids already shown.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Mapping

from realtime_server.protocol import ChannelData, ChannelKind, RequestError, Update, parse_channel

Snapshot = Mapping[str, ChannelData | list[ChannelData]]
"""A snapshot as acks and polls carry it: one value or a list per channel."""


@dataclasses.dataclass(slots=True)
class PipelineCounters:
    """Why updates were dropped, by cause."""

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
    gap_overflow: int = 0
    """Updates dropped because a gap's hold-back buffer was full."""


class ChannelTrack:
    """One held channel: where it stands and what is held back for it."""

    __slots__ = (
        "ahead",
        "buffer",
        "epoch",
        "kind",
        "last_bar_start",
        "lossless",
        "name",
        "recovering",
        "seq",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        try:
            self.kind: ChannelKind | None = parse_channel(name).kind
        except RequestError:
            self.kind = None
        self.lossless = self.kind in (ChannelKind.NEWS, ChannelKind.ALERTS)
        self.epoch: str | None = None
        self.seq: int | None = None
        """The last applied seq in `epoch` (None: nothing applied yet)."""
        self.last_bar_start: int | None = None
        """The newest bar start applied (bar channels): a poll hands on bars from there."""
        self.recovering = False
        """A gap was seen: later updates wait in `buffer` until the recovery is applied."""
        self.buffer: list[Update] = []
        self.ahead: set[int] = set()
        """Seqs beyond `seq` a poll already showed across a gap (news): not received in order
        yet, so `seq` stays; when the recovery brings them they advance `seq` silently."""

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
