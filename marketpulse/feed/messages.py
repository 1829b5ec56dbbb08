"""Reading the feed server's replies: acknowledgements, refusals, and snapshots as batches.

Pure functions over `realtime_server.protocol`'s models, used by `FeedClient` and its tests.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from marketpulse.feed.errors import FeedProtocolError, FeedRequestError
from realtime_server.protocol import Batch, ErrorAck, SubscribeAck, Update

AckT = TypeVar("AckT", bound=BaseModel)

AUTH_REFUSAL_CODES = frozenset({"unauthorized", "token_expired", "forbidden", "invalid_token"})
"""`connect_error` codes that mean "these credentials will not do": retrying cannot help."""


def parse_ack(reply: object, model: type[AckT]) -> AckT:
    """Validate an acknowledgement: `model` when it succeeded, `FeedRequestError` when refused."""
    if isinstance(reply, Mapping) and reply.get("ok") is False:
        try:
            refusal = ErrorAck.model_validate(reply)
        except ValidationError as exc:
            raise FeedProtocolError(f"malformed error ack: {exc.errors()[0]['msg']}") from None
        raise FeedRequestError(refusal.error.code, refusal.error.message)
    try:
        return model.model_validate(reply)
    except ValidationError as exc:
        raise FeedProtocolError(f"malformed {model.__name__}: {exc.errors()[0]['msg']}") from None


def snapshot_batch(ack: SubscribeAck) -> Batch:
    """A subscribe ack's snapshot in the shape of a batch, so it can be applied like one."""
    updates = [
        Update(
            channel=channel,
            seq=ack.positions[channel].seq if channel in ack.positions else 0,
            data=quote,
        )
        for channel, quote in ack.snapshot.items()
    ]
    return Batch(server_ts=now_ms(), updates=updates)


def refusal_code(data: object) -> str | None:
    """The code of a `connect_error` payload (`{message, data: {code}}` or `{code}`), if any."""
    if not isinstance(data, Mapping):
        return None
    inner = data.get("data")
    for candidate in (
        inner.get("code") if isinstance(inner, Mapping) else None,
        data.get("code"),
        data.get("message"),
    ):
        if isinstance(candidate, str):
            return candidate
    return None


def now_ms() -> int:
    """The wall clock in ms since the epoch, the protocol's time unit."""
    return int(time.time() * 1000)
