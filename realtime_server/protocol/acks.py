"""Server → client acknowledgements: the reply to each request, success or refusal."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from realtime_server.protocol.errors import ErrorCode
from realtime_server.protocol.messages import AlertRule, ChannelData, Instrument, Position, Update


class Error(BaseModel):
    code: ErrorCode
    message: str


class ErrorAck(BaseModel):
    """A refused request. `id` echoes the request's id when it had a usable one."""

    ok: Literal[False] = False
    id: str | None = None
    error: Error


class _Ack(BaseModel):
    ok: Literal[True] = True
    id: str


class SubscribeAck(_Ack):
    channels: list[str]
    """Every channel subscribed by this request, patterns expanded."""
    throttle_ms: int
    """The flush interval now in force for the connection."""
    snapshot: dict[str, ChannelData | list[ChannelData]]
    """Current value per conflated channel (a list of recent bars for bar channels); recent
    items (oldest first) per lossless channel that is not recovered."""
    positions: dict[str, Position]
    """Each channel's position: updates with `seq` ≤ this are covered by this ack."""
    recovered: bool
    """True when every channel named in `since` was recovered from history (its missed
    messages are in `replay`); false when at least one could not be (its snapshot is given)."""
    replay: dict[str, list[Update]]
    """Missed messages of recovered lossless channels, in order."""


class UnsubscribeAck(_Ack):
    channels: list[str]
    """Channels the connection was subscribed to and no longer is."""


class ModifyAck(_Ack):
    added: list[str]
    removed: list[str]
    throttle_ms: int
    snapshot: dict[str, ChannelData | list[ChannelData]]
    positions: dict[str, Position]


class SubscriptionsAck(_Ack):
    channels: list[str]
    throttle_ms: int


class CatalogAck(_Ack):
    source: str
    """The market data source behind the feed (`simulator`, ...)."""
    instruments: list[Instrument]
    """Every symbol the feed trades, in its stable display order."""


class PingAck(_Ack):
    client_ts: int
    server_ts: int


class RefreshAck(_Ack):
    expires_at: int
    """The new token's expiry, ms since the epoch."""


class AlertRuleAck(_Ack):
    rule: AlertRule


class AlertListAck(_Ack):
    rules: list[AlertRule]


class AlertDeleteAck(_Ack):
    rule_id: str


class AlertAckAck(_Ack):
    acknowledged: list[str]
    """Ids that were pending and are now acknowledged (unknown or already acked ids are
    ignored)."""
