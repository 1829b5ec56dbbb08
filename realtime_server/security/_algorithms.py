"""The JWS algorithms the feed accepts, their families, and the key types each needs.

Shared by `tokens` (verification) and `keys` (development minting) so both agree on what a
name means. `none` is never accepted, and a policy never mixes the symmetric (HS*) family
with the asymmetric ones: mixing them is what makes algorithm-confusion attacks possible.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

ASYMMETRIC: dict[str, tuple[type, ...]] = {
    "EdDSA": (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey),
    "RS256": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "RS384": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "RS512": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "PS256": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "PS384": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "PS512": (rsa.RSAPublicKey, rsa.RSAPrivateKey),
    "ES256": (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey),
    "ES384": (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey),
}
"""Asymmetric algorithms and the (public, private) cryptography key classes they sign with."""

SYMMETRIC: frozenset[str] = frozenset({"HS256", "HS384", "HS512"})

MIN_SECRET_BYTES = 32
"""RFC 7518 §3.2: an HMAC key must be at least as long as the hash output (256 bits)."""

_ALIASES = {name.lower(): name for name in (*ASYMMETRIC, *SYMMETRIC)} | {"ed25519": "EdDSA"}


def canonical_algorithm(name: str) -> str:
    """The JWS name of an algorithm (`eddsa`, `Ed25519` → `EdDSA`); ValueError if unsupported."""
    canonical = _ALIASES.get(name.strip().lower())
    if canonical is None:
        supported = ", ".join(sorted({*ASYMMETRIC, *SYMMETRIC}))
        raise ValueError(f"unsupported JWT algorithm {name[:20]!r} (supported: {supported})")
    return canonical


def is_symmetric(algorithm: str) -> bool:
    return algorithm in SYMMETRIC
