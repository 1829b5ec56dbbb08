"""The feed wire protocol: namespace, event names, channel names, message models, error codes.

This module is a leaf. It imports nothing from the server, so the app's feed client (and any
other Python client) can import it alone. `docs/protocol.md` documents the same contract for
clients written in other languages.

Client → server events (each sent with a Socket.IO acknowledgement callback):
  `subscribe`    `SubscribeRequest`   → ack `SubscribeAck` or `ErrorAck`
  `unsubscribe`  `UnsubscribeRequest` → ack `UnsubscribeAck` or `ErrorAck`
  `ping`         `PingRequest`        → ack `PingAck` or `ErrorAck`
Server → client events:
  `batch`        `Batch`: every update the client is owed since its previous flush.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

NAMESPACE = "/feed"
"""The Socket.IO namespace every feed message travels on."""

PROTOCOL_VERSION = 1

EVENT_SUBSCRIBE = "subscribe"
EVENT_UNSUBSCRIBE = "unsubscribe"
EVENT_PING = "ping"
EVENT_BATCH = "batch"

DEFAULT_THROTTLE_MS = 100
"""Flush interval used when a subscribe request names none."""

MAX_THROTTLE_MS = 60_000
MAX_REQUEST_ID_LENGTH = 64
MAX_CHANNELS_PER_REQUEST = 500

SYMBOL_PATTERN = re.compile(r"^[A-Z][A-Z0-9.\-]{0,14}$")
PRICE_PREFIX = "price:"


class ErrorCode(StrEnum):
    """Every error code a request can be refused with. The connection survives all of them."""

    BAD_REQUEST = "bad_request"
    """The payload is not an object of the documented shape (wrong type, missing field)."""
    INVALID_CHANNEL = "invalid_channel"
    """A channel name is not of a known form (`price:<SYM>`)."""
    UNKNOWN_SYMBOL = "unknown_symbol"
    """The channel is well-formed but its symbol is not traded by this server."""
    UNKNOWN_EVENT = "unknown_event"
    """The event name is not one the server handles (or is reserved by Socket.IO)."""
    TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions"
    """The request would take the connection past its subscription limit."""
    INTERNAL = "internal"
    """The server failed to handle a valid request; it has logged the cause."""


class Error(BaseModel):
    code: ErrorCode
    message: str


class ErrorAck(BaseModel):
    """Acknowledgement of a refused request. `id` echoes the request's id when it had one."""

    ok: Literal[False] = False
    id: str | None = None
    error: Error


RequestId = Annotated[str, Field(min_length=1, max_length=MAX_REQUEST_ID_LENGTH)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RequestId
    """Chosen by the client, echoed in the ack so replies can be matched to requests."""


_RequestT = TypeVar("_RequestT", bound=_Request)


class SubscribeRequest(_Request):
    channels: list[str] = Field(min_length=1, max_length=MAX_CHANNELS_PER_REQUEST)
    throttle_ms: int = Field(default=DEFAULT_THROTTLE_MS, ge=0, le=MAX_THROTTLE_MS)
    """Requested minimum interval between two flushes to this connection. The server clamps
    it into its own bounds and states the value in force in the ack."""

    @field_validator("channels")
    @classmethod
    def _dedupe(cls, channels: list[str]) -> list[str]:
        return list(dict.fromkeys(channels))


class UnsubscribeRequest(_Request):
    channels: list[str] = Field(min_length=1, max_length=MAX_CHANNELS_PER_REQUEST)


class PingRequest(_Request):
    client_ts: int
    """The client's clock when it sent the ping, in ms since the epoch; echoed back."""


class Quote(BaseModel):
    """The latest state of one symbol, as carried by `price:<SYM>` channels."""

    model_config = ConfigDict(frozen=True)

    symbol: str
    last: float
    bid: float
    ask: float
    bid_size: int
    ask_size: int
    open: float
    high: float
    low: float
    prev_close: float
    change: float
    change_pct: float
    volume: int
    ts: int
    """Source timestamp of the trade behind this quote, ms since the epoch."""


class Position(BaseModel):
    """Where a channel's stream stands: `seq` only grows within one `epoch`."""

    epoch: str
    seq: int


class SubscribeAck(BaseModel):
    ok: Literal[True] = True
    id: str
    channels: list[str]
    """Every channel the connection is now subscribed to because of this request."""
    throttle_ms: int
    """The flush interval now in force for the connection."""
    snapshot: dict[str, Quote]
    """Latest value of each subscribed channel that has one, keyed by channel."""
    positions: dict[str, Position]
    """Each subscribed channel's position; updates with `seq` ≤ this are in the snapshot."""


class UnsubscribeAck(BaseModel):
    ok: Literal[True] = True
    id: str
    channels: list[str]
    """Channels the connection was subscribed to and no longer is."""


class PingAck(BaseModel):
    ok: Literal[True] = True
    id: str
    client_ts: int
    server_ts: int


class Update(BaseModel):
    """One channel's newest value inside a batch."""

    channel: str
    seq: int
    data: Quote


class Batch(BaseModel):
    """Everything owed to one connection at a flush: at most one update per conflated channel."""

    server_ts: int
    """The server's clock when the batch was flushed, ms since the epoch."""
    updates: list[Update]


class RequestError(Exception):
    """A request the server refuses; becomes an `ErrorAck`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def ack(self, request_id: str | None) -> dict[str, Any]:
        return error_ack(request_id, self.code, self.message)


def error_ack(request_id: str | None, code: ErrorCode, message: str) -> dict[str, Any]:
    """The wire form of a refusal."""
    return ErrorAck(id=request_id, error=Error(code=code, message=message)).model_dump(mode="json")


def request_id_of(payload: object) -> str | None:
    """The request id in a payload, if it has a usable one, for echoing in an error ack."""
    if isinstance(payload, dict):
        rid = payload.get("id")
        if isinstance(rid, str) and 0 < len(rid) <= MAX_REQUEST_ID_LENGTH:
            return rid
    return None


def parse_request(model: type[_RequestT], payload: object) -> _RequestT:
    """Validate an incoming payload, turning any validation failure into `bad_request`."""
    if not isinstance(payload, dict):
        raise RequestError(ErrorCode.BAD_REQUEST, "the payload must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        raise RequestError(ErrorCode.BAD_REQUEST, f"{where}: {first['msg']}") from None


def price_channel(symbol: str) -> str:
    return f"{PRICE_PREFIX}{symbol}"


def symbol_of_price_channel(channel: str) -> str:
    """The symbol a `price:<SYM>` channel names; `invalid_channel` for anything else."""
    if not channel.startswith(PRICE_PREFIX):
        raise RequestError(ErrorCode.INVALID_CHANNEL, f"unknown channel kind: {channel[:80]!r}")
    symbol = channel[len(PRICE_PREFIX) :]
    if not SYMBOL_PATTERN.match(symbol):
        raise RequestError(ErrorCode.INVALID_CHANNEL, f"malformed symbol in {channel[:80]!r}")
    return symbol
