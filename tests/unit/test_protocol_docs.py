"""docs/protocol.md stays in step with the protocol models and names every code and event."""

from __future__ import annotations

from pathlib import Path

import realtime_server.protocol as protocol
from realtime_server.protocol import DisconnectCode, ErrorCode
from realtime_server.protocol.schema import BEGIN, END, render, splice

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_generated_schemas_match_the_models() -> None:
    text = DOC.read_text()
    assert BEGIN in text and END in text
    assert splice(text) == text, (
        "docs/protocol.md is out of date: run "
        "python -m realtime_server.protocol.schema --write docs/protocol.md"
    )
    assert render() in text


def test_every_error_and_disconnect_code_is_documented() -> None:
    prose = DOC.read_text().split(BEGIN)[0]
    for code in [*ErrorCode, *DisconnectCode]:
        assert f"`{code.value}`" in prose, f"{code.value} is not explained in docs/protocol.md"


def test_every_event_is_documented() -> None:
    prose = DOC.read_text().split(BEGIN)[0]
    events = [v for k, v in vars(protocol).items() if k.startswith("EVENT_")]
    assert len(events) >= 12
    for event in events:
        assert f"`{event}`" in prose, f"event {event} is not documented"
