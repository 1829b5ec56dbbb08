"""Tokens: where they come from, when they expire, and when to refresh them.

The client never holds a signing key. It asks a `TokenProvider` (an async or plain callable
returning a JWT, or None for guest access) whenever it needs a token: before connecting when
it has none or the one it has is due for refresh, after the server said `token_expired`, and
for the in-band `refresh` before expiry. The token's `exp` and `iat` are read without
verifying the signature (the server verifies; the client only schedules).

Refresh is due at `exp - lead`, where lead = min(`refresh_lead_s`, (1 - fraction) x
lifetime): a 1 h token refreshes 60 s before expiry, a 4 s token at 80 % of its life.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import jwt

TokenProvider = Callable[[], Awaitable[str | None] | str | None]
"""Returns a fresh token (or None: connect as a guest). May be async."""


@dataclasses.dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token and the times read from it (None when it has no readable claim)."""

    token: str
    exp: float | None
    iat: float | None

    def refresh_at(self, fraction: float, lead_s: float) -> float | None:
        """When (seconds since the epoch) to refresh this token; None if it never expires."""
        if self.exp is None:
            return None
        issued = self.iat if self.iat is not None and self.iat < self.exp else None
        lifetime = self.exp - issued if issued is not None else lead_s / (1 - fraction)
        return self.exp - min(lead_s, (1 - fraction) * lifetime)


def read_token(token: str) -> TokenInfo:
    """`exp` and `iat` of a JWT, read without verification (garbage gives None for both)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return TokenInfo(token, None, None)
    return TokenInfo(token, _number(claims, "exp"), _number(claims, "iat"))


def guest() -> None:
    """The provider of a client without credentials: it connects as a guest."""
    return None


class TokenKeeper:
    """The current token, minted on demand from the provider, and its refresh schedule."""

    def __init__(
        self,
        provider: TokenProvider,
        *,
        fraction: float = 0.8,
        lead_s: float = 60.0,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._provider = provider
        self._fraction = fraction
        self._lead_s = lead_s
        self._wall = wall
        self._current: TokenInfo | None = None
        self._guest = False
        self.mints = 0
        """How many times the provider was asked."""

    @property
    def current(self) -> TokenInfo | None:
        return self._current

    async def token(self) -> str | None:
        """A token to connect or poll with: the current one, or a new one if it is due."""
        if self._guest:
            return None
        due = self.refresh_at()
        if self._current is None or (due is not None and self._wall() >= due):
            await self.mint()
        return self._current.token if self._current else None

    async def mint(self) -> str | None:
        """Ask the provider for a new token and make it current."""
        self.mints += 1
        result = self._provider()
        token = await result if inspect.isawaitable(result) else result
        self._guest = token is None
        self._current = read_token(token) if token is not None else None
        return token

    def invalidate(self) -> None:
        """The server said the token expired: mint a new one next time."""
        self._current = None
        self._guest = False

    def refresh_at(self) -> float | None:
        """When the current token should be refreshed (seconds since the epoch), if ever."""
        if self._current is None:
            return None
        return self._current.refresh_at(self._fraction, self._lead_s)

    def seconds_until_refresh(self) -> float | None:
        due = self.refresh_at()
        return None if due is None else due - self._wall()


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
