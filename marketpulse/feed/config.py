"""`FeedClientConfig`: every tunable of the feed client, typed, with a safe default each."""

from __future__ import annotations

import dataclasses

from marketpulse.feed.backoff import BackoffPolicy


@dataclasses.dataclass(frozen=True, slots=True)
class FeedClientConfig:
    """How a `FeedClient` connects, retries, falls back, refreshes and measures."""

    socketio_path: str = "socket.io"
    transports: tuple[str, ...] = ("websocket",)
    request_timeout_s: float = 5.0
    """How long to wait for any acknowledgement."""
    connect_timeout_s: float = 10.0
    """How long one connection attempt (TCP, WebSocket, namespace CONNECT) may take."""

    backoff: BackoffPolicy = dataclasses.field(default_factory=BackoffPolicy)
    """Delays between socket attempts (full jitter, capped)."""
    max_attempts: int | None = None
    """Give up (state offline) after this many consecutive failed attempts; None: never."""

    polling_after_failures: int = 3
    """Fall back to HTTP polling after this many consecutive failed socket attempts (or at
    once when the WebSocket is blocked); 0 disables polling."""
    poll_interval_s: float = 2.0
    poll_retry_s: float = 1.0
    """After a failed poll, poll again this soon: a poll that succeeds after failing ends the
    socket's backoff sleep, so a server that comes back is reconnected to within about this."""
    poll_timeout_s: float = 5.0

    ping_interval_s: float = 5.0
    """App-level `ping` period while live (RTT measurement); 0 disables pinging."""
    ping_failures_before_reconnect: int = 2
    """Consecutive unanswered pings after which the socket is considered dead."""
    rtt_window: int = 64
    """RTT samples kept for the percentiles."""
    rate_window_s: float = 10.0
    """Window of the messages-per-second meter."""

    refresh_fraction: float = 0.8
    """Refresh the token at this fraction of its lifetime ..."""
    refresh_lead_s: float = 60.0
    """... or this many seconds before it expires, whichever comes later."""

    outbox_size: int = 256
    """Requests (subscription changes, alert operations) held while offline."""
    alert_ids_remembered: int = 10_000
    """Fired-alert ids remembered to show each alert once."""
    gap_buffer_size: int = 1_000
    """Updates of a lossless channel held while its gap is being recovered."""

    def __post_init__(self) -> None:
        for name in ("request_timeout_s", "connect_timeout_s", "poll_interval_s", "poll_retry_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        if not 0 < self.refresh_fraction < 1:
            raise ValueError("refresh_fraction must be within (0, 1)")
        if self.outbox_size < 1 or self.rtt_window < 1:
            raise ValueError("queue and window sizes must be >= 1")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1 (or None)")
