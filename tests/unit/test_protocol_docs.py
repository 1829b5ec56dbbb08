"""docs/protocol.md stays in step with the protocol models and names every code and event; its
JSON examples and the requests of its worked session are instances of the models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

import realtime_server.protocol as protocol
from realtime_server.protocol import DisconnectCode, ErrorCode
from realtime_server.protocol.schema import BEGIN, END, SECTIONS, render, splice
from tests.support.documents import (
    json_examples,
    parse_elided,
    untagged_json_blocks,
    worked_session,
)

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


# -- The document's examples are instances of the models (fault 19 of docs/reliability.md).

ACK_MODELS = {label: model for label, model in SECTIONS[1][1]}
"""Each event's success ack model, as the appendix names them."""


def test_every_json_example_is_tagged_and_valid() -> None:
    text = DOC.read_text()
    assert untagged_json_blocks(text) == [], "tag each JSON example: <!-- example: Model -->"
    examples = json_examples(text)
    assert {e.model for e in examples} >= {"SubscribeRequest", "CatalogAck", "Batch"}
    for example in examples:
        model = getattr(protocol, example.model)
        try:
            model.model_validate(example.value)
        except ValidationError as exc:
            pytest.fail(f"docs/protocol.md:{example.line}: not a {example.model}: {exc}")


def test_every_price_update_shown_is_a_whole_quote() -> None:
    batches = [e for e in json_examples(DOC.read_text()) if e.model == "Batch"]
    updates = [u for b in batches for u in b.value["updates"]]
    prices = [u["data"] for u in updates if u["channel"].startswith("price:")]
    assert prices and all(set(q) == set(protocol.Quote.model_fields) for q in prices)


def test_the_inline_examples_of_each_request_are_valid() -> None:
    prose = DOC.read_text().split(BEGIN)[0]
    sections = re.split(r"^### 2\.\d+ ", prose, flags=re.M)[1:]
    checked = 0
    for section in sections:
        events = re.findall(r"`(\w+)`", section.splitlines()[0])
        if len(events) != 1:
            continue  # §2.8 points to §6
        event = events[0]
        for span in re.findall(r'`(\{".*?\})`', section, flags=re.S):
            value = parse_elided(span)
            if "ok" not in value:
                protocol.REQUEST_MODELS[event].model_validate(value)
            elif value["ok"]:
                ACK_MODELS[event].model_validate(value)
            else:
                protocol.ErrorAck.model_validate(value)
            checked += 1
    assert checked >= 10


def test_the_worked_session_sends_only_valid_requests() -> None:
    steps = worked_session(DOC.read_text())
    events = [s for s in steps if s.actor == "client" and s.kind == "EVENT"]
    assert len(events) >= 6
    for step in events:
        protocol.REQUEST_MODELS[step.event].model_validate(step.payload)
    refusals = [s.payload for s in steps if s.kind == "ACK" and s.payload["ok"] is False]
    for refusal in refusals:
        protocol.ErrorAck.model_validate(refusal)
