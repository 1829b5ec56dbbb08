"""Which usernames and passwords are acceptable, with messages meant for the user.

Usernames: 3 to 32 characters of lower-case letters, digits, `_`, `.` and `-`, starting with a
letter; case-insensitive (stored lower-case); a few names are reserved. Passwords: 10 to 128
characters, not all the same character, not containing the username, and not one of the
passwords every attacker tries first. Length beats composition rules (NIST SP 800-63B).
"""

from __future__ import annotations

import re

USERNAME_MIN, USERNAME_MAX = 3, 32
PASSWORD_MIN, PASSWORD_MAX = 10, 128
USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9_.\-]*$")
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "guest", "root", "system", "marketpulse", "support", "anonymous"}
)
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "1234567890",
        "0123456789",
        "12345678910",
        "qwertyuiop",
        "qwerty12345",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "abcdefghij",
        "marketpulse",
        "changeme123",
    }
)


class CredentialError(ValueError):
    """An unacceptable username or password; the message is shown to the user as it is."""


def normalize_username(raw: str) -> str:
    """The canonical (trimmed, lower-case) form of a username, as stored and compared."""
    return raw.strip().lower()


def check_username(raw: str) -> str:
    """The normalized username, or `CredentialError` saying what is wrong with it."""
    username = normalize_username(raw)
    if not USERNAME_MIN <= len(username) <= USERNAME_MAX:
        raise CredentialError(
            f"A username has {USERNAME_MIN} to {USERNAME_MAX} characters "
            f"(this one has {len(username)})."
        )
    if not USERNAME_PATTERN.match(username):
        raise CredentialError(
            "A username starts with a letter and uses only letters, digits, "
            "underscores, dots and dashes."
        )
    if username in RESERVED_USERNAMES:
        raise CredentialError(f"“{username}” is reserved; please choose another username.")
    return username


def check_password(password: str, username: str = "") -> None:
    """`CredentialError` saying why `password` is not acceptable for `username`, if it is not."""
    if len(password) < PASSWORD_MIN:
        raise CredentialError(f"A password needs at least {PASSWORD_MIN} characters.")
    if len(password) > PASSWORD_MAX:
        raise CredentialError(f"A password has at most {PASSWORD_MAX} characters.")
    if not password.strip():
        raise CredentialError("A password cannot be only spaces.")
    if len(set(password)) == 1:
        raise CredentialError("A password cannot repeat a single character.")
    name = normalize_username(username)
    if name and name in password.lower():
        raise CredentialError("A password must not contain your username.")
    if password.lower() in COMMON_PASSWORDS:
        raise CredentialError("That password is too common; please choose another.")
