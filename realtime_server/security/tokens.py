"""JWT verification: which tokens the feed accepts, and the claims it takes from them.

A `TokenPolicy` fixes the accepted algorithms (one family only: asymmetric EdDSA/RS*/PS*/ES*
with a public key, or HS* with a shared secret), the key, audience, issuer, clock leeway and an
optional maximum lifetime. `TokenVerifier.verify` turns a token into `Claims` or raises
`RequestError` with `token_expired` (the token was good but its `exp` has passed: refresh it)
or `unauthorized` (anything else). Refusal messages say what is wrong, never echo the token.

Checks happen in this order, so a token for another server is `unauthorized` even when it has
also expired: size, header and algorithm, signature, required claims, `iat`/`nbf`, issuer and
audience, claim types, lifetime, and last of all `exp`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from realtime_server.protocol.channels import USER_PATTERN
from realtime_server.protocol.errors import ErrorCode, RequestError
from realtime_server.security._algorithms import (
    ASYMMETRIC,
    MIN_SECRET_BYTES,
    canonical_algorithm,
    is_symmetric,
)

REQUIRED_CLAIMS = ("sub", "exp", "iat", "aud", "iss")
MAX_TOKEN_LENGTH = 8192
"""Longer strings are refused before any parsing."""


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """What the feed accepts. Construction validates it; a bad policy raises ValueError."""

    algorithms: tuple[str, ...]
    key: str | bytes = field(repr=False)
    """PEM public key text (asymmetric algorithms) or the shared secret bytes (HS*)."""
    audience: str
    issuer: str
    leeway_s: float = 30.0
    max_lifetime_s: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.algorithms, str) or not self.algorithms:
            raise ValueError("algorithms must be a non-empty tuple of JWS algorithm names")
        algorithms = tuple(dict.fromkeys(canonical_algorithm(a) for a in self.algorithms))
        families = {is_symmetric(a) for a in algorithms}
        if len(families) > 1:
            raise ValueError("a token policy must not mix HS* with asymmetric algorithms")
        object.__setattr__(self, "algorithms", algorithms)
        if is_symmetric(algorithms[0]):
            object.__setattr__(self, "key", _check_secret(self.key))
        else:
            key = self.key.decode() if isinstance(self.key, bytes) else self.key
            object.__setattr__(self, "key", key)
            _load_public_key(key, algorithms)
        if not isinstance(self.audience, str) or not self.audience:
            raise ValueError("audience must be a non-empty string")
        if not isinstance(self.issuer, str) or not self.issuer:
            raise ValueError("issuer must be a non-empty string")
        if not 0 <= self.leeway_s <= 300:
            raise ValueError("leeway_s must be between 0 and 300 seconds")
        if self.max_lifetime_s is not None and not self.max_lifetime_s > 0:
            raise ValueError("max_lifetime_s must be positive (or None for no maximum)")

    @property
    def symmetric(self) -> bool:
        return is_symmetric(self.algorithms[0])


@dataclass(frozen=True, slots=True)
class Claims:
    """The verified claims the feed uses. Times are seconds since the epoch."""

    sub: str
    exp: int
    iat: int
    scopes: tuple[str, ...] = ()
    jti: str | None = None

    def expires_in(self, now: float | None = None) -> float:
        """Seconds until `exp` (negative once expired)."""
        return self.exp - (time.time() if now is None else now)


class TokenVerifier:
    """Verifies tokens against one `TokenPolicy`; the key is parsed once, here."""

    def __init__(self, policy: TokenPolicy) -> None:
        self.policy = policy
        self._key: Any = (
            policy.key if policy.symmetric else _load_public_key(policy.key, policy.algorithms)
        )

    def verify(self, token: str) -> Claims:
        """Claims of a valid token; `RequestError` (`unauthorized` / `token_expired`) if not."""
        if not isinstance(token, str) or not token:
            raise _unauthorized("no token")
        if len(token) > MAX_TOKEN_LENGTH:
            raise _unauthorized(f"token longer than {MAX_TOKEN_LENGTH} characters")
        try:
            header = jwt.get_unverified_header(token)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise _unauthorized("malformed token") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.policy.algorithms:
            raise _unauthorized("token algorithm not accepted by this server")
        payload = self._decode(token)
        return self._claims(payload, time.time())

    def _decode(self, token: str) -> dict[str, Any]:
        policy = self.policy
        try:
            return jwt.decode(
                token,
                key=self._key,
                algorithms=list(policy.algorithms),
                audience=policy.audience,
                issuer=policy.issuer,
                leeway=policy.leeway_s,
                # exp is checked last, by us, so that a token that is wrong in any other way
                # is `unauthorized` rather than `token_expired` (which invites a refresh).
                options={"require": list(REQUIRED_CLAIMS), "verify_exp": False},
            )
        except jwt.InvalidSignatureError:
            raise _unauthorized("token signature does not verify") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _unauthorized(f"token lacks the {exc.claim!r} claim") from None
        except jwt.ImmatureSignatureError:
            raise _unauthorized("token is not yet valid (iat or nbf in the future)") from None
        except jwt.InvalidAudienceError:
            raise _unauthorized("token audience is not this server") from None
        except jwt.InvalidIssuerError:
            raise _unauthorized("token issuer is not trusted") from None
        except jwt.DecodeError:
            raise _unauthorized("malformed token") from None
        except (jwt.PyJWTError, ValueError, TypeError):
            raise _unauthorized("invalid token") from None

    def _claims(self, payload: dict[str, Any], now: float) -> Claims:
        sub = payload["sub"]
        if not isinstance(sub, str) or not USER_PATTERN.match(sub):
            raise _unauthorized("token 'sub' is not a valid user id")
        exp, iat = _numeric_date(payload, "exp"), _numeric_date(payload, "iat")
        if exp <= iat:
            raise _unauthorized("token expires before it was issued")
        limit = self.policy.max_lifetime_s
        if limit is not None and exp - iat > limit:
            raise _unauthorized(f"token lifetime is over the server maximum of {limit:g} s")
        jti = payload.get("jti")
        if jti is not None and not isinstance(jti, str):
            raise _unauthorized("token 'jti' must be a string")
        scopes = _scopes(payload.get("scope"))
        if exp <= now - self.policy.leeway_s:
            raise RequestError(ErrorCode.TOKEN_EXPIRED, "token has expired; refresh it")
        return Claims(sub=sub, exp=exp, iat=iat, scopes=scopes, jti=jti)


def load_policy(
    algorithm: str,
    *,
    audience: str,
    issuer: str,
    public_key: str | Path | None = None,
    hs_secret: str | bytes | None = None,
    leeway_s: float = 30.0,
    max_lifetime_s: float | None = None,
) -> TokenPolicy:
    """A `TokenPolicy` from settings values. ValueError (with a reason) if they do not fit.

    `algorithm` is one name or several separated by commas, all of one family.
    `public_key` is inline PEM text or the path of a PEM file (asymmetric algorithms);
    `hs_secret` is the shared secret (HS*), at least 32 bytes.
    """
    algorithms = tuple(canonical_algorithm(a) for a in algorithm.split(",") if a.strip())
    if not algorithms:
        raise ValueError("no JWT algorithm configured")
    key: str | bytes
    if is_symmetric(algorithms[0]):
        if hs_secret is None or public_key is not None:
            raise ValueError(f"{algorithms[0]} needs a shared secret, and no public key")
        key = hs_secret.encode() if isinstance(hs_secret, str) else hs_secret
    else:
        if public_key is None or hs_secret is not None:
            raise ValueError(f"{algorithms[0]} needs a public key, and no shared secret")
        key = _read_pem(public_key)
    return TokenPolicy(
        algorithms=algorithms,
        key=key,
        audience=audience,
        issuer=issuer,
        leeway_s=leeway_s,
        max_lifetime_s=max_lifetime_s,
    )


def _read_pem(source: str | Path) -> str:
    if isinstance(source, str) and "-----BEGIN" in source:
        return source
    path = Path(source).expanduser()
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read public key file {str(path)!r}: {exc}") from None


def _check_secret(key: str | bytes) -> bytes:
    secret = key.encode() if isinstance(key, str) else key
    if not isinstance(secret, bytes) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"an HS* secret must be at least {MIN_SECRET_BYTES} bytes")
    if b"-----BEGIN" in secret or secret.lstrip().startswith((b"ssh-", b"ecdsa-")):
        # The signature of an algorithm-confusion attack: a public key used as an HMAC secret.
        raise ValueError("an HS* secret must not be a PEM or SSH key")
    return secret


def _load_public_key(pem: str | bytes, algorithms: tuple[str, ...]) -> Any:
    text = pem.decode() if isinstance(pem, bytes) else pem
    if not isinstance(text, str) or "PRIVATE KEY" in text:
        raise ValueError("the feed server takes a PEM *public* key, never a private key")
    try:
        key = load_pem_public_key(text.encode())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a PEM public key: {exc}") from None
    for alg in algorithms:
        if not isinstance(key, ASYMMETRIC[alg][0]):
            raise ValueError(f"the public key is not a {alg} key")
    return key


def _numeric_date(payload: dict[str, Any], name: str) -> int:
    value = payload[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _unauthorized(f"token {name!r} must be a number of seconds")
    return int(value)


def _scopes(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split()
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = [item.strip() for item in value]
    else:
        raise _unauthorized("token 'scope' must be a space-separated string or a list of strings")
    return tuple(dict.fromkeys(item for item in items if item))


def _unauthorized(message: str) -> RequestError:
    return RequestError(ErrorCode.UNAUTHORIZED, message)
