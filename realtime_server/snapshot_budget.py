"""Snapshots under a byte budget: what `/api/snapshot` answers, encoded as it is taken.

A few bytes of request can name a great deal of data: patterns expand to every symbol, and a
bar channel's snapshot is `FEED_BARS_SNAPSHOT` bars (`bars:1s:*,bars:1m:*,bars:5m:*` was a
2.2 MB answer to 92 bytes). Each channel's snapshot is encoded (orjson) as soon as it is
taken and the running size checked after each one, so a request for more than the budget
costs at most the budget, plus one channel, of work before it is refused (`limit_exceeded`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.recovery import Snapshots
from realtime_server.protocol import Channel, ErrorCode, RequestError

POSITION_BYTES = 48
"""What a channel's entry in `positions` adds, beside its name (`{"epoch":…,"seq":…}`)."""


def bounded_snapshot(
    log: ChannelLog,
    snapshots: Snapshots,
    channels: Iterable[Channel],
    max_bytes: int,
    given: Mapping[str, Any] | None = None,
) -> tuple[dict[str, orjson.Fragment], dict[str, Any]]:
    """`(snapshot, positions)` of `channels`, each snapshot already encoded.

    `given` holds snapshots taken elsewhere (a user's pending alerts, from the store), by
    channel name. Raises `limit_exceeded` as soon as the answer would pass `max_bytes`.
    """
    snapshot: dict[str, orjson.Fragment] = {}
    positions: dict[str, Any] = {}
    size = 0
    for channel in channels:
        name = channel.name
        positions[name] = log.position(name)
        size += 2 * len(name) + POSITION_BYTES
        value = given[name] if given and name in given else snapshots.snapshot(channel)
        if value is not None:
            encoded = orjson.dumps(value)
            size += len(encoded)
            snapshot[name] = orjson.Fragment(encoded)
        if size > max_bytes:
            raise RequestError(
                ErrorCode.LIMIT_EXCEEDED,
                f"this snapshot would exceed {max_bytes} bytes: ask for fewer channels "
                "(a bar or news channel weighs most; patterns expand to every symbol)",
            )
    return snapshot, positions
