"""Typed settings of the app, read from `MARKETPULSE_*` environment variables.

An optional TOML file (`marketpulse.toml` in the working directory, or the path in
`MARKETPULSE_CONFIG_FILE`) supplies values too; environment variables win over it. Every setting
has a safe default, so the app runs with no configuration at all.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE_ENV = "MARKETPULSE_CONFIG_FILE"
DEFAULT_CONFIG_FILE = "marketpulse.toml"


class AppConfig(BaseSettings):
    """Everything the app reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="MARKETPULSE_", extra="ignore")

    feed_url: str = "http://127.0.0.1:8765"
    """Base URL of the feed server (Socket.IO namespace `/feed` is appended by the client)."""
    feed_socketio_path: str = "socket.io"
    """Engine.IO path of the feed server."""
    feed_throttle_ms: int = Field(default=250, ge=10, le=60_000)
    """Requested interval between two batches; 250 ms keeps price flashes under 3/s/cell."""
    feed_request_timeout_s: float = Field(default=5.0, gt=0)
    """How long to wait for an acknowledgement (subscribe, ping) from the feed server."""
    feed_urls: list[str] = Field(default_factory=list)
    """Feed servers to fail over between, in order of preference (JSON list in the
    environment): the feed client tries the next one after each failed attempt. Empty: just
    `feed_url`."""
    db_url: str = "sqlite:///marketpulse.db"
    """SQLAlchemy URL of the app's database (used by `rxconfig.py`)."""

    jwt_private_key_file: Path = Path("var/keys/feed_ed25519.pem")
    """Ed25519 private key (PEM) the app signs feed tokens with. Generated on first run when
    missing, with the public key beside it as `feed_ed25519.pub.pem` for the feed server."""
    jwt_ttl_s: int = Field(default=900, ge=60, le=86_400)
    """Lifetime of a feed token; the app re-mints it well before it expires."""
    jwt_audience: str = "marketpulse-feed"
    """`aud` claim of feed tokens: the feed server's `FEED_JWT_AUDIENCE`."""
    jwt_issuer: str = "marketpulse"
    """`iss` claim of feed tokens: the feed server's `FEED_JWT_ISSUER`."""
    jwt_scope: str = "price:* bars:* news news:* summary source"
    """`scope` claim of feed tokens (the user's own alerts channel is implied by the server)."""

    session_ttl_s: int = Field(default=30 * 86_400, ge=300)
    """How long a login lasts (the session cookie's and the server-side session's lifetime)."""
    session_cookie_secure: Literal["auto", "always"] = "auto"
    """When the HttpOnly login cookie is marked Secure: `auto` when the request came over TLS,
    `always` (behind a proxy that terminates TLS in front of the app)."""
    session_check_s: float = Field(default=5.0, ge=0.5, le=300)
    """How often an open tab checks that its login is still live (a logout in another tab,
    "log out everywhere" or a password change ends it); every write checks it too."""
    watchlist_max_symbols: int = Field(default=50, ge=1, le=500)
    """Most symbols one watchlist may hold."""
    default_watchlist: list[str] = Field(default_factory=list)
    """The watchlist of guests and new accounts (JSON list in the environment); unknown
    symbols are left out. Empty: twelve well-known large caps."""
    watchlist_page_size: int = Field(default=25, ge=5, le=100)
    """Watchlist rows per page: only the page on screen is sent to the browser."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Precedence: explicit arguments, then environment, then the TOML file."""
        toml_file = os.environ.get(CONFIG_FILE_ENV, DEFAULT_CONFIG_FILE)
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )

    def feed_url_list(self) -> list[str]:
        """The feed servers to use, in order: `feed_urls`, or just `feed_url`."""
        return list(self.feed_urls) or [self.feed_url]


@lru_cache(maxsize=1)
def get_config() -> AppConfig:
    """The process-wide settings, read once."""
    return AppConfig()
