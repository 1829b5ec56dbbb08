"""Typed settings of the feed server, read from `FEED_*` environment variables and TOML.

Precedence, highest first: environment variables, the TOML file named by `FEED_CONFIG`
(if any), the defaults below. Every setting has a safe default so that
`python -m realtime_server` runs with no configuration at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    """Feed server configuration. The README's table documents each field."""

    model_config = SettingsConfigDict(env_prefix="FEED_", extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    socketio_path: str = "socket.io"

    source: Literal["simulator"] = "simulator"
    seed: int = 7
    ticks_per_second: float = Field(default=300.0, gt=0, le=100_000)

    min_throttle_ms: int = Field(default=20, ge=1)
    max_throttle_ms: int = Field(default=5_000, ge=1)
    max_subscriptions: int = Field(default=500, ge=1)
    max_message_bytes: int = Field(default=64 * 1024, ge=1024)
    cors_allowed_origins: list[str] | Literal["*"] = "*"

    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "text"] = "json"

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
