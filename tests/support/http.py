"""Plain HTTP GETs against servers the harness started.

They never raise: a server that is not up yet (a readiness poll) or has gone away answers
False or None, so they can be polled with `processes.wait_until`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

_UNREACHABLE = (urllib.error.URLError, ConnectionError, TimeoutError, OSError)


def http_text(url: str, timeout: float = 3.0) -> str | None:
    """The body of a 2xx answer; None for any other answer or none at all."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode()
    except _UNREACHABLE:  # HTTPError (a non-2xx answer) is a URLError
        return None


def http_ok(url: str, timeout: float = 3.0) -> bool:
    return http_text(url, timeout) is not None


def http_json(url: str, timeout: float = 3.0) -> Any | None:
    """The JSON body of a 2xx answer; None otherwise (or when the body is not JSON)."""
    text = http_text(url, timeout)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
