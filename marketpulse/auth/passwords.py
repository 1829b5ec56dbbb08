"""Password hashes: scrypt (stdlib `hashlib.scrypt`) with a random salt per password.

The stored string describes itself, so the cost can be raised later without breaking old
hashes (`needs_rehash` says when to re-hash at the next login):

    scrypt$n=131072,r=8,p=1$<salt, base64>$<derived key, base64>

Defaults follow OWASP's scrypt minimum (N=2^17, r=8, p=1: 128 MiB, ~0.4 s on a small core).
Hashing runs in a worker thread (`hash_password_async`, `verify_password_async`; scrypt releases
the GIL) so a login never stalls the event loop that streams prices, and at most
`MAX_CONCURRENT_HASHES` run at once to bound memory. Comparison is constant-time.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MAX_CONCURRENT_HASHES = 2


@dataclasses.dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's cost parameters: CPU/memory cost `n` (a power of two), block size `r`, `p`."""

    n: int = 2**17
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        """Memory scrypt needs for these parameters, with headroom (OpenSSL's limit)."""
        return 128 * self.r * (self.n + self.p + 2) + 1024 * 1024


DEFAULT_COST = ScryptCost()
_semaphore: asyncio.Semaphore | None = None


def hash_password(password: str, cost: ScryptCost = DEFAULT_COST) -> str:
    """A new salted hash of `password` in the self-describing format."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost, KEY_BYTES)
    return f"{SCHEME}$n={cost.n},r={cost.r},p={cost.p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored`. A malformed or tampered hash never matches."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, expected = parsed
    try:
        actual = _derive(password, salt, cost, len(expected))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str, cost: ScryptCost = DEFAULT_COST) -> bool:
    """Whether `stored` was made with other parameters than `cost` (re-hash after login)."""
    parsed = _parse(stored)
    return parsed is None or parsed[0] != cost


def dummy_verify(password: str) -> None:
    """Spend the time a real verification takes, so unknown usernames do not answer faster."""
    verify_password(password, _DUMMY_HASH)


async def hash_password_async(password: str) -> str:
    """`hash_password` in a worker thread, at most `MAX_CONCURRENT_HASHES` at a time."""
    async with _limit():
        return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password: str, stored: str | None) -> bool:
    """`verify_password` in a worker thread; with no stored hash, spend the time and say no."""
    async with _limit():
        if stored is None:
            await asyncio.to_thread(dummy_verify, password)
            return False
        return await asyncio.to_thread(verify_password, password, stored)


def _limit() -> asyncio.Semaphore:
    global _semaphore
    if _semaphore is None:
        _semaphore = asyncio.Semaphore(MAX_CONCURRENT_HASHES)
    return _semaphore


def _derive(password: str, salt: bytes, cost: ScryptCost, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.maxmem,
        dklen=length,
    )


def _parse(stored: str) -> tuple[ScryptCost, bytes, bytes] | None:
    try:
        scheme, params, salt_b64, key_b64 = stored.split("$")
        if scheme != SCHEME:
            return None
        values = dict(item.split("=", 1) for item in params.split(","))
        cost = ScryptCost(n=int(values["n"]), r=int(values["r"]), p=int(values["p"]))
        salt, key = _unb64(salt_b64), _unb64(key_b64)
    except (ValueError, KeyError, binascii.Error):
        return None
    sane = (
        2 <= cost.n <= 2**20
        and cost.n & (cost.n - 1) == 0
        and 1 <= cost.r <= 32
        and 1 <= cost.p <= 16
        and len(salt) >= 8
        and len(key) == KEY_BYTES
    )
    return (cost, salt, key) if sane else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


_DUMMY_HASH = f"{SCHEME}$n={DEFAULT_COST.n},r={DEFAULT_COST.r},p={DEFAULT_COST.p}$" + (
    f"{_b64(b'marketpulse-salt')}${_b64(bytes(KEY_BYTES))}"
)
