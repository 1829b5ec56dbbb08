"""Token buckets, connection counts, IP rules and Origin checks (security.limits)."""

from __future__ import annotations

import math

import pytest

from realtime_server.protocol.errors import ErrorCode
from realtime_server.security.limits import (
    Admission,
    ConnectionCounter,
    IpRules,
    KeyedBuckets,
    OriginPolicy,
    PenaltyBox,
    RequestBudget,
    TokenBucket,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_bucket_burst_then_refill() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=2, burst=5, clock=clock)
    assert [bucket.try_take() for _ in range(6)] == [True] * 5 + [False]
    assert bucket.retry_after() == pytest.approx(0.5)
    clock.advance(0.25)
    assert not bucket.try_take()
    assert bucket.retry_after() == pytest.approx(0.25)
    clock.advance(0.25)
    assert bucket.try_take()
    assert not bucket.try_take()
    clock.advance(3600)
    assert bucket.tokens == 5  # never above the burst
    assert bucket.try_take(5) and not bucket.try_take()


def test_bucket_retry_after_edges() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=4, burst=2, clock=clock)
    assert bucket.retry_after() == 0
    assert bucket.retry_after(3) == math.inf  # more than the burst: never
    assert not bucket.try_take(3)
    assert bucket.try_take(2)
    assert bucket.retry_after(2) == pytest.approx(0.5)
    assert TokenBucket(0, 1, clock=clock).try_take()
    with pytest.raises(ValueError):
        TokenBucket(1, 0)


def test_clock_going_backwards_adds_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate_per_s=1, burst=1, clock=clock)
    assert bucket.try_take()
    clock.advance(-10)
    assert not bucket.try_take()
    clock.advance(1)
    assert bucket.try_take()


def test_keyed_buckets_are_per_key_and_bounded() -> None:
    clock = FakeClock()
    buckets = KeyedBuckets(rate_per_s=1, burst=2, max_keys=100, clock=clock)
    assert buckets.try_take("10.0.0.1") and buckets.try_take("10.0.0.1")
    assert not buckets.try_take("10.0.0.1")
    assert buckets.retry_after("10.0.0.1") == pytest.approx(1)
    assert buckets.try_take("10.0.0.2")
    assert buckets.retry_after("never-seen") == 0
    for i in range(10_000):
        buckets.try_take(f"k{i}")
    assert len(buckets) == 100
    assert "10.0.0.1" not in buckets and "k9999" in buckets


def test_keyed_buckets_evict_least_recently_used() -> None:
    buckets = KeyedBuckets(rate_per_s=1, burst=1, max_keys=2, clock=FakeClock())
    buckets.try_take("a")
    buckets.try_take("b")
    buckets.try_take("a")  # a is now the most recent
    buckets.try_take("c")
    assert "a" in buckets and "c" in buckets and "b" not in buckets


def test_connection_counter_ip_limit_applies_to_guests() -> None:
    counter = ConnectionCounter(max_per_ip=2, max_per_user=5)
    assert counter.try_acquire("1.2.3.4", None) is None
    assert counter.try_acquire("1.2.3.4", None) is None
    assert counter.try_acquire("1.2.3.4", None) is ErrorCode.TOO_MANY_CONNECTIONS
    assert counter.try_acquire("5.6.7.8", None) is None
    counter.release("1.2.3.4", None)
    assert counter.try_acquire("1.2.3.4", None) is None


def test_connection_counter_user_limit_across_ips() -> None:
    counter = ConnectionCounter(max_per_ip=10, max_per_user=2)
    assert counter.try_acquire("1.1.1.1", "alice") is None
    assert counter.try_acquire("2.2.2.2", "alice") is None
    assert counter.try_acquire("3.3.3.3", "alice") is ErrorCode.TOO_MANY_CONNECTIONS
    assert counter.ip_count("3.3.3.3") == 0  # a refusal counts nothing
    assert counter.try_acquire("3.3.3.3", "bob") is None
    counter.release("1.1.1.1", "alice")
    assert counter.user_count("alice") == 1 and counter.ip_count("1.1.1.1") == 0
    assert counter.try_acquire("3.3.3.3", "alice") is None


def test_connection_counter_release_never_goes_negative() -> None:
    counter = ConnectionCounter(max_per_ip=1, max_per_user=None)
    counter.release("9.9.9.9", "nobody")
    assert counter.try_acquire("9.9.9.9", "x") is None
    assert counter.try_acquire("9.9.9.9", "y") is ErrorCode.TOO_MANY_CONNECTIONS
    assert ConnectionCounter(None, None).try_acquire("9.9.9.9", "x") is None


def test_ip_rules() -> None:
    rules = IpRules(
        allow=["10.0.0.0/8", "2001:db8::/32"], deny=["10.6.6.0/24", "2001:db8:bad::/48"]
    )
    assert rules.permits("10.1.2.3")
    assert not rules.permits("10.6.6.6")  # deny wins
    assert not rules.permits("192.168.1.1")
    assert rules.permits("2001:db8::1")
    assert not rules.permits("2001:db8:bad::1")
    assert rules.permits("::ffff:10.1.2.3")  # IPv4-mapped IPv6 is judged as IPv4
    assert not rules.permits("::ffff:10.6.6.6")
    for garbage in ["", "not-an-ip", "10.0.0", "10.0.0.256", "::g", None, 42]:
        assert not rules.permits(garbage)  # type: ignore[arg-type]  # garbage includes None and an int on purpose


def test_ip_rules_empty_allow_allows_all_but_denied() -> None:
    rules = IpRules(allow=[], deny=["203.0.113.7/32", "::1/128"])
    assert rules.permits("8.8.8.8") and rules.permits("fe80::1%eth0")
    assert not rules.permits("203.0.113.7") and not rules.permits("::1")
    assert IpRules().permits("127.0.0.1")
    with pytest.raises(ValueError, match="CIDR"):
        IpRules(allow=["10.0.0.0/33"])


def test_origin_policy() -> None:
    policy = OriginPolicy(["https://App.Example.com", "http://localhost:3000"])
    assert policy.permits(None)  # non-browser client
    assert policy.permits("https://app.example.com")
    assert policy.permits("https://APP.example.com:443")
    assert policy.permits("http://localhost:3000")
    assert not policy.permits("http://localhost:3001")
    assert not policy.permits("http://app.example.com")  # scheme matters
    assert not policy.permits("https://app.example.com.evil.net")
    assert not policy.permits("https://evil.net/https://app.example.com")
    for bad in ["", "null", "app.example.com", "https://user@app.example.com", "https://x:99999"]:
        assert not policy.permits(bad)
    assert OriginPolicy("*").permits("https://anything.test")
    assert OriginPolicy(["*"]).permits("null")
    assert not OriginPolicy([]).permits("https://app.example.com")
    with pytest.raises(ValueError, match="origin"):
        OriginPolicy(["ftp://files.example"])


def test_a_budget_tells_an_overshoot_from_a_flood() -> None:
    clock = FakeClock()
    budget = RequestBudget(TokenBucket(10, 5, clock), flood_burst=3, clock=clock)
    assert [budget.take() for _ in range(5)] == [Admission.ALLOWED] * 5
    assert [budget.take() for _ in range(3)] == [Admission.LIMITED] * 3
    assert budget.refused == 3
    assert budget.take() is Admission.FLOODING
    clock.advance(1.0)  # both buckets refill at the request rate
    assert budget.take() is Admission.ALLOWED and budget.refused == 0
    assert [budget.take() for _ in range(7)].count(Admission.FLOODING) == 0


def test_a_penalty_ends_and_the_box_stays_bounded() -> None:
    clock = FakeClock()
    box = PenaltyBox(max_keys=2, clock=clock)
    box.punish("10.0.0.1", 30)
    assert box.remaining("10.0.0.1") == 30
    clock.advance(29.5)
    assert box.remaining("10.0.0.1") == pytest.approx(0.5)
    clock.advance(1)
    assert box.remaining("10.0.0.1") == 0
    for ip in ("a", "b", "c"):
        box.punish(ip, 10)
    assert (box.remaining("a"), box.remaining("c")) == (0, 10)
