"""Typed settings of the feed server, read from `FEED_*` environment variables and TOML.

Precedence, highest first: environment variables, the TOML file named by `FEED_CONFIG`
(if any), the defaults below. Every setting has a safe default so that
`python -m realtime_server` runs with no configuration at all. Lists are JSON in the
environment (`FEED_IP_DENY='["10.0.0.0/8"]'`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from realtime_server.security.scopes import GUEST_SCOPES


class Settings(BaseSettings):
    """Feed server configuration. The README's table documents each field."""

    model_config = SettingsConfigDict(env_prefix="FEED_", extra="forbid")

    # Serving
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    socketio_path: str = "socket.io"
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    ws_compression: bool = False
    """Accept permessage-deflate when a client offers it. Off by default, as in socket.io:
    it costs each connection a zlib state (~300 KB) and each frame CPU; worth it only when
    bandwidth, not the server, is the limit."""
    data_dir: Path = Path("var")
    """Where the alerts database and the audit log live unless given explicitly."""
    shutdown_grace_s: float = Field(default=3.0, ge=0)

    # Market data
    source: Literal[
        "simulator", "synthetic", "replay", "coinbase", "kraken", "binance", "alpaca"
    ] = "simulator"
    """The market data source: `simulator` (a realistic simulated market) or `synthetic`
    (N symbols `S000`…, a fixed tick rate, deterministic: the load-test source); `replay`
    (real historical bars traded again: the `replay_*` settings); or a live
    exchange feed: `coinbase`, `kraken`, `binance` (crypto, 24/7, no key) or `alpaca` (US
    equities, Alpaca's IEX feed, a free key)."""
    synthetic_symbols: int = Field(default=500, ge=1, le=10_000)
    """Symbols of the synthetic source."""
    replay_file: Path | None = None
    """The replay's CSV file (Date,Open,High,Low,Close,Volume[,Symbol]), or a directory of
    them (one per symbol); unset: the daily stocks shipped in `bokeh-sampledata`."""
    replay_symbol: str | None = None
    """The symbol of a replay file without a Symbol column (default: the file's name)."""
    replay_start: dt.date | None = None
    """The first replayed day; unset: one year before the data's end, or the first day every
    symbol trades, whichever is later."""
    replay_minutes_per_day: float = Field(default=6.5, gt=0, le=24 * 60)
    """Wall minutes one regular session (09:30-16:00) takes: speed 390 / N (6.5: x60)."""
    replay_closed_s: float = Field(default=15.0, gt=0, le=3600)
    """Wall seconds the closed time between two sessions takes, however long (a night, a
    weekend): the replayed clock crosses after-hours, closed and pre-market in it."""
    exchange_url: str | None = None
    """Websocket URL of a live source's exchange; unset: the exchange's public address."""
    exchange_data_url: str | None = None
    """Alpaca's REST data API (each symbol's snapshot at connect: latest quote, day figures,
    previous close); unset: Alpaca's public address."""
    exchange_symbols: list[str] | None = None
    """A live source's products, in the protocol's grammar (`["BTC-USD", "ETH-USD"]`, Binance
    `["BTC-USDT"]`, Alpaca `["AAPL"]`); unset: a few majors of that exchange."""
    exchange_idle_s: float = Field(default=15.0, gt=0)
    """Silence from an exchange that sends heartbeats longer than this means the link is dead
    (for Alpaca: websocket pings unanswered this long); the feed reconnects."""
    exchange_backoff_s: float = Field(default=1.0, gt=0)
    """First reconnect delay's ceiling; it doubles per failure in a row (full jitter)."""
    exchange_backoff_max_s: float = Field(default=30.0, gt=0)
    """Largest reconnect delay."""
    alpaca_key_id: SecretStr | None = None
    """Alpaca API key ID (`FEED_SOURCE=alpaca` needs it; never logged)."""
    alpaca_secret_key: SecretStr | None = None
    """Alpaca API secret key (never logged)."""
    seed: int = 7
    ticks_per_second: float = Field(default=300.0, gt=0, le=100_000)
    jumps_per_minute: float = Field(default=0.5, ge=0)
    """Simulated price shocks per minute (each makes a headline)."""
    history_minutes: float = Field(default=120.0, ge=0, le=24 * 60)
    """How much of the past the simulator replays at start (bars to chart at once; 0: none)."""
    ambient_news_per_minute: float = Field(default=3.0, ge=0)
    """Market and sector headlines per minute, beside those of price shocks."""
    history_size: int = Field(default=500, ge=1)
    """Messages kept per lossless channel for recovery."""
    news_snapshot: int = Field(default=20, ge=0)
    bars_snapshot: int = Field(default=120, ge=0)
    bars_history: int = Field(default=300, ge=1)
    summary_interval_ms: int = Field(default=500, ge=50)

    # Delivery
    min_throttle_ms: int = Field(default=20, ge=1)
    max_throttle_ms: int = Field(default=5_000, ge=1)
    max_subscriptions: int = Field(default=500, ge=1)
    max_queue: int = Field(default=1_000, ge=1)
    """Lossless messages a connection may have waiting before it is a slow consumer."""
    max_message_bytes: int = Field(default=64 * 1024, ge=1024)
    """Largest request; frames over twice this close the connection before they are read."""
    max_pending_bytes: int = Field(default=1024 * 1024, ge=64 * 1024)
    """Bytes of updates a connection may have waiting for a flush, and bytes of replies and
    batches waiting in its Engine.IO queue, before it is a slow consumer."""
    max_batch_wait_s: float = Field(default=3.0, gt=0)
    """Longest a flushed batch may wait for the connection's socket to take it before the
    connection is a slow consumer."""
    write_timeout_s: float = Field(default=10.0, gt=0)
    """Longest a websocket write may wait for the client to read (and a closed connection
    to finish closing) before its TCP connection is aborted."""
    send_buffer_bytes: int = Field(default=256 * 1024, ge=4096)
    """Kernel send buffer of each websocket connection (SO_SNDBUF)."""

    # Authentication
    require_auth: bool = False
    """Refuse connections without a valid token (production). Otherwise guests may connect."""
    guest_channels: list[str] = Field(default_factory=lambda: list(GUEST_SCOPES))
    jwt_algorithm: Literal["EdDSA", "RS256", "HS256"] = "EdDSA"
    jwt_public_key_file: Path | None = None
    jwt_public_key: SecretStr | None = None
    """Inline PEM, instead of a file."""
    jwt_secret: SecretStr | None = None
    """HS256 only."""
    jwt_audience: str = "marketpulse-feed"
    jwt_issuer: str = "marketpulse"
    jwt_leeway_s: int = Field(default=5, ge=0)

    # Admission and limits
    allowed_origins: list[str] | Literal["*"] = "*"
    ip_allow: list[str] = Field(default_factory=list)
    ip_deny: list[str] = Field(default_factory=list)
    max_connections_per_ip: int = Field(default=100, ge=1)
    max_connections_per_user: int = Field(default=20, ge=1)
    connect_rate_per_ip: float = Field(default=10.0, gt=0)
    """Connection attempts per second per IP (sustained)."""
    connect_burst_per_ip: int = Field(default=30, ge=1)
    app_addresses: list[str] = Field(default_factory=list)
    """CIDRs of the MarketPulse app's servers, which connect once per browser tab for many
    users: their connections skip the per-IP attempt rate and count against
    `max_connections_per_app_address` instead of `max_connections_per_ip` (the per-user limit
    still applies). Empty (the default): no address is treated so."""
    max_connections_per_app_address: int = Field(default=10_000, ge=1)
    """Open connections per address listed in `app_addresses`."""
    message_rate: float = Field(default=50.0, gt=0)
    """Requests per second per connection (sustained)."""
    message_burst: int = Field(default=100, ge=1)
    flood_burst: int = Field(default=100, ge=1)
    """Requests refused for rate a connection may send (refilled at `message_rate`) before
    it is closed with goodbye `policy`."""
    policy_penalty_s: float = Field(default=30.0, ge=0)
    """Seconds an address's new connections are refused (`rate_limited`) after one of its
    connections was closed with goodbye `policy` (never the `app_addresses`; 0: none)."""
    api_rate_per_ip: float = Field(default=5.0, gt=0)
    """`/api/snapshot` and `/api/catalog` requests per second per IP address without a valid
    token (sustained); past it, `429 rate_limited` with `Retry-After`."""
    api_burst_per_ip: int = Field(default=20, ge=1)
    api_rate_per_user: float = Field(default=5.0, gt=0)
    """`/api/snapshot` requests per second per signed-in user (sustained), whatever the IP."""
    api_burst_per_user: int = Field(default=20, ge=1)
    snapshot_max_bytes: int = Field(default=128 * 1024, ge=1024)
    """Largest `/api/snapshot` answer; a request for more is refused (`limit_exceeded`)."""

    # Alerts and audit
    alerts_db_url: str | None = None
    """SQLAlchemy URL; default SQLite in `data_dir`."""
    max_alert_rules_per_user: int = Field(default=50, ge=1)
    audit_log_path: Path | None = None
    """JSON lines; default `data_dir/audit.jsonl`."""

    # Logs
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "text"] = "json"
    log_file: Path | None = None
    """Write the log to this file, rotated by size, instead of stderr."""
    log_file_max_bytes: int = Field(default=10 * 1024 * 1024, ge=4096)
    """Size at which `log_file` is rotated (`log_file.1`, `.2`, ...)."""
    log_file_backups: int = Field(default=5, ge=1)
    """Rotated files kept beside `log_file`; older ones are deleted."""
    log_repeat_window_s: float = Field(default=60.0, ge=0)
    """A warning or error of a kind already written within this many seconds is counted
    (`feed_log_records_total`, and `repeats` on its kind's next line), not written (0: off)."""

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("ssl_certfile and ssl_keyfile go together")
        if self.min_throttle_ms > self.max_throttle_ms:
            raise ValueError("min_throttle_ms must not exceed max_throttle_ms")
        if self.max_batch_wait_s >= self.write_timeout_s:
            raise ValueError("max_batch_wait_s must be below write_timeout_s")
        if self.exchange_backoff_s > self.exchange_backoff_max_s:
            raise ValueError("exchange_backoff_s must not exceed exchange_backoff_max_s")
        if self.source == "alpaca" and not (self.alpaca_key_id and self.alpaca_secret_key):
            raise ValueError("FEED_SOURCE=alpaca needs FEED_ALPACA_KEY_ID, FEED_ALPACA_SECRET_KEY")
        if self.jwt_algorithm == "HS256" and self.jwt_public_key_file:
            raise ValueError("HS256 verifies with jwt_secret, not a public key")
        return self

    @property
    def tls(self) -> bool:
        return self.ssl_certfile is not None

    @property
    def resolved_alerts_db_url(self) -> str:
        return self.alerts_db_url or f"sqlite:///{self.data_dir / 'feed.db'}"

    @property
    def resolved_audit_log_path(self) -> Path:
        return self.audit_log_path or self.data_dir / "audit.jsonl"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = os.environ.get("FEED_CONFIG")
        if toml_path:
            if not Path(toml_path).is_file():
                raise FileNotFoundError(f"FEED_CONFIG names no file: {toml_path}")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)
