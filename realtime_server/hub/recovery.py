"""What a subscribe ack carries: snapshots, positions, and recovery of missed messages.

For each channel of a subscribe:
- news channels named in `since` whose history still covers the client's position get
  exactly the messages it missed (`replay`) and no snapshot;
- every other channel gets its snapshot: the latest value (price, summary), recent bars,
  recent news, or — for `alerts:<user>` — every fired alert not yet acknowledged (alerts are
  durable until acknowledged, so a snapshot is their recovery);
- `recovered` is false when any news channel named in `since` could not be replayed, or a
  conflated channel's position is from another epoch (the client must reset from snapshots).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from realtime_server.hub.channels import ChannelLog
from realtime_server.protocol import Channel, ChannelKind, Position


class Snapshots(Protocol):
    """Supplies the current state of a channel for subscribe acks."""

    def snapshot(self, channel: Channel) -> Any | None: ...


def build_snapshot(
    log: ChannelLog,
    snapshots: Snapshots,
    channels: Iterable[Channel],
    since: Mapping[str, Position],
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {}
    positions: dict[str, Any] = {}
    replay: dict[str, list[dict[str, Any]]] = {}
    recovered = True
    for channel in channels:
        name = channel.name
        positions[name] = log.position(name)
        held = since.get(name)
        if held is not None:
            if channel.kind is ChannelKind.NEWS:
                missed = log.since(name, held.epoch, held.seq)
                if missed is not None:
                    replay[name] = [{"channel": name, "seq": s, "data": d} for s, d in missed]
                    continue
                recovered = False
            elif channel.kind is not ChannelKind.ALERTS and held.epoch != log.epoch:
                recovered = False
        value = snapshots.snapshot(channel)
        if value is not None:
            snapshot[name] = value
    return {
        "snapshot": snapshot,
        "positions": positions,
        "recovered": recovered,
        "replay": replay,
    }
