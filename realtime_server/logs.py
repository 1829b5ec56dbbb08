"""Process logging: one JSON object per line (or plain text), with `extra=` fields kept.

Every logger of the process (uvicorn's, python-engineio's and python-socketio's included)
goes to one handler: stderr, or a file rotated by size (`FEED_LOG_FILE`). Repeated warnings
and errors are written once per kind per window and counted (`log_throttle`), so no client
can make the log grow per frame it sends. Log records never carry message bodies or
credentials; callers pass identifiers only.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import time
from pathlib import Path
from typing import Any

from realtime_server.log_throttle import COUNTS, RepeatFilter

LIBRARY_LOGGERS = ("engineio.server", "socketio.server")
"""python-engineio and python-socketio add a plain stderr handler of their own to these
unless their level is set before the server is built; set here, they only propagate."""

_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured duplicate of the message
}


class JsonFormatter(logging.Formatter):
    """Formats a record as a single JSON line: time, level, logger, message, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(
    level: str,
    fmt: str,
    *,
    file: Path | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    backups: int = 5,
    repeat_window_s: float = 60.0,
) -> None:
    """Route every logger of the process to stderr, or to `file` rotated at `max_bytes`
    (keeping `backups` older files), in `fmt`, with repeats left out per `repeat_window_s`.

    Call before the Socket.IO server is built (see `LIBRARY_LOGGERS`).
    """
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    if fmt == "json":
        formatter: logging.Formatter = JsonFormatter()
        formatter.converter = time.gmtime
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(formatter)
    handler.addFilter(RepeatFilter(COUNTS, repeat_window_s))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", *LIBRARY_LOGGERS):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
