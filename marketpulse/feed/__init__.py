"""The app's feed client: pure Python over python-socketio, no Reflex import.

Public API (everything below is importable from `marketpulse.feed`)

    client = FeedClient(config: FeedClientConfig | None = None, *, rng=None)
        `rng` seeds the backoff jitter.

  lifecycle
    client.start(url_or_urls, channels=(), throttle_ms=100, *, token_provider=guest)
        Returns at once; connects in the background over the URL list (failover: the next URL
        after each failed attempt), retries with backoff, falls back to HTTP polling,
        reconnects and resubscribes with `since`. `token_provider`: `() -> str | None` or
        `async () -> str | None`, asked whenever a token is needed (connect, `token_expired`,
        in-band refresh before expiry); the default connects as a guest.
    await client.connect(url_or_urls, *, token_provider=guest, retry=True) -> None
        Start and wait until live. FeedUnauthorizedError / FeedConnectError (retry=False).
    await client.close() -> None                  idempotent; `async with FeedClient() as c:`

  consuming (one inbox, arrival order; see `events`)
    await client.next_events() -> list[FeedEvent]  the next event and all queued behind it
    FeedEvent = LinkStateChanged | ChannelReset | Batch | SubscriptionRefused

  state and quality
    client.state -> LinkState          idle connecting live reconnecting polling offline
                                       unauthorized (the indicator's `data-state` values)
    client.status -> ConnectionStatus  state, attempt, next_retry_at (epoch ms), reason, url
    await client.wait_for(*states) -> ConnectionStatus
    client.channels -> list[str]       held channels; client.queued -> int (outbox length)
    client.metrics() -> FeedMetricsSnapshot   RTT p50/p95, messages/s, last-message age,
                                       reconnects, time in each state, drops by cause
    client.invalid_messages -> int

  requests (queued while offline, applied in order on reconnect, each awaited to its ack)
    await client.subscribe(channels, throttle_ms=None) -> SubscribeAck
    await client.unsubscribe(channels) -> UnsubscribeAck
    await client.modify(add=(), remove=(), throttle_ms=None) -> ModifyAck
    await client.catalog() -> CatalogAck          what the feed trades
    await client.alert_create(symbol, condition, threshold, note="") -> AlertRuleAck
    await client.alert_list() -> AlertListAck
    await client.alert_delete(rule_id) -> AlertDeleteAck
    await client.alert_ack(alert_ids) -> AlertAckAck
    await client.ping() -> PingAck                live only (FeedNotConnectedError otherwise)

  pure helpers
    parse_ack(reply, AckModel) / parse_batch(payload) -> model, or FeedProtocolError /
    FeedRequestError;  Backoff(BackoffPolicy(...), rng).delay(retry);  percentile(samples, pct)

Modules: client (lifecycle, events) · operations (requests) · link (attempts, failover,
backoff, polling) · duties (one live socket: resubscribe, outbox, pings, token refresh, gap
recovery) · transport (Socket.IO) · polling (HTTP) · sequencer + tracks (ordering, dedupe,
gaps) · outbox · tokens · status (state machine) · backoff · metrics · events · messages ·
config · context · errors.
"""

from marketpulse.feed.backoff import Backoff, BackoffPolicy
from marketpulse.feed.client import FeedClient
from marketpulse.feed.config import FeedClientConfig
from marketpulse.feed.errors import (
    FeedClosedError,
    FeedConnectError,
    FeedConnectionLostError,
    FeedError,
    FeedNotConnectedError,
    FeedProtocolError,
    FeedQueueFullError,
    FeedRequestError,
    FeedTimeoutError,
    FeedUnauthorizedError,
    IllegalTransitionError,
)
from marketpulse.feed.events import (
    Batch,
    ChannelReset,
    FeedEvent,
    LinkStateChanged,
    SubscriptionRefused,
)
from marketpulse.feed.messages import parse_ack, parse_batch
from marketpulse.feed.metrics import FeedMetricsSnapshot, percentile
from marketpulse.feed.status import TRANSITIONS, ConnectionStatus, LinkState, LinkStateMachine
from marketpulse.feed.tokens import TokenProvider, guest

__all__ = [
    "TRANSITIONS",
    "Backoff",
    "BackoffPolicy",
    "Batch",
    "ChannelReset",
    "ConnectionStatus",
    "FeedClient",
    "FeedClientConfig",
    "FeedClosedError",
    "FeedConnectError",
    "FeedConnectionLostError",
    "FeedError",
    "FeedEvent",
    "FeedMetricsSnapshot",
    "FeedNotConnectedError",
    "FeedProtocolError",
    "FeedQueueFullError",
    "FeedRequestError",
    "FeedTimeoutError",
    "FeedUnauthorizedError",
    "IllegalTransitionError",
    "LinkState",
    "LinkStateChanged",
    "LinkStateMachine",
    "SubscriptionRefused",
    "TokenProvider",
    "guest",
    "parse_ack",
    "parse_batch",
    "percentile",
]
