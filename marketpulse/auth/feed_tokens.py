"""Feed tokens: the Ed25519 key the app signs with, and the short-lived JWTs it mints.

The app holds the private key (`MARKETPULSE_JWT_PRIVATE_KEY_FILE`, default
`var/keys/feed_ed25519.pem`); the feed server holds only the public key. When the private key
file is missing the app makes a development pair on first use: the private key (PKCS#8 PEM,
mode 0600) at that path and the public key beside it as `feed_ed25519.pub.pem` — the names
`python -m realtime_server keygen --out DIR` writes — and logs where the public key is, for
`FEED_JWT_PUBLIC_KEY_FILE`. Several workers starting at once agree on one pair: the files are
written under temporary names and linked into place, and the loser loads the winner's key.

A token's claims: `sub` (the user's stable subject), `iat`, `exp` (`iat` + TTL), `aud`, `iss`,
`scope`, `jti`. Signed with EdDSA. Each tab's feed client mints its own through
`mint_feed_token` whenever it needs one, and refreshes it in-band before it expires.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from marketpulse.config import get_config

logger = logging.getLogger(__name__)

ALGORITHM = "EdDSA"
PUBLIC_KEY_NAME = "feed_ed25519.pub.pem"


class FeedKeyError(RuntimeError):
    """The configured signing key cannot be used (unreadable, not Ed25519, encrypted)."""


@dataclasses.dataclass(frozen=True, slots=True)
class FeedToken:
    """A signed feed token and when it expires (seconds since the epoch)."""

    token: str
    expires_at: int


class FeedTokenIssuer:
    """Mints feed tokens with one private key and fixed audience, issuer, scope and lifetime."""

    def __init__(
        self,
        private_key: ed25519.Ed25519PrivateKey,
        *,
        audience: str,
        issuer: str,
        scope: str,
        ttl_s: int,
    ) -> None:
        self._key = private_key
        self.audience = audience
        self.issuer = issuer
        self.scope = scope
        self.ttl_s = ttl_s

    def mint(self, subject: str, now: float | None = None) -> FeedToken:
        """A fresh token for `subject`, valid for `ttl_s` from `now`."""
        issued = int(time.time() if now is None else now)
        expires = issued + self.ttl_s
        claims = {
            "sub": subject,
            "iat": issued,
            "exp": expires,
            "aud": self.audience,
            "iss": self.issuer,
            "scope": self.scope,
            "jti": secrets.token_urlsafe(12),
        }
        return FeedToken(jwt.encode(claims, self._key, algorithm=ALGORITHM), expires)


def public_key_path(private_key_path: Path) -> Path:
    """Where the public key of a generated pair lives: beside the private key."""
    return private_key_path.with_name(PUBLIC_KEY_NAME)


def load_or_create_private_key(path: Path) -> ed25519.Ed25519PrivateKey:
    """The Ed25519 private key at `path`, generating a development pair first if it is missing."""
    path = path.expanduser()
    if not path.exists():
        _create_keypair(path)
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise FeedKeyError(f"cannot load the feed signing key {path}: {exc}") from None
    if not isinstance(private, ed25519.Ed25519PrivateKey):
        raise FeedKeyError(f"the feed signing key {path} is not an Ed25519 key")
    return private


def _create_keypair(path: Path) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    public_path = public_key_path(path)
    if not _publish(path, private_pem, 0o600, replace=False):
        return  # another process created the pair first: its key is loaded instead
    _publish(public_path, public_pem, 0o644, replace=True)
    logger.warning(
        "generated a development feed signing key at %s; give the feed server its public key: "
        "FEED_JWT_PUBLIC_KEY_FILE=%s",
        path,
        public_path.resolve(),
    )


def _publish(path: Path, data: bytes, mode: int, *, replace: bool) -> bool:
    """Write `data` to `path` atomically with `mode`; False when `path` appeared meanwhile."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)  # the umask may have narrowed it
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        temporary.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def get_issuer() -> FeedTokenIssuer:
    """The process-wide issuer built from the settings (the key is read once)."""
    config = get_config()
    return FeedTokenIssuer(
        load_or_create_private_key(config.jwt_private_key_file),
        audience=config.jwt_audience,
        issuer=config.jwt_issuer,
        scope=config.jwt_scope,
        ttl_s=config.jwt_ttl_s,
    )


def mint_feed_token(subject: str) -> str:
    """A fresh feed token for `subject` from the process-wide issuer: what a tab's feed client
    asks for whenever it needs one (connect, `token_expired`, the in-band refresh)."""
    return get_issuer().mint(subject).token


_key_trouble_logged = False


def signing_ready() -> bool:
    """Whether feed tokens can be signed; when not, users connect as guests (logged once)."""
    global _key_trouble_logged
    try:
        get_issuer()
    except FeedKeyError:
        if not _key_trouble_logged:
            _key_trouble_logged = True
            logger.exception("cannot sign feed tokens; users connect to the feed as guests")
        return False
    return True
