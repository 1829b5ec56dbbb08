"""Password hashes: Argon2id (`argon2-cffi`) for new ones; legacy scrypt ones still verify.

New hashes are Argon2id in the PHC string format, which describes itself:

    $argon2id$v=19$m=65536,t=3,p=4$<salt, base64>$<hash, base64>

Parameters: argon2-cffi's RFC 9106 "low-memory" profile (`profiles.RFC_9106_LOW_MEMORY`:
64 MiB, 3 passes, 4 lanes, 16-byte salt, 32-byte hash), the RFC's second recommended option and
argon2-cffi's own default. Chosen over OWASP's minimum (19 MiB, 2 passes, 1 lane) because it
keeps an offline guess about as dear as the scrypt it replaces (~0.4 s on a small core, where
OWASP's minimum costs ~0.04 s) while needing half scrypt's 128 MiB, so
`MAX_CONCURRENT_HASHES` logins at once stay within 128 MiB.

Hashes made before the switch are scrypt (`marketpulse.auth.legacy_scrypt`): they still verify,
and `needs_rehash` says True for them and for Argon2id hashes made with other parameters, so the
login handler re-hashes the password with the current ones. A malformed or tampered hash never
matches; stored parameters beyond sane bounds are refused before any work. Comparison is
constant-time (libargon2's own, and `hmac.compare_digest` for scrypt), and `dummy_verify` spends
a real verification's time, so an unknown username does not answer faster.

Hashing runs in a worker thread (`hash_password_async`, `verify_password_async`; both libraries
release the GIL) so a login never stalls the event loop that streams prices, and at most
`MAX_CONCURRENT_HASHES` run at once to bound memory.
"""

from __future__ import annotations

import asyncio
import base64

from argon2 import Parameters, PasswordHasher, extract_parameters, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from marketpulse.auth import legacy_scrypt

PARAMETERS = profiles.RFC_9106_LOW_MEMORY
PREFIX = "$argon2id$"
MAX_CONCURRENT_HASHES = 2
MAX_MEMORY_KIB = 256 * 1024
"""Largest memory cost a stored hash may ask for (4x the current one)."""
MAX_TIME_COST = 16
MAX_PARALLELISM = 16

_semaphore: asyncio.Semaphore | None = None


def hash_password(password: str, parameters: Parameters = PARAMETERS) -> str:
    """A new salted Argon2id hash of `password` in the PHC string format."""
    return PasswordHasher.from_parameters(parameters).hash(password)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (Argon2id or legacy scrypt); malformed never matches."""
    if legacy_scrypt.is_scrypt(stored):
        return legacy_scrypt.verify(password, stored)
    if _stored_parameters(stored) is None:
        return False
    try:
        return PasswordHasher.from_parameters(PARAMETERS).verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str, parameters: Parameters = PARAMETERS) -> bool:
    """Whether `stored` is not an Argon2id hash made with `parameters` (re-hash after login)."""
    return _stored_parameters(stored) != parameters


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


def _stored_parameters(stored: str) -> Parameters | None:
    """The parameters of a well-formed Argon2id hash within bounds; None for anything else."""
    if not stored.isascii() or not stored.startswith(PREFIX):
        return None
    try:
        parameters = extract_parameters(stored)
    except InvalidHashError:
        return None
    sane = (
        parameters.version == 19
        and 8 <= parameters.memory_cost <= MAX_MEMORY_KIB
        and 1 <= parameters.time_cost <= MAX_TIME_COST
        and 1 <= parameters.parallelism <= MAX_PARALLELISM
        and parameters.salt_len >= 8
        and parameters.hash_len >= 16
    )
    return parameters if sane else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


_DUMMY_HASH = (
    f"{PREFIX}v={PARAMETERS.version}"
    f"$m={PARAMETERS.memory_cost},t={PARAMETERS.time_cost},p={PARAMETERS.parallelism}"
    f"${_b64(bytes(PARAMETERS.salt_len))}${_b64(bytes(PARAMETERS.hash_len))}"
)
"""A well-formed hash with the current parameters that no password matches."""
