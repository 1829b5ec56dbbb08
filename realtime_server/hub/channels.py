"""Channel positions and history: the one place where sequence numbers are assigned.

Every published value is appended here first. A channel's `seq` starts at 1 and grows by one
per message within the log's `epoch`; the epoch is fresh for each server start (history is
in memory), so a client holding a position from another epoch knows its stream is gone.

Lossless channels (news, alerts) also keep their last `history_size` messages, so that a
client that was away can be sent exactly what it missed (`since`).
"""

from __future__ import annotations

import secrets
from collections import deque
from typing import Any

Message = tuple[int, Any]
"""(seq, data) as kept in a channel's history."""


class ChannelLog:
    """Latest value, position and (for lossless channels) bounded history of every channel."""

    __slots__ = ("_history", "_latest", "_seq", "epoch", "history_size")

    def __init__(self, epoch: str | None = None, history_size: int = 500) -> None:
        self.epoch = epoch or secrets.token_hex(4)
        self.history_size = history_size
        self._seq: dict[str, int] = {}
        self._latest: dict[str, Any] = {}
        self._history: dict[str, deque[Message]] = {}

    def append(self, channel: str, data: Any, keep: bool = False) -> int:
        """Record `data` as the channel's newest message and return its sequence number.

        `keep` adds it to the channel's history (lossless channels).
        """
        seq = self._seq.get(channel, 0) + 1
        self._seq[channel] = seq
        self._latest[channel] = data
        if keep:
            history = self._history.get(channel)
            if history is None:
                history = self._history[channel] = deque(maxlen=self.history_size)
            history.append((seq, data))
        return seq

    def seq(self, channel: str) -> int:
        """The channel's last assigned sequence number (0 before its first message)."""
        return self._seq.get(channel, 0)

    def latest(self, channel: str) -> Any | None:
        return self._latest.get(channel)

    def recent(self, channel: str, limit: int) -> list[Any]:
        """The channel's last `limit` kept messages' data, oldest first."""
        history = self._history.get(channel)
        if not history or limit <= 0:
            return []
        return [data for _, data in list(history)[-limit:]]

    def position(self, channel: str) -> dict[str, Any]:
        return {"epoch": self.epoch, "seq": self.seq(channel)}

    def since(self, channel: str, epoch: str, seq: int) -> list[Message] | None:
        """Messages after `seq` in `epoch`, oldest first; None when history cannot cover it.

        Covered means: same epoch, `seq` not ahead of the channel, and every message after
        `seq` still in the history (none evicted).
        """
        if epoch != self.epoch:
            return None
        current = self.seq(channel)
        if seq > current or seq < 0:
            return None
        if seq == current:
            return []
        history = self._history.get(channel)
        if not history or history[0][0] > seq + 1:
            return None
        return [(s, data) for s, data in history if s > seq]
