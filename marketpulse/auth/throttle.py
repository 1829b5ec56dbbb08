"""The login throttle: slows password guessing, per username and per client address.

A key (a username, or an address) with `max_failures` failed attempts inside `window_s` is
refused until the oldest of them leaves the window. An attempt is counted as a failure the
moment it is admitted, before any password is hashed (`LoginGate.admit` checks both keys and
records the attempt in both in one step, with no await between): concurrent attempts cannot
all pass the check while the first hashes are still running. A correct password then takes its
attempt back (`LoginAttempt.succeeded`): its username's record is cleared, and its address
keeps only its other failures.

In memory, per process: with several workers each keeps its own count, which still bounds
guessing to a small multiple. The table is capped (`max_keys`), oldest keys dropped first.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class ThrottledError(Exception):
    """Too many failed attempts: `retry_after_s` until the key may try again."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"retry after {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s

    @property
    def message(self) -> str:
        """What the user is told."""
        minutes = max(1, round(self.retry_after_s / 60))
        return f"Too many failed attempts. Please wait {minutes} minute(s) and try again."


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

    def now(self) -> float:
        return self._clock()

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0: now)."""
        failures = self._recent(key)
        if len(failures) < self.max_failures:
            return 0.0
        return max(0.0, failures[0] + self.window_s - self._clock())

    def record(self, key: str, at: float) -> None:
        """Count a failure of `key` at time `at`."""
        failures = self._recent(key)
        failures.append(at)
        self._failures[key] = failures
        self._failures.move_to_end(key)
        while len(self._failures) > self._max_keys:
            self._failures.popitem(last=False)

    def withdraw(self, key: str, at: float) -> None:
        """Take back the failure of `key` recorded at `at` (the attempt succeeded)."""
        failures = self._failures.get(key)
        if failures is not None and at in failures:
            failures.remove(at)

    def clear(self, key: str) -> None:
        """Forget `key`'s failures (a correct password for this username)."""
        self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key, deque())
        horizon = self._clock() - self.window_s
        while failures and failures[0] <= horizon:
            failures.popleft()
        return failures


@dataclasses.dataclass(frozen=True)
class LoginAttempt:
    """An admitted attempt, counted as a failure until `succeeded` takes it back."""

    gate: LoginGate
    username_key: str
    address_key: str
    address_at: float

    def succeeded(self) -> None:
        """The password was right: clear the username's record, withdraw the address's count."""
        self.gate.by_username.clear(self.username_key)
        self.gate.by_address.withdraw(self.address_key, self.address_at)


@dataclasses.dataclass(frozen=True)
class LoginGate:
    """The two throttles a password check passes: one per username, one per address."""

    by_username: LoginThrottle
    by_address: LoginThrottle

    def admit(self, username: str, address: str) -> LoginAttempt:
        """Reserve an attempt for `username` from `address` before checking its password, or
        raise `ThrottledError`. Synchronous on purpose: nothing can interleave between the check
        and the count."""
        username_key, address_key = f"user:{username}", f"address:{address}"
        wait_s = max(
            self.by_username.retry_after(username_key), self.by_address.retry_after(address_key)
        )
        if wait_s > 0:
            raise ThrottledError(wait_s)
        self.by_username.record(username_key, self.by_username.now())
        address_at = self.by_address.now()
        self.by_address.record(address_key, address_at)
        return LoginAttempt(self, username_key, address_key, address_at)


USERNAME_THROTTLE = LoginThrottle(max_failures=5, window_s=900.0)
"""Five wrong passwords for one username per 15 minutes."""
ADDRESS_THROTTLE = LoginThrottle(max_failures=30, window_s=900.0)
"""Thirty failed logins from one client address per 15 minutes (any usernames)."""
LOGIN_GATE = LoginGate(USERNAME_THROTTLE, ADDRESS_THROTTLE)
"""What every password check of the process (log in, change password) goes through."""
