"""Command line: `python -m realtime_server` serves the feed with settings from the environment."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from realtime_server.app import create_app
from realtime_server.config import Settings
from realtime_server.logs import configure_logging

log = logging.getLogger("realtime_server")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m realtime_server", description=__doc__)
    parser.add_argument("--host", help="interface to bind (FEED_HOST)")
    parser.add_argument("--port", type=int, help="TCP port to bind (FEED_PORT)")
    args = parser.parse_args(argv)
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    settings = Settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    log.info("serving feed", extra={"host": settings.host, "port": settings.port})
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        ws="websockets-sansio",
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
