"""Our feed server exactly as `python -m realtime_server` runs it, on the synthetic source.

    python -m benchmarks.feed_server --symbols 500 [--host H] [--port P]

Everything else — the uvicorn configuration, the app, the FEED_* settings — is the real entry
point's (`realtime_server.__main__.main`); only the market data source is swapped for the
benchmark's `SyntheticSource`, at the `ticks_per_second` and `seed` of the settings
(`FEED_TICKS_PER_SECOND`, `FEED_SEED`). Benchmark-only: the server has no setting for this
source yet (docs/benchmarks.md, "Server features the harness uses").

`--uvicorn KEY=VALUE` overrides one argument of the entry point's `uvicorn.Config` for an
experiment (`ws=wsproto`, `ws_per_message_deflate=true`); the default is the server as
shipped. `--experiment NAME` patches python-socketio in this process the way a candidate
optimisation would (`packet-no-binary`), to measure it before anyone writes it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import uvicorn

import realtime_server.app as feed_app
from benchmarks.synthetic import SyntheticSource
from realtime_server.__main__ import main as feed_main
from realtime_server.config import Settings


def _packet_no_binary() -> None:
    """Socket.IO packets skip the recursive search for bytes in every payload (the feed
    never sends binary): what `AsyncServer(serializer=<Packet subclass>)` would do."""
    import socketio.packet

    socketio.packet.Packet.uses_binary_events = False


EXPERIMENTS = {"packet-no-binary": _packet_no_binary}


def _config_value(item: str) -> tuple[str, Any]:
    key, _, raw = item.partition("=")
    try:
        return key, json.loads(raw)  # numbers, true/false/null
    except ValueError:
        return key, raw  # plain strings: ws=wsproto


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feed_server", description=__doc__)
    parser.add_argument("--symbols", type=int, default=500, help="synthetic symbols")
    parser.add_argument(
        "--history-minutes", type=float, default=0.0, help="replayed past, for charts (0)"
    )
    parser.add_argument(
        "--uvicorn",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="experiments: override a uvicorn.Config argument of the entry point, e.g. "
        "ws=wsproto or ws_per_message_deflate=false (repeatable)",
    )
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=sorted(EXPERIMENTS),
        help="experiments: patch python-socketio the way a candidate optimisation would",
    )
    args, rest = parser.parse_known_args(argv)
    for name in args.experiment:
        EXPERIMENTS[name]()
    overrides = dict(_config_value(item) for item in args.uvicorn)
    if overrides:
        base = uvicorn.Config

        class Config(base):  # type: ignore[misc, valid-type]
            def __init__(self, *a: Any, **kw: Any) -> None:
                super().__init__(*a, **{**kw, **overrides})

        uvicorn.Config = Config  # the entry point builds `uvicorn.Config(...)` at call time

    def build_source(settings: Settings) -> SyntheticSource:
        return SyntheticSource(
            args.symbols,
            settings.ticks_per_second,
            settings.seed,
            history_minutes=args.history_minutes,
        )

    feed_app.build_source = build_source  # create_app → FeedService → build_source(settings)
    feed_main(rest)


if __name__ == "__main__":
    main()
