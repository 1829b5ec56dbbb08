"""Reading what the feed server sends: acks, refusals, batches, goodbyes, polled snapshots.

Pure functions over `realtime_server.protocol`'s models. Every parser either returns a model
or raises `FeedProtocolError` (malformed) / `FeedRequestError` (a well-formed refusal), so a
caller can count and drop invalid messages without guessing.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from marketpulse.feed.errors import FeedProtocolError, FeedRequestError
from realtime_server.protocol import Batch, ChannelData, ErrorAck, Goodbye, Position

AckT = TypeVar("AckT", bound=BaseModel)

AUTH_REFUSAL_CODES = frozenset({"unauthorized", "forbidden", "invalid_token"})
"""`connect_error` codes that mean "these credentials will not do": retrying cannot help.
(`token_expired` is not one of them: a fresh token fixes it.)"""


class SnapshotResponse(BaseModel):
    """The body of `GET /api/snapshot` (protocol §11): a subscribe ack's snapshot part."""

    ok: Literal[True] = True
    server_ts: int
    channels: list[str]
    snapshot: dict[str, ChannelData | list[ChannelData]]
    positions: dict[str, Position]


def parse_ack(reply: object, model: type[AckT]) -> AckT:
    """Validate an acknowledgement: `model` when it succeeded, `FeedRequestError` when refused."""
    raise_if_refused(reply)
    return _validate(model, reply)


def parse_batch(payload: object) -> Batch:
    """Validate a `batch` event's payload."""
    return _validate(Batch, payload)


def parse_goodbye(payload: object) -> Goodbye:
    """Validate a `goodbye` event's payload."""
    return _validate(Goodbye, payload)


def parse_snapshot_response(body: object) -> SnapshotResponse:
    """Validate the JSON body of `/api/snapshot`; its `{ok: false, error}` form is raised."""
    raise_if_refused(body)
    return _validate(SnapshotResponse, body)


def raise_if_refused(reply: object) -> None:
    """Raise the refusal an `{ok: false, error: {code, message}}` reply carries."""
    if isinstance(reply, Mapping) and reply.get("ok") is False:
        try:
            refusal = ErrorAck.model_validate(reply)
        except ValidationError as exc:
            raise FeedProtocolError(f"malformed error ack: {exc.errors()[0]['msg']}") from None
        raise FeedRequestError(refusal.error.code, refusal.error.message)


def snapshot_items(value: ChannelData | list[ChannelData] | None) -> tuple[ChannelData, ...]:
    """A snapshot entry as a tuple: one value (price, summary) or a list (bars, news, alerts)."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(value)
    return (value,)


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


def refusal_message(data: object, default: str) -> str:
    """The human message of a `connect_error` payload, or `default`."""
    if isinstance(data, Mapping):
        inner = data.get("data")
        for candidate in (
            inner.get("message") if isinstance(inner, Mapping) else None,
            data.get("message"),
        ):
            if isinstance(candidate, str):
                return candidate
    return default


def now_ms() -> int:
    """The wall clock in ms since the epoch, the protocol's time unit."""
    return int(time.time() * 1000)


def _validate(model: type[AckT], payload: object) -> AckT:
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise FeedProtocolError(f"malformed {model.__name__}: {exc.errors()[0]['msg']}") from None
