"""JWT verification (tokens), development keys and minting (keys), and the token commands (cli)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from realtime_server.protocol.errors import ErrorCode, RequestError
from realtime_server.security import cli
from realtime_server.security.keys import generate_ed25519_keypair, mint_token, write_keypair
from realtime_server.security.tokens import Claims, TokenPolicy, TokenVerifier, load_policy

AUD, ISS = "marketpulse-feed", "marketpulse"
SECRET = b"s" * 40
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture(scope="module")
def ed() -> tuple[str, str]:
    return generate_ed25519_keypair()


@pytest.fixture(scope="module")
def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="module")
def verifier(ed: tuple[str, str]) -> TokenVerifier:
    return TokenVerifier(TokenPolicy(("EdDSA",), ed[1], AUD, ISS, leeway_s=5))


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "sub": "alice",
        "iat": now,
        "exp": now + 600,
        "aud": AUD,
        "iss": ISS,
        "scope": "price:* news",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_token(header: dict[str, Any], payload: dict[str, Any], hmac_key: bytes | None) -> str:
    """A compact JWS built without PyJWT (which refuses to build the attacks below)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = b""
    if hmac_key is not None:
        signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def refused(verifier: TokenVerifier, token: Any, code: ErrorCode = ErrorCode.UNAUTHORIZED) -> str:
    with pytest.raises(RequestError) as info:
        verifier.verify(token)
    assert info.value.code is code
    message = info.value.message
    if isinstance(token, str) and len(token) >= 16:
        assert token not in message
        for part in token.split("."):
            assert len(part) < 8 or part not in message
    return message


# Accepted tokens


def test_valid_ed25519_token(verifier: TokenVerifier, ed: tuple[str, str]) -> None:
    token = mint_token(ed[0], "EdDSA", "alice", ["price:*", "news"], AUD, ISS, ttl_s=600)
    got = verifier.verify(token)
    assert isinstance(got, Claims)
    assert (got.sub, got.scopes) == ("alice", ("price:*", "news"))
    assert got.exp - got.iat == 600 and got.jti
    assert 590 < got.expires_in() <= 600


def test_valid_rs256_token(rsa_pair: tuple[str, str]) -> None:
    v = TokenVerifier(TokenPolicy(("RS256",), rsa_pair[1], AUD, ISS))
    token = jwt.encode(claims(scope=["summary", "bars:*"]), rsa_pair[0], algorithm="RS256")
    assert v.verify(token).scopes == ("summary", "bars:*")


def test_valid_hs256_token() -> None:
    v = TokenVerifier(TokenPolicy(("HS256",), SECRET, AUD, ISS))
    token = jwt.encode(claims(scope=None, jti="j-1"), SECRET, algorithm="HS256")
    got = v.verify(token)
    assert (got.scopes, got.jti) == ((), "j-1")


def test_expired_within_leeway_is_accepted(verifier: TokenVerifier, ed: tuple[str, str]) -> None:
    now = int(time.time())
    token = jwt.encode(claims(iat=now - 60, exp=now - 2), ed[0], algorithm="EdDSA")
    assert verifier.verify(token).sub == "alice"


# Refused tokens


def test_forged_signature(verifier: TokenVerifier, ed: tuple[str, str]) -> None:
    header, _, signature = jwt.encode(claims(), ed[0], algorithm="EdDSA").split(".")
    forged_payload = b64(json.dumps(claims(scope="*")).encode())
    message = refused(verifier, f"{header}.{forged_payload}.{signature}")
    assert "signature" in message


def test_wrong_key(verifier: TokenVerifier) -> None:
    other_private, _ = generate_ed25519_keypair()
    refused(verifier, jwt.encode(claims(), other_private, algorithm="EdDSA"))


def test_expired_is_token_expired(verifier: TokenVerifier, ed: tuple[str, str]) -> None:
    now = int(time.time())
    token = jwt.encode(claims(iat=now - 7200, exp=now - 3600), ed[0], algorithm="EdDSA")
    refused(verifier, token, ErrorCode.TOKEN_EXPIRED)


def test_expired_token_for_another_audience_is_unauthorized(
    verifier: TokenVerifier, ed: tuple[str, str]
) -> None:
    now = int(time.time())
    token = jwt.encode(claims(iat=now - 99, exp=now - 60, aud="other"), ed[0], algorithm="EdDSA")
    refused(verifier, token, ErrorCode.UNAUTHORIZED)


def test_issued_in_the_future(verifier: TokenVerifier, ed: tuple[str, str]) -> None:
    now = int(time.time())
    token = jwt.encode(claims(iat=now + 3600, exp=now + 7200), ed[0], algorithm="EdDSA")
    assert "not yet valid" in refused(verifier, token)


@pytest.mark.parametrize(
    ("override", "needle"),
    [({"aud": "someone-else"}, "audience"), ({"iss": "evil"}, "issuer")],
)
def test_wrong_audience_or_issuer(
    verifier: TokenVerifier, ed: tuple[str, str], override: dict[str, str], needle: str
) -> None:
    assert needle in refused(verifier, jwt.encode(claims(**override), ed[0], algorithm="EdDSA"))


@pytest.mark.parametrize("missing", ["sub", "exp", "iat", "aud", "iss"])
def test_missing_required_claim(verifier: TokenVerifier, ed: tuple[str, str], missing: str) -> None:
    token = jwt.encode(claims(**{missing: None}), ed[0], algorithm="EdDSA")
    assert repr(missing) in refused(verifier, token)


@pytest.mark.parametrize(
    "override",
    [
        {"sub": 42},
        {"sub": ""},
        {"sub": "a b"},
        {"scope": 7},
        {"scope": ["price:*", 3]},
        {"jti": 5},
        {"exp": "soon"},
        {"exp": True},
    ],
)
def test_claims_of_the_wrong_type(
    verifier: TokenVerifier, ed: tuple[str, str], override: dict[str, Any]
) -> None:
    refused(verifier, jwt.encode(claims(**override), ed[0], algorithm="EdDSA"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl"])
def test_alg_none(verifier: TokenVerifier, alg: str, signature: str) -> None:
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims(scope="*")).encode())
    assert "algorithm" in refused(verifier, f"{header}.{payload}.{signature}")


def test_hs256_signed_with_the_public_key_is_refused(
    ed: tuple[str, str], rsa_pair: tuple[str, str]
) -> None:
    for alg, public in (("EdDSA", ed[1]), ("RS256", rsa_pair[1])):
        v = TokenVerifier(TokenPolicy((alg,), public, AUD, ISS))
        forged = hand_token({"alg": "HS256", "typ": "JWT"}, claims(scope="*"), public.encode())
        assert "algorithm" in refused(v, forged)
        # and no policy can be built that would check it with the public key as the secret
        with pytest.raises(ValueError, match="PEM"):
            TokenPolicy(("HS256",), public.encode(), AUD, ISS)


def test_token_of_another_accepted_family_is_refused(
    verifier: TokenVerifier, rsa_pair: tuple[str, str]
) -> None:
    refused(verifier, jwt.encode(claims(), rsa_pair[0], algorithm="RS256"))


def test_lifetime_over_the_maximum(ed: tuple[str, str]) -> None:
    v = TokenVerifier(TokenPolicy(("EdDSA",), ed[1], AUD, ISS, max_lifetime_s=3600))
    ok = mint_token(ed[0], "EdDSA", "bob", "", AUD, ISS, ttl_s=3600)
    too_long = mint_token(ed[0], "EdDSA", "bob", "", AUD, ISS, ttl_s=86_400)
    assert v.verify(ok).sub == "bob"
    assert "lifetime" in refused(v, too_long)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "a.b",
        "a.b.c",
        "...",
        "eyJ.eyJ.eyJ",
        "é.ü.ß",
        "\ud800.x.y",
        "x" * 10_000_000,
        ("eyJhbGciOiJFZERTQSJ9." * 3)[:-1],
        None,
        12345,
        b"bytes.not.str",
    ],
)
def test_garbage_is_unauthorized(verifier: TokenVerifier, token: Any) -> None:
    refused(verifier, token)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "surrogateescape"))
    | st.lists(st.text(alphabet=B64URL + "=+/ é", max_size=60), max_size=4).map(".".join)
)
def test_random_text_is_only_ever_refused(verifier: TokenVerifier, token: str) -> None:
    with pytest.raises(RequestError) as info:
        verifier.verify(token)
    assert info.value.code is ErrorCode.UNAUTHORIZED


# Policies


def test_policy_validation(ed: tuple[str, str], rsa_pair: tuple[str, str]) -> None:
    with pytest.raises(ValueError, match="mix"):
        TokenPolicy(("HS256", "RS256"), SECRET, AUD, ISS)
    with pytest.raises(ValueError, match="unsupported"):
        TokenPolicy(("none",), SECRET, AUD, ISS)
    with pytest.raises(ValueError, match="at least 32"):
        TokenPolicy(("HS256",), b"short", AUD, ISS)
    with pytest.raises(ValueError, match="public"):
        TokenPolicy(("EdDSA",), ed[0], AUD, ISS)  # a private key
    with pytest.raises(ValueError, match="not a EdDSA key"):
        TokenPolicy(("EdDSA",), rsa_pair[1], AUD, ISS)
    with pytest.raises(ValueError, match="audience"):
        TokenPolicy(("EdDSA",), ed[1], "", ISS)
    assert SECRET.decode() not in repr(TokenPolicy(("HS256",), SECRET, AUD, ISS))


def test_load_policy(tmp_path: Path, ed: tuple[str, str]) -> None:
    key_file = tmp_path / "pub.pem"
    key_file.write_text(ed[1])
    from_file = load_policy("eddsa", public_key=str(key_file), audience=AUD, issuer=ISS)
    inline = load_policy("Ed25519", public_key=ed[1], audience=AUD, issuer=ISS)
    assert from_file.algorithms == inline.algorithms == ("EdDSA",)
    assert from_file.key == inline.key == ed[1]
    hs = load_policy("HS256,HS512", hs_secret=SECRET.decode(), audience=AUD, issuer=ISS)
    assert (hs.algorithms, hs.key) == (("HS256", "HS512"), SECRET)
    with pytest.raises(ValueError, match="public key"):
        load_policy("RS256", hs_secret=SECRET, audience=AUD, issuer=ISS)
    with pytest.raises(ValueError, match="cannot read"):
        load_policy("EdDSA", public_key=tmp_path / "missing.pem", audience=AUD, issuer=ISS)


# Development keys and commands


def test_write_keypair_modes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    private_path, public_path = write_keypair(tmp_path / "keys")
    assert stat.S_IMODE(os.stat(private_path).st_mode) == 0o600
    assert "PRIVATE KEY" in private_path.read_text()
    assert "PUBLIC KEY" in public_path.read_text()
    with pytest.raises(FileExistsError):
        write_keypair(tmp_path / "keys")
    assert write_keypair(tmp_path / "keys", overwrite=True) == (private_path, public_path)


def test_cli_keygen_then_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["keygen", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "feed_ed25519.pem" in out
    key = tmp_path / "feed_ed25519.pem"
    argv = ["token", "--key", str(key), "--sub", "alice", "--scope", "price:* news summary"]
    assert cli.main([*argv, "--ttl", "120"]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert captured.out == token + "\n"
    policy = load_policy(
        "EdDSA", public_key=tmp_path / "feed_ed25519.pub.pem", audience=AUD, issuer=ISS
    )
    got = TokenVerifier(policy).verify(token)
    assert (got.sub, got.scopes, got.exp - got.iat) == (
        "alice",
        ("price:*", "news", "summary"),
        120,
    )


def test_cli_token_hs256_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(SECRET + b"\n")
    argv = ["token", "--key", str(secret_file), "--sub", "bob", "--alg", "HS256"]
    assert cli.main(argv) == 0
    token = capsys.readouterr().out.strip()
    assert TokenVerifier(TokenPolicy(("HS256",), SECRET, AUD, ISS)).verify(token).sub == "bob"
    assert cli.main(["token", "--key", str(tmp_path / "nope"), "--sub", "bob"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "token:" in captured.err
