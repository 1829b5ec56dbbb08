"""Command line: `python -m realtime_server` serves the feed; `keygen` and `token` help in dev.

python -m realtime_server [--host H] [--port P]      serve (settings from FEED_* / TOML)
python -m realtime_server keygen --out DIR           an Ed25519 key pair for development
python -m realtime_server token --key PEM --sub alice --scope "price:* news summary"
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket

import uvicorn

from realtime_server.app import FeedService, create_app
from realtime_server.config import Settings
from realtime_server.logs import configure_logging
from realtime_server.security.cli import add_token_commands
from realtime_server.sources.base import SourceSetupError
from realtime_server.transport import frame_limit, websocket_protocol

log = logging.getLogger("realtime_server")


class FeedServer(uvicorn.Server):
    """uvicorn, with the feed's goodbye to every client before it closes their sockets."""

    def __init__(self, config: uvicorn.Config, service: FeedService) -> None:
        super().__init__(config)
        self.service = service

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        grace = self.service.settings.shutdown_grace_s
        try:
            await asyncio.wait_for(self.service.drain(), timeout=grace or None)
        except TimeoutError:
            log.warning("clients not all told goodbye within the grace period")
        await super().shutdown(sockets)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m realtime_server", description=__doc__)
    parser.add_argument("--host", help="interface to bind (FEED_HOST)")
    parser.add_argument("--port", type=int, help="TCP port to bind (FEED_PORT)")
    add_token_commands(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(argv)
    if args.command is not None:
        raise SystemExit(args.handler(args))
    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    settings = Settings(**overrides)
    configure_logging(
        settings.log_level,
        settings.log_format,
        file=settings.log_file,
        max_bytes=settings.log_file_max_bytes,
        backups=settings.log_file_backups,
        repeat_window_s=settings.log_repeat_window_s,
    )
    try:
        feed = create_app(settings)
    except SourceSetupError as exc:
        log.error("feed source cannot start", extra={"reason": str(exc)})
        raise SystemExit(f"feed server not started: {exc}") from None
    config = uvicorn.Config(
        feed.asgi,
        host=settings.host,
        port=settings.port,
        log_config=None,
        ws=websocket_protocol(settings.write_timeout_s, settings.send_buffer_bytes),
        ws_max_size=frame_limit(settings),
        ws_per_message_deflate=settings.ws_compression,
        lifespan="on",
        # Admission is by the TCP peer's address: uvicorn would otherwise take X-Forwarded-For
        # from any client on 127.0.0.1 as the truth (its default forwarded_allow_ips).
        proxy_headers=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_s) + 1,
        ssl_certfile=str(settings.ssl_certfile) if settings.ssl_certfile else None,
        ssl_keyfile=str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
    )
    scheme = "https" if settings.tls else "http"
    log.info("serving feed", extra={"url": f"{scheme}://{settings.host}:{settings.port}"})
    FeedServer(config, feed.service).run()


if __name__ == "__main__":
    main()
