"""Feed tokens (`marketpulse.auth.feed_tokens`): the dev key pair and the JWTs minted with it."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from marketpulse.auth.feed_tokens import (
    PUBLIC_KEY_NAME,
    FeedKeyError,
    FeedTokenIssuer,
    load_or_create_private_key,
    public_key_path,
)
from realtime_server.security.keys import PRIVATE_KEY_NAME
from realtime_server.security.keys import PUBLIC_KEY_NAME as SERVER_PUBLIC_KEY_NAME

AUDIENCE, ISSUER = "marketpulse-feed", "marketpulse"
SCOPE = "price:* bars:* news news:* summary"


def issuer_for(key_path: Path, ttl_s: int = 900) -> FeedTokenIssuer:
    return FeedTokenIssuer(
        load_or_create_private_key(key_path),
        audience=AUDIENCE,
        issuer=ISSUER,
        scope=SCOPE,
        ttl_s=ttl_s,
    )


def test_missing_key_creates_a_pair_named_like_the_feed_keygen(tmp_path: Path) -> None:
    key_path = tmp_path / "keys" / PRIVATE_KEY_NAME
    load_or_create_private_key(key_path)
    public = public_key_path(key_path)
    assert public.name == PUBLIC_KEY_NAME == SERVER_PUBLIC_KEY_NAME
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert sorted(p.name for p in key_path.parent.iterdir()) == sorted(
        [PRIVATE_KEY_NAME, PUBLIC_KEY_NAME]
    )


def test_existing_key_is_reused(tmp_path: Path) -> None:
    key_path = tmp_path / PRIVATE_KEY_NAME
    first = load_or_create_private_key(key_path)
    second = load_or_create_private_key(key_path)
    raw = serialization.Encoding.Raw
    assert first.public_key().public_bytes(raw, serialization.PublicFormat.Raw) == (
        second.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    )


def test_concurrent_first_runs_agree_on_one_pair(tmp_path: Path) -> None:
    key_path = tmp_path / PRIVATE_KEY_NAME
    keys: list[ed25519.Ed25519PrivateKey] = []
    threads = [
        threading.Thread(target=lambda: keys.append(load_or_create_private_key(key_path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raw = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert len({key.public_key().public_bytes(*raw) for key in keys}) == 1
    token = issuer_for(key_path).mint("u-1").token
    jwt.decode(
        token,
        public_key_path(key_path).read_text(),
        algorithms=["EdDSA"],
        audience=AUDIENCE,
        issuer=ISSUER,
    )


def test_token_claims_verify_with_the_public_key(tmp_path: Path) -> None:
    key_path = tmp_path / PRIVATE_KEY_NAME
    minted = issuer_for(key_path, ttl_s=900).mint("u-abc", now=1_800_000_000)
    claims = jwt.decode(
        minted.token,
        public_key_path(key_path).read_text(),
        algorithms=["EdDSA"],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["sub"] == "u-abc"
    assert claims["iat"] == 1_800_000_000
    assert claims["exp"] == minted.expires_at == 1_800_000_900
    assert claims["scope"] == SCOPE
    assert claims["jti"]
    assert jwt.get_unverified_header(minted.token)["alg"] == "EdDSA"


def test_token_expires_and_names_its_audience_and_issuer(tmp_path: Path) -> None:
    key_path = tmp_path / PRIVATE_KEY_NAME
    public = public_key_path(key_path)
    expired = issuer_for(key_path, ttl_s=60).mint("u-1", now=1_000_000).token
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(expired, public.read_text(), algorithms=["EdDSA"], audience=AUDIENCE)
    fresh = issuer_for(key_path).mint("u-1").token
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(fresh, public.read_text(), algorithms=["EdDSA"], audience="other")
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(
            fresh, public.read_text(), algorithms=["EdDSA"], audience=AUDIENCE, issuer="other"
        )


def test_token_does_not_verify_with_another_key(tmp_path: Path) -> None:
    token = issuer_for(tmp_path / "a" / PRIVATE_KEY_NAME).mint("u-1").token
    other = public_key_path(tmp_path / "b" / PRIVATE_KEY_NAME)
    load_or_create_private_key(tmp_path / "b" / PRIVATE_KEY_NAME)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, other.read_text(), algorithms=["EdDSA"], audience=AUDIENCE)


def test_a_key_that_is_not_ed25519_is_refused(tmp_path: Path) -> None:
    key_path = tmp_path / "rsa.pem"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_path.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(FeedKeyError, match="not an Ed25519 key"):
        load_or_create_private_key(key_path)
    (tmp_path / "junk.pem").write_text("not a key")
    with pytest.raises(FeedKeyError, match="cannot load"):
        load_or_create_private_key(tmp_path / "junk.pem")
