"""Client → server requests: one model per event, validated before anything else happens."""

from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from realtime_server.protocol.errors import ErrorCode, RequestError
from realtime_server.protocol.messages import AlertCondition, Position

DEFAULT_THROTTLE_MS = 100
"""Flush interval used when a subscribe request names none."""
MAX_THROTTLE_MS = 60_000
MAX_REQUEST_ID_LENGTH = 64
MAX_CHANNELS_PER_REQUEST = 500
MAX_TOKEN_LENGTH = 8_192
MAX_ALERT_IDS_PER_ACK = 500

RequestId = Annotated[str, Field(min_length=1, max_length=MAX_REQUEST_ID_LENGTH)]
ChannelList = Annotated[list[str], Field(min_length=1, max_length=MAX_CHANNELS_PER_REQUEST)]
Throttle = Annotated[int, Field(ge=0, le=MAX_THROTTLE_MS)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RequestId
    """Chosen by the client, echoed in the ack so replies can be matched to requests."""


RequestT = TypeVar("RequestT", bound=Request)


def _dedupe(channels: list[str]) -> list[str]:
    return list(dict.fromkeys(channels))


class SubscribeRequest(Request):
    channels: ChannelList
    throttle_ms: Throttle = DEFAULT_THROTTLE_MS
    """Minimum interval between two batches to this connection; clamped into server bounds."""
    since: dict[str, Position] = Field(default_factory=dict, max_length=MAX_CHANNELS_PER_REQUEST)
    """Last position the client holds per channel, to recover what it missed."""

    _unique = field_validator("channels")(_dedupe)


class UnsubscribeRequest(Request):
    channels: ChannelList

    _unique = field_validator("channels")(_dedupe)


class ModifyRequest(Request):
    """Change the subscription set and/or throttle in one step, without dropping anything."""

    add: list[str] = Field(default_factory=list, max_length=MAX_CHANNELS_PER_REQUEST)
    remove: list[str] = Field(default_factory=list, max_length=MAX_CHANNELS_PER_REQUEST)
    throttle_ms: Throttle | None = None

    _unique = field_validator("add", "remove")(_dedupe)


class ListSubscriptionsRequest(Request):
    pass


class CatalogRequest(Request):
    """Ask what the feed trades: every instrument, with its name and quoting conventions."""


MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer a JavaScript client represents exactly."""


class PingRequest(Request):
    client_ts: int = Field(ge=0, le=MAX_SAFE_INTEGER)
    """The client's clock when it sent the ping, in ms since the epoch; echoed back."""
    rtt_ms: float | None = Field(default=None, ge=0, le=600_000)
    """The client's latest measured round trip, reported for the server's metrics."""


class RefreshRequest(Request):
    """Replace the connection's token before it expires, without reconnecting."""

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class AlertCreateRequest(Request):
    symbol: str = Field(min_length=1, max_length=15)
    condition: AlertCondition
    threshold: float = Field(gt=0, lt=1e9)
    """A price for `above`/`below`; a percentage (e.g. 2.5) for `move_pct`."""
    note: str = Field(default="", max_length=200)


class AlertListRequest(Request):
    pass


class AlertDeleteRequest(Request):
    rule_id: str = Field(min_length=1, max_length=64)


class AlertAckRequest(Request):
    """Acknowledge fired alerts: they will not be delivered again."""

    alert_ids: list[str] = Field(min_length=1, max_length=MAX_ALERT_IDS_PER_ACK)


def parse_request(model: type[RequestT], payload: object) -> RequestT:
    """Validate an incoming payload, turning any validation failure into `bad_request`."""
    if not isinstance(payload, dict):
        raise RequestError(ErrorCode.BAD_REQUEST, "the payload must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "payload"
        raise RequestError(ErrorCode.BAD_REQUEST, f"{where}: {first['msg']}") from None


def request_id_of(payload: object) -> str | None:
    """The request id in a payload, if it has a usable one, for echoing in an error ack."""
    if isinstance(payload, dict):
        rid = payload.get("id")
        if isinstance(rid, str) and 0 < len(rid) <= MAX_REQUEST_ID_LENGTH:
            return rid
    return None
