"""Which `Source` a feed server runs: the one `FEED_SOURCE` names, built from the settings."""

from __future__ import annotations

from realtime_server.config import Settings
from realtime_server.sources.base import Source
from realtime_server.sources.exchanges.sources import LIVE_SOURCES, build_exchange_feed
from realtime_server.sources.replay.build import build_replay_source
from realtime_server.sources.simulator import SimulatorSource
from realtime_server.sources.synthetic import SyntheticSource
from realtime_server.sources.universe import DEFAULT_UNIVERSE


def build_source(settings: Settings) -> Source:
    """The market data source named by `settings.source`."""
    if settings.source in LIVE_SOURCES:
        return build_exchange_feed(settings)
    if settings.source == "replay":
        return build_replay_source(settings)
    if settings.source == "synthetic":
        return SyntheticSource(
            settings.synthetic_symbols,
            settings.ticks_per_second,
            settings.seed,
            history_minutes=settings.history_minutes,
        )
    return SimulatorSource(
        universe=DEFAULT_UNIVERSE,
        seed=settings.seed,
        ticks_per_second=settings.ticks_per_second,
        jumps_per_minute=settings.jumps_per_minute,
        history_s=settings.history_minutes * 60,
    )
