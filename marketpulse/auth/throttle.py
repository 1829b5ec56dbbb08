"""`LoginThrottle`: slows password guessing, per username and per client address.

A key (a username, or an address) with `max_failures` failed logins inside `window_s` is refused
until the oldest of them leaves the window; a successful login clears its username's record.
In memory, per process: with several workers each keeps its own count, which still bounds
guessing to a small multiple. The table is capped (`max_keys`), oldest keys dropped first.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable


class LoginThrottle:
    """Counts recent failures per key; `retry_after` says how long a key must wait."""

    def __init__(
        self,
        max_failures: int,
        window_s: float,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._max_keys = max_keys
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0: now)."""
        failures = self._recent(key)
        if len(failures) < self.max_failures:
            return 0.0
        return max(0.0, failures[0] + self.window_s - self._clock())

    def failed(self, keys: Iterable[str]) -> None:
        """Record a failed login for each of `keys`."""
        now = self._clock()
        for key in keys:
            failures = self._recent(key)
            failures.append(now)
            self._failures[key] = failures
            self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        """Forget `key`'s failures (a correct password)."""
        self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key, deque())
        horizon = self._clock() - self.window_s
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures


USERNAME_THROTTLE = LoginThrottle(max_failures=5, window_s=900.0)
"""Five wrong passwords for one username per 15 minutes."""
ADDRESS_THROTTLE = LoginThrottle(max_failures=30, window_s=900.0)
"""Thirty failed logins from one client address per 15 minutes (any usernames)."""
