"""`FeedContext`: the parts of one client that its link, sessions and API share.

It owns no behaviour of its own beyond turning acks into pipeline updates and events: the
pipeline (`Sequencer`), the outbound queue, the token keeper, the metrics, the consumer's inbox,
and the connection-wide throttle. Gaps found anywhere are reported here for the live duties
to recover.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable, Sequence

from marketpulse.feed.config import FeedClientConfig
from marketpulse.feed.events import FeedEvent
from marketpulse.feed.metrics import LinkMetrics
from marketpulse.feed.outbox import Outbox
from marketpulse.feed.sequencer import Sequencer
from marketpulse.feed.tokens import TokenKeeper, guest
from realtime_server.protocol import DEFAULT_THROTTLE_MS, ModifyAck, SubscribeAck, UnsubscribeAck


class FeedContext:
    """Shared state of one `FeedClient`; see the module docstring."""

    def __init__(self, config: FeedClientConfig) -> None:
        self.config = config
        self.sequencer = Sequencer(
            alert_memory=config.alert_ids_remembered, gap_buffer=config.gap_buffer_size
        )
        self.outbox = Outbox(config.outbox_size)
        self.keeper = TokenKeeper(guest)
        self.metrics = LinkMetrics(config.rtt_window, config.rate_window_s)
        self.inbox: asyncio.Queue[FeedEvent] = asyncio.Queue()
        self.throttle_ms = DEFAULT_THROTTLE_MS
        """The connection-wide server throttle, as the server last stated it."""
        self.gaps: set[str] = set()
        """Lossless channels with a gap, waiting for the live session to recover them."""
        self.gap_found = asyncio.Event()
        self._ids = itertools.count(1)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def emit(self, events: Iterable[FeedEvent]) -> None:
        for event in events:
            self.inbox.put_nowait(event)

    def report_gaps(self, channels: Iterable[str]) -> None:
        self.gaps.update(channels)
        if self.gaps:
            self.gap_found.set()

    def take_gaps(self) -> list[str]:
        gaps, self.gaps = sorted(self.gaps), set()
        self.gap_found.clear()
        return [name for name in gaps if self.sequencer.holds(name)]

    # -- acks: run synchronously in message order (see transport.py) -------------------------------

    def apply_subscribe_ack(
        self,
        ack: SubscribeAck,
        *,
        requested: Sequence[str],
        reason: str,
    ) -> None:
        """Hold the ack's channels, replay what it recovered, reset what it did not."""
        self.throttle_ms = ack.throttle_ms
        patterns = [name for name in requested if name not in ack.positions]
        self.sequencer.drop(patterns)  # a pattern is held as the concrete channels it named
        outcome = self.sequencer.apply_ack(
            ack.channels, ack.snapshot, ack.positions, ack.replay, reason=reason
        )
        self.metrics.messages(outcome.replayed)
        self.emit(outcome.events)
        self.report_gaps(outcome.gaps)

    def apply_modify_ack(self, ack: ModifyAck, *, requested: Sequence[str]) -> None:
        self.throttle_ms = ack.throttle_ms
        self.sequencer.drop(ack.removed)
        self.sequencer.drop(name for name in requested if name not in ack.positions)
        outcome = self.sequencer.apply_ack(
            list(ack.positions), ack.snapshot, ack.positions, {}, reason="subscribe"
        )
        self.emit(outcome.events)
        self.report_gaps(outcome.gaps)

    def apply_unsubscribe_ack(self, ack: UnsubscribeAck, *, requested: Sequence[str]) -> None:
        self.sequencer.drop([*ack.channels, *requested])
