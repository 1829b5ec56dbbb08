"""One admitted connection: who it is, what it may read, and its request budget."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from realtime_server.protocol import Channel
from realtime_server.security import ScopeSet, TokenBucket


@dataclass(slots=True, eq=False)
class Peer:
    """State the transport keeps per connection (the hub keeps the subscriptions)."""

    sid: str
    ip: str
    user: str | None
    """The token's `sub`; None for a guest."""
    scopes: ScopeSet
    expires_at: float | None
    """The token's `exp` (seconds since the epoch); None for a guest."""
    bucket: TokenBucket
    connected_at: float = field(default_factory=time.time)
    requests: int = 0
    rtt_ms: float | None = None
    """The latest round trip the client reported in a ping."""
    expiry: asyncio.TimerHandle | None = None
    closing: bool = False

    @property
    def kind(self) -> str:
        return "guest" if self.user is None else "user"

    def allows(self, channel: str | Channel) -> bool:
        return self.scopes.allows(channel)

    def cancel_expiry(self) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
