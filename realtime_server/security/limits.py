"""Admission limits: token buckets, connection counts, IP address rules and Origin checks.

    TokenBucket        a rate with a burst (per connection messages, per IP connect attempts)
    RequestBudget      a connection's request bucket, and whether it floods past it
    PenaltyBox         keys (addresses) refused for a while after abuse, in a bounded LRU
    KeyedBuckets       one bucket per key, in an LRU of bounded size
    ConnectionCounter  open connections per IP address and per user
    IpRules            allow/deny CIDR lists (IPv4 and IPv6; deny wins)
    OriginPolicy       which browser origins may open a connection

All are plain synchronous objects for the event loop's thread; none does I/O.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Literal
from urllib.parse import urlsplit

from realtime_server.protocol.errors import ErrorCode

Clock = Callable[[], float]
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TokenBucket:
    """`burst` tokens at most, refilled at `rate_per_s`; starts full."""

    __slots__ = ("_clock", "_stamp", "_tokens", "burst", "rate")

    def __init__(self, rate_per_s: float, burst: float, clock: Clock = time.monotonic) -> None:
        if rate_per_s < 0 or burst <= 0:
            raise ValueError("a token bucket needs rate_per_s >= 0 and burst > 0")
        self.rate = float(rate_per_s)
        self.burst = float(burst)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def try_take(self, n: float = 1) -> bool:
        """Take `n` tokens if there are that many; never blocks."""
        self._refill()
        if self._tokens >= n:
            self._tokens -= n
            return True
        return False

    def retry_after(self, n: float = 1) -> float:
        """Seconds until `n` tokens will be there (0 if now; inf if never)."""
        self._refill()
        missing = n - self._tokens
        if missing <= 0:
            return 0.0
        if n > self.burst or self.rate == 0:
            return math.inf
        return missing / self.rate

    def _refill(self) -> None:
        now = self._clock()
        elapsed = now - self._stamp
        self._stamp = now
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)


class Admission(Enum):
    """What `RequestBudget.take` decides about one request."""

    ALLOWED = "allowed"
    LIMITED = "limited"
    """Refused for rate (`rate_limited`); the connection may go on."""
    FLOODING = "flooding"
    """Refused, and the connection has been refused for rate too often: cut it."""


class RequestBudget:
    """A connection's requests: its `TokenBucket`, and how far past it the client goes.

    Each request refused for rate takes a token from a second bucket of `flood_burst`
    tokens, refilled at the request rate: a client that keeps sending when told to slow down
    empties it (at 10,000 requests a second against 50 allowed, within milliseconds), while
    one that overshoots now and then never does.
    """

    __slots__ = ("bucket", "refused", "strikes")

    def __init__(
        self, bucket: TokenBucket, flood_burst: float, clock: Clock = time.monotonic
    ) -> None:
        self.bucket = bucket
        self.strikes = TokenBucket(bucket.rate, flood_burst, clock)
        self.refused = 0
        """Requests refused since the last one allowed."""

    def take(self) -> Admission:
        if self.bucket.try_take():
            self.refused = 0
            return Admission.ALLOWED
        self.refused += 1
        return Admission.LIMITED if self.strikes.try_take() else Admission.FLOODING


class PenaltyBox:
    """Keys refused until a deadline, at most `max_keys` of them (the oldest forgotten first)."""

    def __init__(self, max_keys: int = 10_000, clock: Clock = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.max_keys = max_keys
        self._clock = clock
        self._until: OrderedDict[str, float] = OrderedDict()

    def punish(self, key: str, seconds: float) -> None:
        self._until[key] = self._clock() + seconds
        self._until.move_to_end(key)
        while len(self._until) > self.max_keys:
            self._until.popitem(last=False)

    def remaining(self, key: str) -> float:
        """Seconds `key` is still refused for (0: not refused)."""
        until = self._until.get(key)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._until[key]
            return 0.0
        return left


class KeyedBuckets:
    """A `TokenBucket` per key (e.g. per IP address), at most `max_keys` of them.

    The least recently used key is forgotten first; a forgotten key starts again with a full
    bucket, so `max_keys` should exceed the number of keys active within one refill time.
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: float,
        max_keys: int = 10_000,
        clock: Clock = time.monotonic,
    ) -> None:
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        TokenBucket(rate_per_s, burst, clock)  # validate the parameters now
        self.rate = rate_per_s
        self.burst = burst
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def try_take(self, key: str, n: float = 1) -> bool:
        return self._bucket(key).try_take(n)

    def retry_after(self, key: str, n: float = 1) -> float:
        bucket = self._buckets.get(key)
        return 0.0 if bucket is None else bucket.retry_after(n)

    def __len__(self) -> int:
        return len(self._buckets)

    def __contains__(self, key: object) -> bool:
        return key in self._buckets

    def _bucket(self, key: str) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst, self._clock)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket


class ConnectionCounter:
    """Open connections per IP address and per user; None as a limit means no limit."""

    def __init__(self, max_per_ip: int | None, max_per_user: int | None) -> None:
        self.max_per_ip = max_per_ip
        self.max_per_user = max_per_user
        self._ips: dict[str, int] = {}
        self._users: dict[str, int] = {}

    def try_acquire(
        self, ip: str, user: str | None, *, ip_limit: int | None = None
    ) -> ErrorCode | None:
        """Count one more connection, or `too_many_connections` (and count nothing).

        `user` is None for guests: only the IP address limit applies to them. `ip_limit`, when
        given, replaces `max_per_ip` for this address (an app server's, see the guard).
        """
        max_per_ip = self.max_per_ip if ip_limit is None else ip_limit
        if max_per_ip is not None and self._ips.get(ip, 0) >= max_per_ip:
            return ErrorCode.TOO_MANY_CONNECTIONS
        if (
            user is not None
            and self.max_per_user is not None
            and self._users.get(user, 0) >= self.max_per_user
        ):
            return ErrorCode.TOO_MANY_CONNECTIONS
        self._ips[ip] = self._ips.get(ip, 0) + 1
        if user is not None:
            self._users[user] = self._users.get(user, 0) + 1
        return None

    def release(self, ip: str, user: str | None) -> None:
        """Count one connection fewer (with the same ip and user it was acquired with)."""
        _decrement(self._ips, ip)
        if user is not None:
            _decrement(self._users, user)

    def ip_count(self, ip: str) -> int:
        return self._ips.get(ip, 0)

    def user_count(self, user: str) -> int:
        return self._users.get(user, 0)


class IpRules:
    """Allow and deny lists of CIDRs. Deny wins; an empty allow list allows every address.

    IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as dual-stack sockets report IPv4
    clients) are judged as the IPv4 address they carry. An unparsable address is refused.
    """

    def __init__(self, allow: Iterable[str] = (), deny: Iterable[str] = ()) -> None:
        self.allow: tuple[IpNetwork, ...] = tuple(_network(cidr) for cidr in allow)
        self.deny: tuple[IpNetwork, ...] = tuple(_network(cidr) for cidr in deny)

    def permits(self, ip: str) -> bool:
        address = _address(ip)
        if address is None:
            return False
        if any(address in net for net in self.deny):
            return False
        return not self.allow or any(address in net for net in self.allow)


class OriginPolicy:
    """Which `Origin` headers may connect: `"*"`, or exact `scheme://host[:port]` matches.

    No Origin header means a non-browser client, which origin checks cannot constrain: it is
    permitted (authenticate it with a token instead). Hosts compare case-insensitively and
    default ports are implied (`https://a.example:443` is `https://a.example`). `null` and
    malformed origins are refused.
    """

    def __init__(self, allowed: Iterable[str] | Literal["*"]) -> None:
        items = [allowed] if isinstance(allowed, str) else list(allowed)
        self.any = "*" in items
        origins = set()
        for item in items:
            if item != "*":
                origin = _origin(item)
                if origin is None:
                    raise ValueError(f"not an origin (scheme://host[:port]): {item[:100]!r}")
                origins.add(origin)
        self.allowed = frozenset(origins)

    def permits(self, origin: str | None) -> bool:
        if origin is None or self.any:
            return True
        return _origin(origin) in self.allowed


_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _origin(text: str) -> str | None:
    if not isinstance(text, str) or len(text) > 512:
        return None
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = f"[{host}]" if ":" in host else host
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _network(cidr: str) -> IpNetwork:
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        raise ValueError(f"not an IP network (CIDR): {cidr[:100]!r}") from None


def _address(ip: str) -> IpAddress | None:
    if not isinstance(ip, str):
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _decrement(counts: dict[str, int], key: str) -> None:
    left = counts.get(key, 0) - 1
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)
