"""Every code the feed can refuse a request, a connection or a session with.

Request errors (`ErrorCode`) come back in an error ack; the connection survives them.
Connect refusals come back as Socket.IO `connect_error` with `{code, message}` data.
Disconnect codes (`DisconnectCode`) arrive in a `goodbye` event just before the server
closes a connection it chose to close.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Refusals of a request (in an error ack) or of a connection (in `connect_error`)."""

    BAD_REQUEST = "bad_request"
    """The payload is not an object of the documented shape (wrong type, missing field)."""
    INVALID_CHANNEL = "invalid_channel"
    """A channel name or pattern is not of a known form."""
    UNKNOWN_SYMBOL = "unknown_symbol"
    """The channel is well-formed but its symbol is not traded by this server."""
    UNKNOWN_EVENT = "unknown_event"
    """The event name is not one the server handles (or is reserved by Socket.IO)."""
    TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions"
    """The request would take the connection past its subscription limit."""
    NOT_FOUND = "not_found"
    """The request names something that does not exist (an alert rule, a fired alert)."""
    LIMIT_EXCEEDED = "limit_exceeded"
    """The request would take the user past a per-user limit (e.g. alert rules)."""
    RATE_LIMITED = "rate_limited"
    """Too many requests (or connection attempts) in too short a time; retry later."""
    MESSAGE_TOO_LARGE = "message_too_large"
    """The request's encoded size is over the server's maximum message size."""
    UNAUTHORIZED = "unauthorized"
    """No valid credentials: missing, malformed, forged or not for this server."""
    TOKEN_EXPIRED = "token_expired"
    """The token's `exp` has passed."""
    FORBIDDEN = "forbidden"
    """Valid credentials, but not allowed: a channel outside the token's scope, a denied IP
    address or origin."""
    TOO_MANY_CONNECTIONS = "too_many_connections"
    """The IP address or user already holds the most connections allowed."""
    UNAVAILABLE = "unavailable"
    """The server is shutting down or not ready; reconnect elsewhere or later."""
    INTERNAL = "internal"
    """The server failed to handle a valid request; it has logged the cause."""


class DisconnectCode(StrEnum):
    """Why the server closed a connection (sent in `goodbye` before it does)."""

    SLOW_CONSUMER = "slow_consumer"
    """The connection did not read fast enough: its lossless queue passed its bound."""
    TOKEN_EXPIRED = "token_expired"
    """The token expired and was not refreshed in time."""
    SHUTDOWN = "shutdown"
    """The server is stopping; reconnect (to another node) with your positions."""
    POLICY = "policy"
    """The connection broke a rule it cannot recover from (e.g. repeated abuse)."""


class RequestError(Exception):
    """A request (or connection) the server refuses; becomes an error ack or `connect_error`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def ack(self, request_id: str | None) -> dict[str, object]:
        return error_ack(request_id, self.code, self.message)

    def data(self) -> dict[str, str]:
        """The `{code, message}` object carried by `connect_error` and error acks."""
        return {"code": self.code.value, "message": self.message}


def error_ack(request_id: str | None, code: ErrorCode, message: str) -> dict[str, object]:
    """The wire form of a refused request."""
    return {"ok": False, "id": request_id, "error": {"code": code.value, "message": message}}
