"""The `keygen` and `token` commands of `python -m realtime_server` (development helpers).

    python -m realtime_server keygen --out DIR
    python -m realtime_server token --key PATH --sub alice --scope "price:* news summary"

`add_token_commands(subparsers)` registers both on an argparse parser; each sets
`handler`, a function of the parsed arguments returning the exit status. `token` prints
only the token on stdout, so `TOKEN=$(python -m realtime_server token ...)` works.

The token's `aud`, `iss` and algorithm default to what the feed server expects by default
(`Settings`: `FEED_JWT_AUDIENCE`, `FEED_JWT_ISSUER`, `FEED_JWT_ALGORITHM`), read from there
so that they cannot drift apart; a server configured otherwise needs `--aud`/`--iss`/`--alg`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from realtime_server.config import Settings
from realtime_server.security.keys import load_signing_key, mint_token, write_keypair

DEFAULT_AUDIENCE: str = Settings.model_fields["jwt_audience"].default
DEFAULT_ISSUER: str = Settings.model_fields["jwt_issuer"].default
DEFAULT_ALGORITHM: str = Settings.model_fields["jwt_algorithm"].default


def add_token_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `keygen` and `token` on `parser.add_subparsers(...)`."""
    keygen = subparsers.add_parser(
        "keygen", help="write a development Ed25519 key pair", description=keygen_command.__doc__
    )
    keygen.add_argument("--out", required=True, metavar="DIR", help="directory for the keys")
    keygen.add_argument("--force", action="store_true", help="replace existing key files")
    keygen.set_defaults(handler=keygen_command)

    token = subparsers.add_parser(
        "token", help="mint a development JWT", description=token_command.__doc__
    )
    token.add_argument(
        "--key", required=True, metavar="PATH", help="private key PEM (or HS* secret file)"
    )
    token.add_argument("--sub", required=True, help="the user id (sub claim)")
    token.add_argument("--scope", default="", help='space-separated patterns, e.g. "price:* news"')
    token.add_argument("--ttl", type=int, default=3600, metavar="SECONDS", help="lifetime")
    token.add_argument(
        "--aud", default=DEFAULT_AUDIENCE, help="audience (aud claim; default: %(default)s)"
    )
    token.add_argument(
        "--iss", default=DEFAULT_ISSUER, help="issuer (iss claim; default: %(default)s)"
    )
    token.add_argument(
        "--alg", default=DEFAULT_ALGORITHM, help="EdDSA, RS256 or HS256 (default: %(default)s)"
    )
    token.set_defaults(handler=token_command)


def keygen_command(args: argparse.Namespace) -> int:
    """Write feed_ed25519.pem (private, mode 0600) and feed_ed25519.pub.pem into --out."""
    try:
        private_path, public_path = write_keypair(args.out, overwrite=args.force)
    except (OSError, ValueError) as exc:
        print(f"keygen: {exc}", file=sys.stderr)
        return 1
    print(f"private key (for the app; keep secret): {private_path}")
    print(f"public key (for the feed server):       {public_path}")
    return 0


def token_command(args: argparse.Namespace) -> int:
    """Mint a signed JWT and print it (and nothing else) on stdout."""
    if args.ttl <= 0:
        print("token: --ttl must be positive", file=sys.stderr)
        return 2
    try:
        key = load_signing_key(args.key, args.alg)
        token = mint_token(
            key,
            args.alg,
            sub=args.sub,
            scopes=args.scope.split(),
            audience=args.aud,
            issuer=args.iss,
            ttl_s=args.ttl,
        )
    except (OSError, ValueError) as exc:
        print(f"token: {exc}", file=sys.stderr)
        return 1
    print(token)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the commands on their own (`python -m realtime_server.security.cli ...`)."""
    parser = argparse.ArgumentParser(prog="python -m realtime_server.security.cli")
    add_token_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
