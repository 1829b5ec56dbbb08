"""Legacy password hashes: verify the scrypt hashes stored before Argon2id (never make new ones).

Accounts created before the switch to Argon2id (`marketpulse.auth.passwords`) hold a
self-describing scrypt hash (stdlib `hashlib.scrypt`, random salt per password):

    scrypt$n=131072,r=8,p=1$<salt, base64>$<derived key, base64>

`verify` still accepts them, so those users can log in; the login then re-hashes the password
with Argon2id. A malformed or tampered hash never matches, and parameters outside sane bounds
are refused before any work (a tampered row cannot make a login allocate gigabytes). The
comparison is constant-time.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac

PREFIX = "scrypt$"
KEY_BYTES = 32


@dataclasses.dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's cost parameters: CPU/memory cost `n` (a power of two), block size `r`, `p`."""

    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        """Memory scrypt needs for these parameters, with headroom (OpenSSL's limit)."""
        return 128 * self.r * (self.n + self.p + 2) + 1024 * 1024


def is_scrypt(stored: str) -> bool:
    """Whether `stored` claims to be a legacy scrypt hash (it may still be malformed)."""
    return stored.startswith(PREFIX)


def verify(password: str, stored: str) -> bool:
    """Whether `password` matches the scrypt hash `stored`; malformed hashes never match."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    cost, salt, expected = parsed
    try:
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=cost.n,
            r=cost.r,
            p=cost.p,
            maxmem=cost.maxmem,
            dklen=len(expected),
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, expected)


def _parse(stored: str) -> tuple[ScryptCost, bytes, bytes] | None:
    try:
        scheme, params, salt_b64, key_b64 = stored.split("$")
        if scheme != PREFIX.rstrip("$"):
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


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
