"""Channel positions: the one place where sequence numbers are assigned.

Every published value is appended here first. A channel's `seq` starts at 1 and grows by one
per value within the log's `epoch`; the epoch is fresh for each server start, so a client
holding a position from another epoch knows the stream it followed is gone.
"""

from __future__ import annotations

import secrets
from typing import Any


class ChannelLog:
    """Latest value and position of every channel that has published."""

    __slots__ = ("_latest", "_seq", "epoch")

    def __init__(self, epoch: str | None = None) -> None:
        self.epoch = epoch or secrets.token_hex(4)
        self._seq: dict[str, int] = {}
        self._latest: dict[str, Any] = {}

    def append(self, channel: str, data: Any) -> int:
        """Record `data` as the channel's newest value and return its sequence number."""
        seq = self._seq.get(channel, 0) + 1
        self._seq[channel] = seq
        self._latest[channel] = data
        return seq

    def seq(self, channel: str) -> int:
        """The channel's last assigned sequence number (0 before its first value)."""
        return self._seq.get(channel, 0)

    def latest(self, channel: str) -> Any | None:
        return self._latest.get(channel)

    def position(self, channel: str) -> dict[str, Any]:
        return {"epoch": self.epoch, "seq": self.seq(channel)}
