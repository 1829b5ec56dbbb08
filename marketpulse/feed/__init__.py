"""The app's feed client: pure Python over python-socketio, no Reflex import.

Public API (everything below is importable from `marketpulse.feed`)

    client = FeedClient(config: FeedClientConfig | None = None, *, socketio_path=None,
                        request_timeout=None, reconnection_delay=None,
                        reconnection_delay_max=None, transports=None, rng=None)
        The legacy keywords override `config` (the two delays set `config.backoff`'s base and
        cap); `rng` seeds the backoff jitter.

  lifecycle
    client.start(url_or_urls, channels=(), throttle_ms=100, *, auth=None, token_provider=None)
        Returns at once; connects in the background over the URL list (failover), retries with
        backoff, falls back to HTTP polling, reconnects and resubscribes with `since`.
        `token_provider`: `() -> str | None` or `async () -> str | None`, asked whenever a
        token is needed (connect, `token_expired`, in-band refresh before expiry);
        `auth={"token": t}` is a fixed token (cannot be re-minted). Neither: guest.
    await client.connect(url_or_urls, *, auth=None, token_provider=None, retry=True) -> None
        Start and wait until live. FeedUnauthorizedError / FeedConnectError (retry=False).
    await client.close() -> None                  idempotent; `async with FeedClient() as c:`

  consuming (one inbox, arrival order)
    await client.next_events() -> list[FeedEvent]  the next event and all queued behind it
    coalesce(events) -> Coalesced                  .quotes .state .batches, and .status
                                                   .resets .bars .news .summary .alerts
                                                   .resynced .refused
    FeedEvent = LinkStateChanged | ChannelReset | Batch | Resynced | SubscriptionRefused

  state and quality
    client.state -> LinkState          idle connecting live reconnecting polling offline
                                       unauthorized (the indicator's `data-state` values)
    client.status -> ConnectionStatus  state, attempt, next_retry_at (epoch ms), reason, url
    await client.wait_for(*states) -> ConnectionStatus
    client.channels -> list[str]       held channels; client.queued -> int (outbox length)
    client.metrics() -> FeedMetricsSnapshot   RTT p50/p95, messages/s, last-message age,
                                       reconnects, time in each state, drops by cause
    client.recent(channel) -> list[Update]    the channel's replay cache
    client.invalid_messages -> int

  requests (queued while offline, applied in order on reconnect, each awaited to its ack)
    await client.subscribe(channels, throttle_ms=None, *, hooks=None) -> SubscribeAck
    await client.unsubscribe(channels) -> UnsubscribeAck
    await client.modify(add=(), remove=(), throttle_ms=None, *, hooks=None) -> ModifyAck
    await client.alert_create(symbol, condition, threshold, note="") -> AlertRuleAck
    await client.alert_list() -> AlertListAck
    await client.alert_delete(rule_id) -> AlertDeleteAck
    await client.alert_ack(alert_ids) -> AlertAckAck
    await client.ping() -> PingAck                live only (FeedNotConnectedError otherwise)
    hooks=SubscriptionHooks(throttle_ms=0, transform=None)   client-side, per subscription

  pure helpers
    parse_ack(reply, AckModel) / parse_batch(payload) -> model, or FeedProtocolError /
    FeedRequestError;  Backoff(BackoffPolicy(...), rng).delay(retry);  percentile(samples, pct)

Modules: client (lifecycle, events) · operations (requests) · link (attempts, failover,
backoff, polling) · session (one live socket) · transport (Socket.IO) · polling (HTTP) ·
sequencer + tracks (ordering, dedupe, gaps, cache, hooks) · outbox · tokens · status (state
machine) · backoff · metrics · events · messages · config · context · errors.
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
    Coalesced,
    FeedEvent,
    LinkStateChanged,
    Resynced,
    SubscriptionRefused,
    coalesce,
)
from marketpulse.feed.messages import parse_ack, parse_batch
from marketpulse.feed.metrics import FeedMetricsSnapshot, percentile
from marketpulse.feed.status import TRANSITIONS, ConnectionStatus, LinkState, LinkStateMachine
from marketpulse.feed.tracks import SubscriptionHooks

__all__ = [
    "TRANSITIONS",
    "Backoff",
    "BackoffPolicy",
    "Batch",
    "ChannelReset",
    "Coalesced",
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
    "Resynced",
    "SubscriptionHooks",
    "SubscriptionRefused",
    "coalesce",
    "parse_ack",
    "parse_batch",
    "percentile",
]
