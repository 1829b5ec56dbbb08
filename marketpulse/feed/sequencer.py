"""The message pipeline: per-channel order, dedupe and gap detection.

Every update the client hands on has passed through here, whatever carried it (a batch, a
subscribe ack's replay or snapshot, an HTTP poll):

- per channel, the last applied position `(epoch, seq)`; an update with `seq` ≤ the last one
  is dropped (a duplicate or stale), so applied seqs strictly increase per channel;
- on a lossless channel (news, alerts) a `seq` beyond last + 1 is a gap: the channel's later
  updates are held back, and the caller resubscribes it with `since` (`apply_ack` then replays
  the missing messages and releases the held ones in order), or accepts a snapshot reset;
- a poll never moves a lossless channel's position past what was received: polled headlines
  beyond a gap are shown at once but remembered as shown *ahead*, the position stays, and the
  socket's `since` then recovers the gap from history, skipping what was already shown;
- fired alerts are shown once per `id`, whichever path brings them (snapshot, batch, poll).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from marketpulse.feed.events import ChannelReset, FeedEvent
from marketpulse.feed.messages import SnapshotResponse, now_ms, snapshot_items
from marketpulse.feed.tracks import AlertMemory, ChannelTrack, PipelineCounters, Snapshot
from realtime_server.protocol import (
    Bar,
    Batch,
    ChannelData,
    ChannelKind,
    FiredAlert,
    Position,
    Update,
)


@dataclasses.dataclass(frozen=True, slots=True)
class AckOutcome:
    events: list[FeedEvent]
    replayed: int
    """Missed messages replayed from the ack's `replay`."""
    gaps: set[str]


class Sequencer:
    """Per-channel sequencing state of one client; see the module docstring."""

    def __init__(self, *, alert_memory: int = 10_000, gap_buffer: int = 1_000) -> None:
        self.counters = PipelineCounters()
        self._gap_buffer = gap_buffer
        self._tracks: dict[str, ChannelTrack] = {}
        self._alerts = AlertMemory(alert_memory)

    # -- what is held ---------------------------------------------------------------------------

    def channels(self) -> list[str]:
        return list(self._tracks)

    def holds(self, channel: str) -> bool:
        return channel in self._tracks

    def positions(self) -> dict[str, Position]:
        """The last applied position of every channel that has one (for `since`)."""
        return {
            t.name: Position(epoch=t.epoch, seq=t.seq)
            for t in self._tracks.values()
            if t.epoch is not None and t.seq is not None
        }

    def hold(self, channels: Iterable[str]) -> None:
        """Hold channels not yet subscribed (no position yet): the next connect subscribes them."""
        for name in channels:
            if name not in self._tracks:
                self._new_track(name)

    def drop(self, channels: Iterable[str]) -> None:
        for name in channels:
            self._tracks.pop(name, None)

    def abandon_recovery(self) -> None:
        """The socket dropped: forget held-back updates; `since` will recover them instead."""
        for track in self._tracks.values():
            track.recovering = False
            track.buffer = []

    # -- the three ways updates arrive ------------------------------------------------------------

    def apply_batch(self, batch: Batch) -> tuple[list[Update], set[str]]:
        """Updates of a batch to hand on, in order; and the lossless channels that have a gap."""
        out: list[Update] = []
        gaps: set[str] = set()
        for update in batch.updates:
            track = self._tracks.get(update.channel)
            if track is None:
                self.counters.unsolicited += 1
                continue
            self._offer(track, update, out, gaps)
        return out, gaps

    def apply_ack(
        self,
        channels: Sequence[str],
        snapshot: Snapshot,
        positions: Mapping[str, Position],
        replay: Mapping[str, list[Update]],
        *,
        reason: str,
    ) -> AckOutcome:
        """Take a subscribe/modify ack: replay recovered channels, reset the others."""
        resets: dict[str, tuple[ChannelData, ...]] = {}
        reset_at: dict[str, Position] = {}
        out: list[Update] = []
        gaps: set[str] = set()
        replayed = 0
        for name in channels:
            track = self._tracks.get(name) or self._new_track(name)
            position = positions.get(name)
            if name in replay:
                replayed += len(replay[name])
                self._replay(track, replay[name], position, out, gaps)
            elif self._take_snapshot(track, snapshot.get(name), position, out, gaps):
                resets[name] = snapshot_items(snapshot.get(name))
                if position is not None:
                    reset_at[name] = position
        return AckOutcome(self._events(resets, reset_at, out, reason), replayed, gaps)

    def apply_poll(self, response: SnapshotResponse) -> list[FeedEvent]:
        """Turn a polled snapshot into the updates (or resets) the client has not seen."""
        resets: dict[str, tuple[ChannelData, ...]] = {}
        reset_at: dict[str, Position] = {}
        out: list[Update] = []
        for name, position in response.positions.items():
            track = self._tracks.get(name)
            if track is None:
                continue
            value = response.snapshot.get(name)
            fresh = track.epoch != position.epoch or track.seq is None
            # Alerts: the snapshot holds every alert not yet acknowledged, so it is complete.
            if fresh or track.kind is ChannelKind.ALERTS:
                if self._take_snapshot(track, value, position, out, set()):
                    resets[name], reset_at[name] = snapshot_items(value), position
            elif track.kind is ChannelKind.NEWS:
                self._poll_news(track, snapshot_items(value), position, out)
            elif position.seq > (track.seq or 0):
                self._poll_updates(track, snapshot_items(value), position, out)
        return self._events(resets, reset_at, out, "poll")

    # -- internals --------------------------------------------------------------------------------

    def _new_track(self, name: str) -> ChannelTrack:
        track = self._tracks[name] = ChannelTrack(name)
        return track

    def _offer(
        self, track: ChannelTrack, update: Update, out: list[Update], gaps: set[str]
    ) -> None:
        """One update from the wire: dedupe, detect a gap, or apply it."""
        if track.recovering:
            if len(track.buffer) < self._gap_buffer:
                track.buffer.append(update)
            else:
                self.counters.gap_overflow += 1
            return
        if track.seq is not None:
            if update.seq == track.seq:
                self.counters.duplicates += 1
                return
            if update.seq < track.seq:
                self.counters.stale += 1
                return
            if track.lossless and update.seq > track.seq + 1:
                self.counters.gaps += 1
                track.recovering = True
                track.buffer.append(update)
                gaps.add(track.name)
                return
        track.seq = update.seq
        if update.seq in track.ahead:  # shown from a poll already; now received in order
            track.ahead.discard(update.seq)
            self.counters.duplicates += 1
            return
        self._admit(track, update, out)

    def _admit(self, track: ChannelTrack, update: Update, out: list[Update]) -> None:
        """An update in order: show each alert once, note the newest bar, hand it on."""
        data = update.data
        if isinstance(data, FiredAlert) and not self._alerts.first_sight(data.id):
            self.counters.alert_repeats += 1
            return
        if isinstance(data, Bar) and (track.last_bar_start or 0) < data.start:
            track.last_bar_start = data.start
        out.append(update)

    def _replay(
        self,
        track: ChannelTrack,
        missed: list[Update],
        position: Position | None,
        out: list[Update],
        gaps: set[str],
    ) -> None:
        """A recovered lossless channel: its missed messages, then what was held back."""
        held_back = track.take_buffer()
        if position is not None and track.epoch != position.epoch:
            track.epoch, track.seq = position.epoch, None
            track.ahead.clear()
        for update in [*missed, *held_back]:
            self._offer(track, update, out, gaps)

    def _take_snapshot(
        self,
        track: ChannelTrack,
        value: ChannelData | list[ChannelData] | None,
        position: Position | None,
        out: list[Update],
        gaps: set[str],
    ) -> bool:
        """Apply a snapshot; True when it is a reset the consumer must see."""
        same_epoch = position is not None and track.epoch == position.epoch
        held_back = track.take_buffer()
        items = snapshot_items(value)
        seq = position.seq if position is not None else 0
        if track.kind is ChannelKind.ALERTS:  # durable until acked: show the unseen ones
            ahead = same_epoch and track.seq is not None and track.seq >= seq
            if position is not None and not ahead:
                track.epoch, track.seq = position.epoch, seq
            for item in items:
                self._admit(track, Update(channel=track.name, seq=seq, data=item), out)
            reset = False
        elif same_epoch and track.seq is not None and track.seq > seq:
            reset = False  # a batch overtook this ack: what we hold is newer
        else:
            if position is not None:
                track.epoch, track.seq = position.epoch, seq
            track.ahead.clear()
            starts = [item.start for item in items if isinstance(item, Bar)]
            track.last_bar_start = max(starts, default=None)
            reset = True
        for update in held_back:
            self._offer(track, update, out, gaps)
        return reset

    def _poll_news(
        self,
        track: ChannelTrack,
        items: tuple[ChannelData, ...],
        position: Position,
        out: list[Update],
    ) -> None:
        """A polled news list: the channel's last len(items) messages, seqs ending at position.

        Those that follow what is held are applied in order; those beyond a gap (the list does
        not reach back to what is held) are shown but not taken as received: the position stays
        where it was, so the socket's `since` recovers the gap, and skips them (`ahead`).
        """
        first = position.seq - len(items) + 1
        if first > (track.seq or 0) + 1:
            self.counters.gaps += 1
        for offset, item in enumerate(items):
            seq = first + offset
            if seq <= (track.seq or 0) or seq in track.ahead:
                continue
            update = Update(channel=track.name, seq=seq, data=item)
            if seq == (track.seq or 0) + 1:
                self._offer(track, update, out, set())
                continue
            track.ahead.add(seq)
            if len(track.ahead) > self._gap_buffer:  # the oldest would only be shown twice
                track.ahead.discard(min(track.ahead))
            self._admit(track, update, out)

    def _poll_updates(
        self,
        track: ChannelTrack,
        items: tuple[ChannelData, ...],
        position: Position,
        out: list[Update],
    ) -> None:
        if track.kind is ChannelKind.BARS:
            start = track.last_bar_start
            items = tuple(
                b for b in items if isinstance(b, Bar) and (start is None or b.start >= start)
            )
        elif items:
            items = items[-1:]
        track.seq = position.seq
        for item in items:
            self._admit(track, Update(channel=track.name, seq=position.seq, data=item), out)

    def _events(
        self,
        resets: dict[str, tuple[ChannelData, ...]],
        reset_at: dict[str, Position],
        out: list[Update],
        reason: str,
    ) -> list[FeedEvent]:
        events: list[FeedEvent] = []
        if resets:
            events.append(ChannelReset(items=resets, positions=reset_at, reason=reason))
        if out:
            events.append(Batch(server_ts=now_ms(), updates=out))
        return events
