"""What a client's Socket.IO packet says, read without trusting it.

python-socketio decodes a packet in one step (`socketio.packet.Packet.decode`) and raises on
anything it cannot read — JSON nested ~990 deep (`RecursionError`), an integer of more digits
than Python converts (`ValueError`), an unknown packet type — before it knows where an answer
would go; an EVENT whose data is an object or an empty list then fails on `data[0]`. None of
those raised errors reached a handler, so none was answered.

`read_packet` splits the header (type, attachment count, namespace, ack id) from the body by
the same grammar (Socket.IO v5: `<type>[<n>-][<namespace>,][<id>][<json>]`), then decodes the
body on its own, so a packet whose body is unreadable still says which namespace and ack id
the refusal goes to. `is_event` checks an EVENT's shape (a list whose first item is the event
name) and `why_refused` words what is wrong with any other packet. None raises; all are pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK = range(7)
"""Socket.IO v5 packet types."""
MAX_ACK_ID_DIGITS = 100
"""python-socketio's own bound on an ack id (longer ids are refused)."""
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True, slots=True)
class Packet:
    """A client packet: its header, and its body decoded (or why it could not be)."""

    kind: int
    namespace: str
    ack_id: int | None
    attachments: int
    data: Any = None
    error: str | None = None
    """Why the header or the body could not be read; None when both were."""

    @property
    def binary(self) -> bool:
        return self.kind in (BINARY_EVENT, BINARY_ACK)


def read_packet(text: str) -> Packet:
    """The packet `text` encodes; `error` says what was wrong with it, if anything."""
    if not text or text[0] not in "0123456":
        return Packet(-1, "/", None, 0, error="not a Socket.IO packet type")
    kind, rest = int(text[0]), text[1:]
    attachments = 0
    dash = rest.find("-")
    if dash > 0 and _is_number(rest[:dash]):
        attachments, rest = int(rest[:dash]), rest[dash + 1 :]
    namespace = "/"
    if rest.startswith("/"):
        comma = rest.find(",")
        namespace, rest = (rest, "") if comma == -1 else (rest[:comma], rest[comma + 1 :])
        namespace = namespace.split("?", 1)[0]
    digits = 0
    while digits < len(rest) and rest[digits] in _DIGITS:
        digits += 1
    if digits > MAX_ACK_ID_DIGITS:
        return Packet(kind, namespace, None, attachments, error="ack id too long")
    ack_id = int(rest[:digits]) if digits else None
    body = rest[digits:]
    if not body:
        return Packet(kind, namespace, ack_id, attachments)
    try:
        data = json.loads(body)
    except RecursionError:
        return Packet(kind, namespace, ack_id, attachments, error="JSON nested too deep")
    except ValueError as exc:  # malformed JSON, or an integer of too many digits
        reason = "a number too long" if "digits" in str(exc) else "malformed JSON"
        return Packet(kind, namespace, ack_id, attachments, error=reason)
    return Packet(kind, namespace, ack_id, attachments, data)


BINARY_MESSAGE = Packet(BINARY_EVENT, "/", None, 0)
"""What an Engine.IO binary message is to the feed: an attachment, refused as binary."""


def is_event(packet: Packet) -> bool:
    """Whether `packet` is a readable EVENT of the documented shape `[name, ...]`."""
    return packet.kind == EVENT and packet.error is None and event_of(packet.data) is not None


def why_refused(packet: Packet) -> str:
    """What is wrong with a packet that is no request the feed takes, in a few words."""
    if packet.error is not None:
        return f"unreadable packet: {packet.error}"
    if packet.binary:
        return "binary payloads are not accepted"
    if packet.kind != EVENT:
        return "unexpected packet type"  # an ACK the server never asked for, a CONNECT_ERROR
    if event_of(packet.data) is None:
        return "an event is a JSON array [name, payload]"
    return f"not connected to namespace {packet.namespace[:64]!r}"


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def event_of(data: Any) -> tuple[str, list[Any]] | None:
    """(name, arguments) of an EVENT's data, or None unless it is `[name, ...]`."""
    if isinstance(data, list) and data and isinstance(data[0], str):
        return data[0], data[1:]
    return None
