"""The link's state machine: states as values, a table of allowed transitions, time per state.

    idle ──► connecting ──► live ◄──────────────┐
                 │            │                 │
                 ▼            ▼                 │
            reconnecting(attempt, next_retry_at) ◄──► polling(attempt, next_retry_at)
                 │                                  │
                 ├──► unauthorized                  │
                 └──► offline ◄─────────────────────┘   (any state but offline may go offline)

`reconnecting` and `polling` may follow themselves: each failed attempt is a new status value
(attempt number, next retry time). Every other change must be in `TRANSITIONS`; anything else
raises `IllegalTransitionError`. The machine also accounts the time spent in each state.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from types import MappingProxyType

from marketpulse.feed.errors import IllegalTransitionError


class LinkState(StrEnum):
    """The state of the app's link to the feed; the values are the indicator's `data-state`."""

    IDLE = "idle"
    """Not started yet."""
    CONNECTING = "connecting"
    """First connection attempt under way."""
    LIVE = "live"
    """Connected and subscribed: updates are flowing over the socket."""
    RECONNECTING = "reconnecting"
    """The socket is down (or never came up) and is being retried; no data flows."""
    POLLING = "polling"
    """The socket is down but HTTP polling of /api/snapshot delivers data; the socket is
    still retried in the background."""
    OFFLINE = "offline"
    """Closed, told not to reconnect, or retrying was given up."""
    UNAUTHORIZED = "unauthorized"
    """The server refused this client's credentials; no automatic retry."""


_S = LinkState
TRANSITIONS: Mapping[LinkState, frozenset[LinkState]] = MappingProxyType(
    {
        _S.IDLE: frozenset({_S.CONNECTING, _S.OFFLINE}),
        _S.CONNECTING: frozenset(
            {_S.LIVE, _S.RECONNECTING, _S.POLLING, _S.UNAUTHORIZED, _S.OFFLINE}
        ),
        _S.LIVE: frozenset({_S.RECONNECTING, _S.OFFLINE}),
        _S.RECONNECTING: frozenset(
            {_S.RECONNECTING, _S.POLLING, _S.LIVE, _S.UNAUTHORIZED, _S.OFFLINE}
        ),
        _S.POLLING: frozenset({_S.POLLING, _S.RECONNECTING, _S.LIVE, _S.UNAUTHORIZED, _S.OFFLINE}),
        _S.UNAUTHORIZED: frozenset({_S.CONNECTING, _S.OFFLINE}),
        _S.OFFLINE: frozenset({_S.CONNECTING}),
    }
)
"""state → the states it may move to. The only legal self-transitions are the retry states'."""


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionStatus:
    """One value of the link's state, with what a UI needs to explain it."""

    state: LinkState
    attempt: int = 0
    """The number of the next connection attempt since the link was last live (1 = the first
    retry); 0 outside `reconnecting` and `polling`."""
    next_retry_at: int | None = None
    """When the next socket attempt starts, ms since the epoch; None when none is scheduled."""
    reason: str = ""
    """Why the link is in this state (the last failure, a goodbye code, ...)."""
    url: str | None = None
    """The feed URL in use (live) or last tried."""
    since_ms: int = 0
    """When this status was entered, ms since the epoch."""
    refusal: str = ""
    """The code the server refused the last attempt with (`too_many_connections`,
    `rate_limited`, ...) while reconnecting or polling; empty when it did not refuse."""


class LinkStateMachine:
    """Holds the current `ConnectionStatus`, checks each transition, accounts time per state."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self._clock = clock
        self._wall_ms = wall_ms
        self._status = ConnectionStatus(LinkState.IDLE, since_ms=wall_ms())
        self._entered = clock()
        self._spent: dict[LinkState, float] = dict.fromkeys(LinkState, 0.0)
        self.transitions = 0
        """How many status changes have happened."""

    @property
    def status(self) -> ConnectionStatus:
        return self._status

    @property
    def state(self) -> LinkState:
        return self._status.state

    @staticmethod
    def allowed(source: LinkState, target: LinkState) -> bool:
        return target in TRANSITIONS[source]

    def transition(
        self,
        state: LinkState,
        *,
        attempt: int = 0,
        next_retry_at: int | None = None,
        reason: str = "",
        url: str | None = None,
        refusal: str = "",
    ) -> ConnectionStatus:
        """Move to `state`; raises `IllegalTransitionError` unless the table allows it."""
        current = self._status.state
        if not self.allowed(current, state):
            raise IllegalTransitionError(f"illegal link transition {current} -> {state}")
        now = self._clock()
        self._spent[current] += now - self._entered
        self._entered = now
        self._status = ConnectionStatus(
            state, attempt, next_retry_at, reason, url, since_ms=self._wall_ms(), refusal=refusal
        )
        self.transitions += 1
        return self._status

    def time_in_state(self) -> Mapping[LinkState, float]:
        """Seconds spent in each state so far, the current one included."""
        spent = dict(self._spent)
        spent[self._status.state] += self._clock() - self._entered
        return MappingProxyType(spent)
