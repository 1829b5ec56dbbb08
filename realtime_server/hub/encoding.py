"""The wire encoding of updates and batches: each update encoded once, batches joined from bytes.

A price that ten connections follow is published once and flushed ten times. Encoding it
once, at publish, and building each connection's batch by joining the encoded updates keeps
the per-connection cost of a flush to a byte join, whatever the payloads hold. The result is
exactly the JSON of `realtime_server.protocol.Batch`.
"""

from __future__ import annotations

from typing import Any

import orjson


def encode_update(channel: str, seq: int, data: Any) -> bytes:
    """One `Update` (`{"channel", "seq", "data"}`) as JSON."""
    return orjson.dumps({"channel": channel, "seq": seq, "data": data})


def encode_batch(server_ts: int, updates: list[bytes]) -> bytes:
    """A `Batch` as JSON, from updates already encoded by `encode_update`."""
    return b'{"server_ts":%d,"updates":[%b]}' % (server_ts, b",".join(updates))
