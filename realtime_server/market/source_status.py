"""The `source` channel's value: where the feed's prices come from, and how that source is.

Built about once a second from the source's own account (`SourceInfo`, `SourceHealth`, its
market clock) and the session its market is in on that clock, so a screen can say "Simulated
market", "Replay · 14 Mar 2013 · x60 · Market closed · opens in 2 h 10 min" or "Live ·
Coinbase · unreachable, retrying in 8 s" from this one message.
"""

from __future__ import annotations

from typing import Any

from realtime_server.market.sessions import ALWAYS_OPEN, MarketSession, us_equity_session
from realtime_server.protocol import SourceStatus
from realtime_server.sources.base import Source

US_EQUITIES = "us-equities"


def market_session(market: str, clock_ms: int) -> MarketSession:
    """The session of a source's market at `clock_ms` (`always` markets never close)."""
    return us_equity_session(clock_ms) if market == US_EQUITIES else ALWAYS_OPEN


def source_status(source: Source) -> dict[str, Any]:
    """The `source` channel's value now, in wire form."""
    info, health, clock = source.info, source.health(), source.clock_ms()
    session = market_session(info.market, clock)
    status = SourceStatus(
        name=info.name,
        kind=info.kind,
        label=info.label,
        state=health.state,
        reason=health.reason,
        retry_at=health.retry_at_ms,
        clock=clock,
        speed=info.speed,
        delay_ms=info.delay_ms,
        news=info.news,
        session=session.state,
        next_session_change=session.next_change_ms,
        next_session=session.next_state,
    )
    return status.model_dump(mode="json")
