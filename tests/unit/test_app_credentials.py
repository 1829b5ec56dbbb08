"""Username and password rules (`marketpulse.auth.rules`), with messages for the user."""

from __future__ import annotations

import pytest

from marketpulse.auth.rules import CredentialError, check_password, check_username
from marketpulse.auth.throttle import LoginGate, LoginThrottle, ThrottledError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice", "alice"),
        ("  Alice  ", "alice"),
        ("bob.smith-2", "bob.smith-2"),
        ("a_b", "a_b"),
        ("x" * 32, "x" * 32),
    ],
)
def test_valid_usernames_are_normalized(raw: str, expected: str) -> None:
    assert check_username(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("ab", "3 to 32 characters"),
        ("x" * 33, "3 to 32 characters"),
        ("", "3 to 32 characters"),
        ("1alice", "starts with a letter"),
        ("_alice", "starts with a letter"),
        ("al ice", "starts with a letter"),
        ("alice!", "starts with a letter"),
        ("ålice", "starts with a letter"),
        ("admin", "reserved"),
        ("Guest", "reserved"),
    ],
)
def test_invalid_usernames_say_why(raw: str, fragment: str) -> None:
    with pytest.raises(CredentialError, match=fragment):
        check_username(raw)


def test_acceptable_password() -> None:
    check_password("correct horse battery", "alice")
    check_password("ünïcödé passwörd", "alice")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 10"),
        ("x" * 129, "at most 128"),
        (" " * 12, "only spaces"),
        ("aaaaaaaaaaaa", "single character"),
        ("my-alice-password", "username"),
        ("MY-ALICE-PASSWORD", "username"),
        ("Password123", "too common"),
        ("1234567890", "too common"),
    ],
)
def test_unacceptable_passwords_say_why(password: str, fragment: str) -> None:
    with pytest.raises(CredentialError, match=fragment):
        check_password(password, "Alice")


def _gate(now: list[float], per_user: int = 3, per_address: int = 5) -> LoginGate:
    clock = lambda: now[0]  # noqa: E731
    return LoginGate(
        LoginThrottle(max_failures=per_user, window_s=60, clock=clock),
        LoginThrottle(max_failures=per_address, window_s=60, clock=clock),
    )


def test_login_throttle_refuses_after_repeated_failures_then_forgives() -> None:
    now = [1000.0]
    gate = _gate(now)
    for _ in range(3):
        gate.admit("alice", "10.0.0.1")  # each attempt counts from the moment it is admitted
        now[0] += 1
    with pytest.raises(ThrottledError) as refused:
        gate.admit("alice", "10.0.0.1")
    assert refused.value.retry_after_s == pytest.approx(57)
    assert "wait 1 minute" in refused.value.message
    gate.admit("bob", "10.0.0.1")
    now[0] += 57
    gate.admit("alice", "10.0.0.1").succeeded()
    for _ in range(3):
        gate.admit("alice", "10.0.0.2")  # a right password cleared alice's record


def test_concurrent_attempts_are_counted_before_any_password_is_checked() -> None:
    gate = _gate([1000.0], per_user=5, per_address=30)
    admitted, refused = 0, 0
    for _ in range(16):  # 16 attempts in flight at once: none has been checked yet
        try:
            gate.admit("alice", "10.0.0.1")
            admitted += 1
        except ThrottledError:
            refused += 1
    assert (admitted, refused) == (5, 11)


def test_the_address_limit_spans_usernames_and_a_success_withdraws_its_count() -> None:
    gate = _gate([1000.0], per_user=3, per_address=3)
    gate.admit("alice", "10.0.0.1").succeeded()
    gate.admit("bob", "10.0.0.1")
    gate.admit("carol", "10.0.0.1")
    gate.admit("dave", "10.0.0.1")
    with pytest.raises(ThrottledError):
        gate.admit("erin", "10.0.0.1")


def test_login_throttle_table_is_bounded() -> None:
    throttle = LoginThrottle(max_failures=1, window_s=60, max_keys=2)
    for key in ("a", "b", "c"):
        throttle.record(key, throttle.now())
    assert throttle.retry_after("a") == 0  # dropped, oldest first
    assert throttle.retry_after("c") > 0
