"""The feed client's exceptions, all under one root so callers can catch them together.

FeedError                      anything the feed client raises on purpose
├── FeedConnectError           one connection attempt failed (`kind`: unreachable, blocked,
│                              timeout, refused; `code` when the server sent one)
├── FeedUnauthorizedError      the server refused the credentials (unauthorized, forbidden, ...)
├── FeedRequestError           the server refused a request with an ErrorAck (`code`, `message`)
├── FeedTimeoutError           no acknowledgement arrived within the request timeout
├── FeedNotConnectedError      a request that needs a live socket was made without one
│   └── FeedConnectionLostError  the socket dropped after a request was sent and before its
│                                ack: whether the server applied it is unknown
├── FeedQueueFullError         the outbound queue (requests made while offline) is full
├── FeedClosedError            the client was closed; queued requests fail with this
├── FeedProtocolError          a message from the server did not match the protocol models
└── IllegalTransitionError     a link-state change that the transition table does not allow
"""

from __future__ import annotations

from typing import Literal

ConnectFailureKind = Literal["unreachable", "blocked", "timeout", "refused", "token"]
"""Why an attempt failed: no TCP/HTTP answer; the server answered HTTP but refused the
WebSocket (a proxy blocks it); no answer in time; the server refused the CONNECT with a code;
the token provider failed."""


class FeedError(Exception):
    """Root of every error the feed client raises on purpose."""


class FeedConnectError(FeedError):
    """A connection attempt failed; `kind` says how, `code` is the server's refusal code."""

    def __init__(
        self, message: str, kind: ConnectFailureKind = "unreachable", code: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind: ConnectFailureKind = kind
        self.code = code


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


class FeedConnectionLostError(FeedNotConnectedError):
    """The connection dropped between sending a request and its ack: the outcome is unknown."""


class FeedQueueFullError(FeedError):
    """The bounded queue of requests waiting for a connection is full."""


class FeedClosedError(FeedError):
    """The client is closed."""


class FeedProtocolError(FeedError):
    """A message from the server did not have the documented shape."""


class IllegalTransitionError(FeedError):
    """A link-state transition outside `status.TRANSITIONS` (a bug in the caller)."""
