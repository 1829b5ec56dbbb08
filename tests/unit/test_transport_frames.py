"""Reading client packets without trusting them (transport.frames) and the checks of a
long-polling POST body (transport.polling)."""

from __future__ import annotations

import pytest

from realtime_server.transport import frames
from realtime_server.transport.polling import payload_problem


def test_a_packet_is_split_as_python_socketio_reads_it() -> None:
    packet = frames.read_packet('2/feed,17["ping",{"id":"a","client_ts":1}]')
    assert (packet.kind, packet.namespace, packet.ack_id, packet.error) == (2, "/feed", 17, None)
    assert frames.is_event(packet) and packet.data[0] == "ping"
    connect = frames.read_packet('0/feed?x=1,{"token":"t"}')
    assert (connect.kind, connect.namespace, connect.data) == (0, "/feed", {"token": "t"})
    binary = frames.read_packet('599999999-/feed,3["ping",{"_placeholder":true,"num":0}]')
    assert binary.binary and (binary.attachments, binary.ack_id) == (99999999, 3)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2/feed,5" + "[" * 1000 + "]" * 1000, "unreadable packet: JSON nested too deep"),
        ("2/feed,5[" + "9" * 5000 + "]", "unreadable packet: a number too long"),
        ("2/feed,5[oops", "unreadable packet: malformed JSON"),
        ('2/feed,5{"a":1}', "an event is a JSON array [name, payload]"),
        ("2/feed,5[]", "an event is a JSON array [name, payload]"),
        ("2/feed,5[7]", "an event is a JSON array [name, payload]"),
        ("3/feed,5[]", "unexpected packet type"),
        ('2/other,5["ping",{}]', "not connected to namespace '/other'"),
    ],
)
def test_an_unreadable_packet_still_says_where_its_answer_goes(text: str, why: str) -> None:
    packet = frames.read_packet(text)
    assert (packet.namespace, packet.ack_id) == ("/feed" if "feed" in text else "/other", 5)
    assert not frames.is_event(packet) or packet.namespace != "/feed"
    assert frames.why_refused(packet) == why


@pytest.mark.parametrize("text", ["", "x", "9", "²", "2/feed," + "1" * 101 + "[]"])
def test_what_is_no_packet_at_all_never_raises(text: str) -> None:
    assert frames.read_packet(text).error is not None


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'42/feed,1["ping",{}]\x1e3', None),
        (b"1", None),
        (b"\xff", "the payload is not UTF-8"),
        (b"4\x1e" * 16 + b"4", "at most 16 packets per payload"),
        (b"", "not an Engine.IO packet a client sends (binary is not accepted)"),
        (b"bAAAA", "not an Engine.IO packet a client sends (binary is not accepted)"),
        (b"6", "not an Engine.IO packet a client sends (binary is not accepted)"),
    ],
)
def test_a_polling_body_is_checked_as_engineio_will_read_it(
    body: bytes, problem: str | None
) -> None:
    assert payload_problem(body) == problem
