"""Password hashing (`marketpulse.auth.passwords`): Argon2id, salted; legacy scrypt verifies."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable

import pytest
from argon2 import Parameters, PasswordHasher
from argon2.low_level import Type

from marketpulse.auth import passwords
from marketpulse.auth.passwords import (
    PARAMETERS,
    hash_password,
    hash_password_async,
    needs_rehash,
    verify_password,
    verify_password_async,
)

FAST = dataclasses.replace(PARAMETERS, time_cost=1, memory_cost=64, parallelism=1)
"""Cheap parameters for tests that are not about the cost itself."""

LEGACY_PASSWORD = "correct horse battery staple"
LEGACY_HASH = (
    "scrypt$n=16384,r=8,p=1$CtWnezproe3nPbhQHWPwow==$BxZPeCkkstxqKzL40Jbjwwo5fhSdt6lievKj6CoxGOo="
)
"""Made by the scrypt `hash_password` this module replaced (cost lowered from 2^17 for speed)."""


def _scrypt_hash(password: str, n: int, r: int, p: int) -> str:
    """A genuine hash in the legacy format, with any parameters."""
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**26)
    encoded = base64.b64encode(salt).decode(), base64.b64encode(key).decode()
    return f"scrypt$n={n},r={r},p={p}${encoded[0]}${encoded[1]}"


def test_new_hashes_are_argon2id_with_the_chosen_parameters() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PARAMETERS.memory_cost >= 19 * 1024  # never below OWASP's minimum
    assert verify_password("correct horse battery staple", stored)
    assert not needs_rehash(stored)
    assert "correct horse" not in stored


def test_wrong_password_is_refused() -> None:
    stored = hash_password("correct horse battery staple", FAST)
    assert not verify_password("correct horse battery stapler", stored)
    assert not verify_password("", stored)
    assert not verify_password("CORRECT HORSE BATTERY STAPLE", stored)


def test_each_hash_has_its_own_salt() -> None:
    first = hash_password("same password here", FAST)
    second = hash_password("same password here", FAST)
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_password("same password here", first)
    assert verify_password("same password here", second)


def test_a_legacy_scrypt_hash_verifies_and_needs_rehash() -> None:
    assert verify_password(LEGACY_PASSWORD, LEGACY_HASH)
    assert not verify_password(LEGACY_PASSWORD + "!", LEGACY_HASH)
    assert needs_rehash(LEGACY_HASH)
    rehashed = hash_password(LEGACY_PASSWORD)
    assert rehashed.startswith("$argon2id$")
    assert verify_password(LEGACY_PASSWORD, rehashed)
    assert not needs_rehash(rehashed)


def _tamper(stored: str, index: int, replacement: str) -> str:
    parts = stored.split("$")
    parts[index] = replacement
    return "$".join(parts)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: _tamper(s, 5, "A" * 43), id="hash"),
        pytest.param(lambda s: _tamper(s, 4, "YW5vdGhlciBzYWx0ISEhIQ"), id="salt"),
        pytest.param(lambda s: _tamper(s, 3, "m=128,t=1,p=1"), id="cost"),
        pytest.param(lambda s: _tamper(s, 2, "v=16"), id="version"),
        pytest.param(lambda s: _tamper(s, 1, "argon2i"), id="type"),
        pytest.param(lambda s: _tamper(s, 3, "m=٦٤,t=1,p=1"), id="non-ascii-digits"),
        pytest.param(lambda s: _tamper(s, 5, "not base64!"), id="garbage-hash"),
        pytest.param(lambda s: s[:-4], id="truncated"),
        pytest.param(lambda s: s + "$extra", id="extra-field"),
        pytest.param(lambda s: "$argon2id$", id="prefix-only"),
        pytest.param(lambda s: "", id="empty"),
        pytest.param(lambda s: "correct horse", id="plain-text"),
    ],
)
def test_tampered_or_malformed_argon2_hash_never_matches(tamper: Callable[[str], str]) -> None:
    stored = hash_password("correct horse", FAST)
    assert not verify_password("correct horse", tamper(stored))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: _tamper(s, 3, base64.b64encode(bytes(32)).decode()), id="key"),
        pytest.param(
            lambda s: _tamper(s, 2, base64.b64encode(b"another salt!!!!").decode()), id="salt"
        ),
        pytest.param(lambda s: _tamper(s, 1, "n=2048,r=8,p=1"), id="cost"),
        pytest.param(lambda s: _tamper(s, 1, "n=1000,r=8,p=1"), id="n-not-power-of-two"),
        pytest.param(lambda s: _tamper(s, 1, "n=1073741824,r=8,p=1"), id="n-too-large"),
        pytest.param(lambda s: _tamper(s, 3, "not base64!"), id="garbage-key"),
        pytest.param(lambda s: _tamper(s, 3, "Zm9v٦"), id="non-ascii-key"),
        pytest.param(lambda s: s[:-4], id="truncated"),
        pytest.param(lambda s: s + "$extra", id="extra-field"),
    ],
)
def test_tampered_or_malformed_scrypt_hash_never_matches(tamper: Callable[[str], str]) -> None:
    assert not verify_password(LEGACY_PASSWORD, tamper(LEGACY_HASH))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda pw: hash_password(pw, dataclasses.replace(FAST, time_cost=17)), id="argon2-t"
        ),
        pytest.param(
            lambda pw: hash_password(
                pw, dataclasses.replace(FAST, parallelism=17, memory_cost=136)
            ),
            id="argon2-p",
        ),
        pytest.param(
            lambda pw: hash_password(pw, dataclasses.replace(FAST, hash_len=8)), id="argon2-short"
        ),
        pytest.param(
            lambda pw: PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.I).hash(
                pw
            ),
            id="argon2i",
        ),
        pytest.param(lambda pw: _scrypt_hash(pw, n=2, r=33, p=1), id="scrypt-r"),
        pytest.param(lambda pw: _scrypt_hash(pw, n=2, r=1, p=17), id="scrypt-p"),
    ],
)
def test_genuine_hashes_outside_the_bounds_are_refused(make: Callable[[str], str]) -> None:
    """Hashes no version of this app makes: a stored one is tampered with, so it never matches."""
    assert not verify_password("correct horse", make("correct horse"))


def test_a_genuine_legacy_hash_within_the_bounds_verifies() -> None:
    """The other side of the bounds test: `_scrypt_hash` makes hashes that do verify."""
    assert verify_password("correct horse", _scrypt_hash("correct horse", n=2, r=32, p=16))


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(dataclasses.replace(FAST, time_cost=2), id="time"),
        pytest.param(dataclasses.replace(FAST, memory_cost=128), id="memory"),
        pytest.param(dataclasses.replace(FAST, parallelism=2), id="parallelism"),
        pytest.param(dataclasses.replace(FAST, hash_len=16), id="hash-length"),
        pytest.param(dataclasses.replace(FAST, salt_len=32), id="salt-length"),
    ],
)
def test_needs_rehash_when_parameters_change(changed: Parameters) -> None:
    stored = hash_password("a fine password", FAST)
    assert needs_rehash(stored)  # FAST is not the default
    assert not needs_rehash(stored, FAST)
    assert needs_rehash(stored, changed)
    assert needs_rehash("garbage")


def test_the_dummy_hash_costs_what_a_real_one_does() -> None:
    """Unknown usernames verify against a well-formed hash with the current parameters."""
    assert not needs_rehash(passwords._DUMMY_HASH)
    assert not verify_password("", passwords._DUMMY_HASH)


async def test_async_helpers_run_off_the_loop_and_equalize_unknown_users() -> None:
    stored = await hash_password_async("a fine password")
    assert stored.startswith("$argon2id$")
    assert await verify_password_async("a fine password", stored)
    assert not await verify_password_async("another password", stored)
    assert await verify_password_async(LEGACY_PASSWORD, LEGACY_HASH)
    assert not await verify_password_async("a fine password", None)
