"""The replay source as the settings describe it: its file (or the shipped sample), its
start, its speed."""

from __future__ import annotations

import logging

from realtime_server.config import Settings
from realtime_server.sources.replay.files import read_replay_files
from realtime_server.sources.replay.plan import plan_replay
from realtime_server.sources.replay.sampledata import sample_path
from realtime_server.sources.replay.source import ReplaySource, replay_speed

log = logging.getLogger(__name__)


def build_replay_source(settings: Settings) -> ReplaySource:
    """`FEED_SOURCE=replay`; a bad file raises `ReplayDataError` naming the file and line."""
    path = settings.replay_file or sample_path()
    bars = read_replay_files(path, settings.replay_symbol)
    plan = plan_replay(bars, settings.replay_start, settings.bars_history)
    if plan.left_out:
        log.warning(
            "replay leaves out symbols without bars on its first day",
            extra={"symbols": list(plan.left_out), "start": plan.first_day.isoformat()},
        )
    log.info(
        "replay loaded",
        extra={
            "file": str(path),
            "symbols": [i.symbol for i in plan.instruments],
            "start": plan.first_day.isoformat(),
            "end": plan.last_day.isoformat(),
            "past_bars": len(plan.history),
        },
    )
    return ReplaySource(
        plan,
        speed=replay_speed(settings.replay_minutes_per_day),
        closed_s=settings.replay_closed_s,
        ticks_per_second=settings.ticks_per_second,
        seed=settings.seed,
    )
