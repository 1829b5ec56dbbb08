"""Tokens (`marketpulse.feed.tokens`): reading `exp` unverified, the refresh schedule, minting."""

from __future__ import annotations

import jwt
import pytest

from marketpulse.feed.tokens import TokenKeeper, guest, read_token

SECRET = "not-a-real-secret-just-for-encoding-tests"


def token(iat: float | None, exp: float | None, **claims: object) -> str:
    body = {"sub": "alice", **claims}
    if iat is not None:
        body["iat"] = iat
    if exp is not None:
        body["exp"] = exp
    return jwt.encode(body, SECRET, algorithm="HS256")


def test_exp_and_iat_are_read_without_the_key() -> None:
    info = read_token(token(1_000, 4_600))
    assert (info.iat, info.exp) == (1_000, 4_600)
    expired = read_token(token(1, 2))  # long expired: still readable, no verification
    assert expired.exp == 2


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", token(None, None)])
def test_unreadable_tokens_have_no_times(garbage: str) -> None:
    info = read_token(garbage)
    assert (info.exp, info.iat) == (None, None)
    assert info.refresh_at(0.8, 60) is None


def test_long_tokens_refresh_a_lead_before_expiry_short_ones_at_80_percent() -> None:
    assert read_token(token(0, 3_600)).refresh_at(0.8, 60) == 3_540
    assert read_token(token(100, 104)).refresh_at(0.8, 60) == pytest.approx(103.2)
    assert read_token(token(None, 500)).refresh_at(0.8, 60) == 440  # no iat: the lead


class Minter:
    def __init__(self, ttl: float, clock: list[float]) -> None:
        self.ttl, self.clock, self.calls = ttl, clock, 0

    async def __call__(self) -> str:
        self.calls += 1
        return token(self.clock[0], self.clock[0] + self.ttl, n=self.calls)


async def test_the_keeper_mints_when_missing_or_due_and_after_invalidate() -> None:
    clock = [1_000.0]
    minter = Minter(ttl=10, clock=clock)
    keeper = TokenKeeper(minter, fraction=0.8, lead_s=60, wall=lambda: clock[0])
    first = await keeper.token()
    assert minter.calls == 1
    assert await keeper.token() == first  # not due yet
    assert keeper.seconds_until_refresh() == pytest.approx(8)
    clock[0] += 8
    second = await keeper.token()  # due: a new one
    assert second != first
    assert minter.calls == 2
    keeper.invalidate()
    await keeper.token()
    assert minter.calls == 3


async def test_a_plain_callable_works_as_a_provider() -> None:
    keeper = TokenKeeper(lambda: "t0k3n")
    assert await keeper.token() == "t0k3n"
    assert keeper.seconds_until_refresh() is None  # unreadable: never refreshed


async def test_a_provider_returning_none_means_guest_and_is_not_asked_again() -> None:
    calls = []

    def counting_guest() -> None:
        calls.append(1)

    keeper = TokenKeeper(counting_guest)
    assert await keeper.token() is None
    assert await keeper.token() is None
    assert len(calls) == 1
    assert await TokenKeeper(guest).token() is None
