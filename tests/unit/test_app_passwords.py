"""Password hashing (`marketpulse.auth.passwords`): scrypt, salted, self-describing."""

from __future__ import annotations

import base64

import pytest

from marketpulse.auth.passwords import (
    DEFAULT_COST,
    ScryptCost,
    hash_password,
    hash_password_async,
    needs_rehash,
    verify_password,
    verify_password_async,
)

FAST = ScryptCost(n=2**10, r=8, p=1)
"""A cheap cost for tests that are not about the cost itself."""


def test_default_cost_hash_verifies_and_describes_itself() -> None:
    stored = hash_password("correct horse battery staple")
    scheme, params, salt, key = stored.split("$")
    assert scheme == "scrypt"
    assert params == f"n={DEFAULT_COST.n},r={DEFAULT_COST.r},p={DEFAULT_COST.p}"
    assert DEFAULT_COST.n >= 2**17
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(key)) == 32
    assert verify_password("correct horse battery staple", stored)
    assert "correct horse" not in stored


def test_wrong_password_is_refused() -> None:
    stored = hash_password("correct horse battery staple", FAST)
    assert not verify_password("correct horse battery stapler", stored)
    assert not verify_password("", stored)
    assert not verify_password("CORRECT HORSE BATTERY STAPLE", stored)


def test_each_hash_has_its_own_salt() -> None:
    first = hash_password("same password here", FAST)
    second = hash_password("same password here", FAST)
    assert first != second
    assert first.split("$")[2] != second.split("$")[2]
    assert verify_password("same password here", first)
    assert verify_password("same password here", second)


def _tamper(stored: str, index: int, replacement: str) -> str:
    parts = stored.split("$")
    parts[index] = replacement
    return "$".join(parts)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda s: _tamper(s, 3, base64.b64encode(bytes(32)).decode()), id="key"),
        pytest.param(
            lambda s: _tamper(s, 2, base64.b64encode(b"another salt!!!!").decode()), id="salt"
        ),
        pytest.param(lambda s: _tamper(s, 1, "n=2048,r=8,p=1"), id="cost"),
        pytest.param(lambda s: _tamper(s, 0, "pbkdf2"), id="scheme"),
        pytest.param(lambda s: _tamper(s, 1, "n=1000,r=8,p=1"), id="n-not-power-of-two"),
        pytest.param(lambda s: _tamper(s, 1, "n=1073741824,r=8,p=1"), id="n-too-large"),
        pytest.param(lambda s: _tamper(s, 3, "not base64!"), id="garbage-key"),
        pytest.param(lambda s: s[:-4], id="truncated"),
        pytest.param(lambda s: s + "$extra", id="extra-field"),
        pytest.param(lambda s: "", id="empty"),
        pytest.param(lambda s: "correct horse", id="plain-text"),
    ],
)
def test_tampered_or_malformed_hash_never_matches(tamper) -> None:
    stored = hash_password("correct horse", FAST)
    assert not verify_password("correct horse", tamper(stored))


def test_needs_rehash_when_parameters_change() -> None:
    stored = hash_password("a fine password", FAST)
    assert needs_rehash(stored)
    assert not needs_rehash(stored, FAST)
    assert needs_rehash("garbage")


async def test_async_helpers_run_off_the_loop_and_equalize_unknown_users() -> None:
    stored = await hash_password_async("a fine password")
    assert await verify_password_async("a fine password", stored)
    assert not await verify_password_async("another password", stored)
    assert not await verify_password_async("a fine password", None)
