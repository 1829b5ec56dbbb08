"""Username and password rules (`marketpulse.auth.rules`), with messages for the user."""

from __future__ import annotations

import pytest

from marketpulse.auth.rules import CredentialError, check_password, check_username
from marketpulse.auth.throttle import LoginThrottle


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


def test_login_throttle_refuses_after_repeated_failures_then_forgives() -> None:
    now = [1000.0]
    throttle = LoginThrottle(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("user:alice") == 0
        throttle.failed(["user:alice"])
        now[0] += 1
    assert throttle.retry_after("user:alice") == pytest.approx(57)
    assert throttle.retry_after("user:bob") == 0
    now[0] += 57
    assert throttle.retry_after("user:alice") == 0
    throttle.failed(["user:alice"])
    throttle.succeeded("user:alice")
    assert throttle.retry_after("user:alice") == 0


def test_login_throttle_table_is_bounded() -> None:
    throttle = LoginThrottle(max_failures=1, window_s=60, max_keys=2)
    throttle.failed(["a", "b", "c"])
    assert throttle.retry_after("a") == 0  # dropped, oldest first
    assert throttle.retry_after("c") > 0
