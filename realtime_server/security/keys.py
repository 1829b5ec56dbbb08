"""Development key material: Ed25519 key pairs, writing them safely, and minting tokens.

In production the app holds the private key and mints tokens; the feed server holds only the
public key. These helpers serve local development, tests and the `keygen` / `token` commands.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from realtime_server.security._algorithms import (
    ASYMMETRIC,
    MIN_SECRET_BYTES,
    canonical_algorithm,
    is_symmetric,
)

PRIVATE_KEY_NAME = "feed_ed25519.pem"
PUBLIC_KEY_NAME = "feed_ed25519.pub.pem"


def generate_ed25519_keypair() -> tuple[str, str]:
    """A fresh Ed25519 key pair as (private PKCS#8 PEM, public SubjectPublicKeyInfo PEM)."""
    private = ed25519.Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private_pem, public_pem


def write_keypair(directory: str | Path, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write a new Ed25519 pair into `directory`; returns (private_path, public_path).

    The private key file is created with mode 0600 from the start (never readable by others,
    even briefly). Existing files are kept (FileExistsError) unless `overwrite`.
    """
    folder = Path(directory).expanduser()
    folder.mkdir(parents=True, exist_ok=True)
    private_path, public_path = folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME
    if not overwrite:
        for path in (private_path, public_path):
            if path.exists():
                raise FileExistsError(f"{path} exists; pass overwrite to replace it")
    private_pem, public_pem = generate_ed25519_keypair()
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return private_path, public_path


def mint_token(
    key: str | bytes,
    algorithm: str,
    sub: str,
    scopes: Iterable[str] | str,
    audience: str,
    issuer: str,
    ttl_s: float,
    now: float | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """A signed JWT with sub, iat, exp = iat + ttl_s, aud, iss, scope (space-separated), jti.

    `key` is a private key PEM (EdDSA, RS*, PS*, ES*) or the shared secret (HS*). `extra`
    claims are applied last, so they may add claims or replace the standard ones.
    """
    alg = canonical_algorithm(algorithm)
    issued = int(time.time() if now is None else now)
    scope = scopes if isinstance(scopes, str) else " ".join(scopes)
    claims: dict[str, Any] = {
        "sub": sub,
        "iat": issued,
        "exp": issued + int(ttl_s),
        "aud": audience,
        "iss": issuer,
        "scope": scope,
        "jti": secrets.token_urlsafe(12),
    }
    claims.update(extra or {})
    return jwt.encode(claims, _signing_key(key, alg), algorithm=alg)


def load_signing_key(path: str | Path, algorithm: str) -> str | bytes:
    """The contents of a key file: PEM text for asymmetric algorithms, secret bytes for HS*."""
    data = Path(path).expanduser().read_bytes()
    if is_symmetric(canonical_algorithm(algorithm)):
        return data.rstrip(b"\r\n")
    return data.decode("ascii")


def _signing_key(key: str | bytes, alg: str) -> Any:
    if is_symmetric(alg):
        secret = key.encode() if isinstance(key, str) else key
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"an {alg} secret must be at least {MIN_SECRET_BYTES} bytes")
        return secret
    pem = key.encode() if isinstance(key, str) else key
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{alg} needs an unencrypted PEM private key: {exc}") from None
    if not isinstance(private, ASYMMETRIC[alg][1]):
        raise ValueError(f"the private key is not a {alg} key")
    return private


def _write_new(path: Path, text: str, mode: int) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(text)
    os.chmod(path, mode)  # the umask may have narrowed the public key's mode; set it exactly
