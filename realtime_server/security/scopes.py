"""Scopes: which channels a token lets its holder subscribe to.

A scope is a channel name or a pattern, compared segment by segment (segments are separated
by `:`). A `*` segment matches exactly one segment; a `*` as the *last* segment matches the
rest of the name (one or more segments). So `price:*` matches `price:AAPL`, `bars:*` matches
`bars:1m:AAPL`, `bars:*:AAPL` matches `bars:5m:AAPL`, `news:*` matches `news:AAPL` but not
`news`, and `*` alone matches every channel — an administrator's grant, including other
users' alert channels, so never mint it for ordinary users.

A channel pattern (`price:*`) is allowed only by a scope that covers every name it expands
to: its `*` matches only a `*` in the scope. The user's own `alerts:<sub>` is always allowed;
anyone else's `alerts:<x>` only through a scope that matches it. Names outside the channel
grammar are never allowed; malformed scopes grant nothing (and are listed in `ignored`).
"""

from __future__ import annotations

from collections.abc import Iterable

from realtime_server.protocol.channels import (
    MAX_CHANNEL_LENGTH,
    WILDCARD,
    Channel,
    ChannelKind,
    alerts_channel,
    parse_channel,
)
from realtime_server.protocol.errors import RequestError

GUEST_SCOPES: tuple[str, ...] = ("price:*", "bars:*", "news", "news:*", "summary", "source")
"""What a connection without a token may subscribe to, when the server admits guests."""

MAX_SCOPES = 256


class ScopeSet:
    """The channels one connection may subscribe to, from its token's scopes and `sub`."""

    __slots__ = ("_exact", "_patterns", "ignored", "scopes", "sub")

    def __init__(self, scopes: Iterable[str], sub: str | None = None) -> None:
        self.sub = sub
        kept: list[str] = []
        ignored: list[str] = []
        for scope in scopes:
            if len(kept) < MAX_SCOPES and _well_formed(scope):
                kept.append(scope)
            else:
                ignored.append(str(scope)[:MAX_CHANNEL_LENGTH])
        self.scopes: tuple[str, ...] = tuple(dict.fromkeys(kept))
        self.ignored: tuple[str, ...] = tuple(ignored)
        self._exact = frozenset(s for s in self.scopes if WILDCARD not in s.split(":"))
        self._patterns = tuple(tuple(s.split(":")) for s in self.scopes if WILDCARD in s.split(":"))

    @classmethod
    def guest(cls) -> ScopeSet:
        return cls(GUEST_SCOPES)

    def allows(self, channel: str | Channel) -> bool:
        """True if the holder may subscribe to `channel` (a name, pattern or parsed Channel)."""
        if isinstance(channel, Channel):
            parsed = channel
        else:
            try:
                parsed = parse_channel(channel)
            except RequestError:
                return False
        name = parsed.name
        if (
            parsed.kind is ChannelKind.ALERTS
            and self.sub is not None
            and name == alerts_channel(self.sub)
        ):
            return True
        if name in self._exact:
            return True
        segments = name.split(":")
        return any(_matches(pattern, segments) for pattern in self._patterns)

    def __repr__(self) -> str:
        return f"ScopeSet({list(self.scopes)!r}, sub={self.sub!r})"


def _matches(pattern: tuple[str, ...], segments: list[str]) -> bool:
    last = len(pattern) - 1
    for i, want in enumerate(pattern):
        if i >= len(segments):
            return False
        if want == WILDCARD and i == last:
            return True  # a trailing `*` takes the rest, at least one segment
        if want != WILDCARD and want != segments[i]:
            return False
    return len(segments) == len(pattern)


def _well_formed(scope: object) -> bool:
    if not isinstance(scope, str) or not 0 < len(scope) <= MAX_CHANNEL_LENGTH:
        return False
    if any(ch.isspace() for ch in scope):
        return False
    segments = scope.split(":")
    # Every segment non-empty; `*` only as a whole segment (`price:AA*` is not a pattern).
    return all(seg and (seg == WILDCARD or WILDCARD not in seg) for seg in segments)
