"""The feed wire protocol: events, channels, message models, error and disconnect codes.

This package is a leaf: it imports nothing from the rest of the server, so the app's feed
client (or any Python client) can import it alone. `docs/protocol.md` describes the same
contract for clients in other languages, with JSON Schemas generated from these models
(`python -m realtime_server.protocol.schema`).

Client → server events, each sent with an acknowledgement callback:

    subscribe, unsubscribe, modify, subscriptions, catalog, ping, refresh,
    alert_create, alert_list, alert_delete, alert_ack

Server → client events: `batch` (updates), `goodbye` (the server is closing the connection).
"""

from realtime_server.protocol.acks import (
    AlertAckAck,
    AlertDeleteAck,
    AlertListAck,
    AlertRuleAck,
    CatalogAck,
    Error,
    ErrorAck,
    ModifyAck,
    PingAck,
    RefreshAck,
    SubscribeAck,
    SubscriptionsAck,
    UnsubscribeAck,
)
from realtime_server.protocol.channels import (
    BAR_INTERVALS,
    LOSSLESS_KINDS,
    SOURCE_CHANNEL,
    SUMMARY_CHANNEL,
    SYMBOL_PATTERN,
    WILDCARD,
    Channel,
    ChannelKind,
    alerts_channel,
    bars_channel,
    news_channel,
    parse_channel,
    price_channel,
)
from realtime_server.protocol.errors import DisconnectCode, ErrorCode, RequestError, error_ack
from realtime_server.protocol.messages import (
    AlertCondition,
    AlertRule,
    Bar,
    Batch,
    ChannelData,
    FiredAlert,
    Goodbye,
    IndexLevel,
    Instrument,
    MarketSessionState,
    Mover,
    NewsItem,
    Position,
    Quote,
    Sentiment,
    SourceKind,
    SourceState,
    SourceStatus,
    Summary,
    Update,
)
from realtime_server.protocol.requests import (
    DEFAULT_THROTTLE_MS,
    MAX_CHANNELS_PER_REQUEST,
    MAX_REQUEST_ID_LENGTH,
    MAX_THROTTLE_MS,
    AlertAckRequest,
    AlertCreateRequest,
    AlertDeleteRequest,
    AlertListRequest,
    CatalogRequest,
    ListSubscriptionsRequest,
    ModifyRequest,
    PingRequest,
    RefreshRequest,
    Request,
    SubscribeRequest,
    UnsubscribeRequest,
    parse_request,
    request_id_of,
)

PROTOCOL_VERSION = 1
NAMESPACE = "/feed"
"""The Socket.IO namespace every feed message travels on."""

EVENT_SUBSCRIBE = "subscribe"
EVENT_UNSUBSCRIBE = "unsubscribe"
EVENT_MODIFY = "modify"
EVENT_SUBSCRIPTIONS = "subscriptions"
EVENT_CATALOG = "catalog"
EVENT_PING = "ping"
EVENT_REFRESH = "refresh"
EVENT_ALERT_CREATE = "alert_create"
EVENT_ALERT_LIST = "alert_list"
EVENT_ALERT_DELETE = "alert_delete"
EVENT_ALERT_ACK = "alert_ack"
EVENT_BATCH = "batch"
EVENT_GOODBYE = "goodbye"

REQUEST_MODELS: dict[str, type[Request]] = {
    EVENT_SUBSCRIBE: SubscribeRequest,
    EVENT_UNSUBSCRIBE: UnsubscribeRequest,
    EVENT_MODIFY: ModifyRequest,
    EVENT_SUBSCRIPTIONS: ListSubscriptionsRequest,
    EVENT_CATALOG: CatalogRequest,
    EVENT_PING: PingRequest,
    EVENT_REFRESH: RefreshRequest,
    EVENT_ALERT_CREATE: AlertCreateRequest,
    EVENT_ALERT_LIST: AlertListRequest,
    EVENT_ALERT_DELETE: AlertDeleteRequest,
    EVENT_ALERT_ACK: AlertAckRequest,
}
"""Each client event and the model its payload must match."""

__all__ = [
    "BAR_INTERVALS",
    "DEFAULT_THROTTLE_MS",
    "EVENT_ALERT_ACK",
    "EVENT_ALERT_CREATE",
    "EVENT_ALERT_DELETE",
    "EVENT_ALERT_LIST",
    "EVENT_BATCH",
    "EVENT_CATALOG",
    "EVENT_GOODBYE",
    "EVENT_MODIFY",
    "EVENT_PING",
    "EVENT_REFRESH",
    "EVENT_SUBSCRIBE",
    "EVENT_SUBSCRIPTIONS",
    "EVENT_UNSUBSCRIBE",
    "LOSSLESS_KINDS",
    "MAX_CHANNELS_PER_REQUEST",
    "MAX_REQUEST_ID_LENGTH",
    "MAX_THROTTLE_MS",
    "NAMESPACE",
    "PROTOCOL_VERSION",
    "REQUEST_MODELS",
    "SOURCE_CHANNEL",
    "SUMMARY_CHANNEL",
    "SYMBOL_PATTERN",
    "WILDCARD",
    "AlertAckAck",
    "AlertAckRequest",
    "AlertCondition",
    "AlertCreateRequest",
    "AlertDeleteAck",
    "AlertDeleteRequest",
    "AlertListAck",
    "AlertListRequest",
    "AlertRule",
    "AlertRuleAck",
    "Bar",
    "Batch",
    "CatalogAck",
    "CatalogRequest",
    "Channel",
    "ChannelData",
    "ChannelKind",
    "DisconnectCode",
    "Error",
    "ErrorAck",
    "ErrorCode",
    "FiredAlert",
    "Goodbye",
    "IndexLevel",
    "Instrument",
    "ListSubscriptionsRequest",
    "MarketSessionState",
    "ModifyAck",
    "ModifyRequest",
    "Mover",
    "NewsItem",
    "PingAck",
    "PingRequest",
    "Position",
    "Quote",
    "RefreshAck",
    "RefreshRequest",
    "Request",
    "RequestError",
    "Sentiment",
    "SourceKind",
    "SourceState",
    "SourceStatus",
    "SubscribeAck",
    "SubscribeRequest",
    "SubscriptionsAck",
    "Summary",
    "UnsubscribeAck",
    "UnsubscribeRequest",
    "Update",
    "alerts_channel",
    "bars_channel",
    "error_ack",
    "news_channel",
    "parse_channel",
    "parse_request",
    "price_channel",
    "request_id_of",
]
