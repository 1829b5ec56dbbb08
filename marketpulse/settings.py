"""Typed settings of the app, read from `MARKETPULSE_*` environment variables.

An optional TOML file (`marketpulse.toml` in the working directory, or the path in
`MARKETPULSE_CONFIG_FILE`) supplies values too; environment variables win over it. Every setting
has a safe default, so the app runs with no configuration at all.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE_ENV = "MARKETPULSE_CONFIG_FILE"
DEFAULT_CONFIG_FILE = "marketpulse.toml"


class Settings(BaseSettings):
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
    db_url: str = "sqlite:///marketpulse.db"
    """SQLAlchemy URL of the app's database (used by `rxconfig.py`)."""

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
