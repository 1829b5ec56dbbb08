"""The feed client's exceptions, all under one root so callers can catch them together.

FeedError                  anything the feed client raises on purpose
├── FeedConnectError       the server could not be reached (and retrying was off)
├── FeedUnauthorizedError       the server refused the connection (unauthorized, forbidden, ...)
├── FeedRequestError       the server refused a request with an ErrorAck (`code`, `message`)
├── FeedTimeoutError            no acknowledgement arrived within the request timeout
├── FeedNotConnectedError       a request was made while the connection was down
└── FeedProtocolError      a message from the server did not match the protocol models
"""

from __future__ import annotations


class FeedError(Exception):
    """Root of every error the feed client raises on purpose."""


class FeedConnectError(FeedError):
    """The feed server could not be reached."""


class FeedUnauthorizedError(FeedError):
    """The feed server refused the connection; `code` is the refusal's code when it sent one."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class FeedRequestError(FeedError):
    """The feed server refused a request; `code` is one of `protocol.ErrorCode`'s values."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class FeedTimeoutError(FeedError):
    """No acknowledgement arrived in time."""


class FeedNotConnectedError(FeedError):
    """A request needs a live connection and there is none."""


class FeedProtocolError(FeedError):
    """A message from the server did not have the documented shape."""
