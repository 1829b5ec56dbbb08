"""The project's documents as tests read them: README.md and docs/protocol.md.

    command_block(text, name)   the shell lines of the block marked `<!-- commands: NAME -->`
    json_examples(text)         every JSON example of the prose, with the model it shows
    worked_session(text)        protocol.md §12's steps: what the client sends, what it is sent
    matches(pattern, actual)    does a documented (elided) value describe an actual one

A documented JSON example is a fenced `json` block right after `<!-- example: Model -->`
(`Model` names a class of `realtime_server.protocol`); in examples and in the worked session
`…` elides: a bare `…` member or item stands for whatever else is there, a string with `…` in
it for any string with what is around the `…`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PROTOCOL = ROOT / "docs" / "protocol.md"
ELLIPSIS = "…"

_FENCE = re.compile(r"```(\w*)\n(.*?)```", re.S)


def command_block(text: str, name: str) -> str:
    """The fenced shell block right after `<!-- commands: name -->`, as printed."""
    marker = f"<!-- commands: {name} -->"
    start = text.index(marker) + len(marker)
    found = _FENCE.search(text, start)
    assert found is not None and text[start : found.start()].strip() == "", (
        f"no fenced block right after {marker}"
    )
    return found.group(2)


@dataclass(frozen=True)
class Example:
    """A JSON example of the document and the protocol model it is an instance of."""

    model: str
    line: int
    value: Any


_EXAMPLE = re.compile(r"<!-- example: (\w+) -->\n```json\n(.*?)```", re.S)


def json_examples(text: str) -> list[Example]:
    """Every tagged JSON example before the generated appendix, elisions removed."""
    prose = text.split("<!-- BEGIN GENERATED SCHEMAS")[0]
    return [
        Example(m.group(1), prose.count("\n", 0, m.start()) + 2, parse_elided(m.group(2)))
        for m in _EXAMPLE.finditer(prose)
    ]


def untagged_json_blocks(text: str) -> list[int]:
    """Lines of fenced `json` blocks of the prose that carry no `<!-- example: -->` tag."""
    prose = text.split("<!-- BEGIN GENERATED SCHEMAS")[0]
    tagged = {m.start(2) for m in _EXAMPLE.finditer(prose)}
    return [
        prose.count("\n", 0, m.start()) + 1
        for m in _FENCE.finditer(prose)
        if m.group(1) == "json" and m.start(2) not in tagged
    ]


@dataclass(frozen=True)
class Step:
    """One line of the worked session (with its continuation lines).

    `actor` is `client`, `server` or `narrative` (a `   … what happens …` line, in `text`);
    `kind` is `CONNECT`, `EVENT` or `ACK`; `event` names an EVENT; `ack` is the ack id the
    line shows (a client event's `(ack n)`, or a server ACK's number).
    """

    actor: str
    kind: str = ""
    event: str = ""
    ack: int | None = None
    payload: Any = None
    text: str = ""


_STEP = re.compile(
    r"^(client|server) → (CONNECT /feed|EVENT (\w+)|ACK (\d+)) (.*?)(?:\s+\(ack (\d+)\))?$", re.S
)


def worked_session(text: str) -> list[Step]:
    """The steps of the fenced block right after `<!-- session -->`, in order."""
    marker = "<!-- session -->"
    start = text.index(marker) + len(marker)
    found = _FENCE.search(text, start)
    assert found is not None, f"no fenced block after {marker}"
    entries: list[str] = []
    for line in found.group(2).splitlines():
        if line.startswith(("client → ", "server → ")) or line.strip().startswith(ELLIPSIS):
            entries.append(line)
        else:
            entries[-1] += " " + line.strip()
    steps = []
    for entry in entries:
        if entry.strip().startswith(ELLIPSIS):
            steps.append(Step("narrative", text=entry.strip().strip(ELLIPSIS).strip()))
            continue
        matched = _STEP.match(entry)
        assert matched is not None, f"not a step of the session: {entry!r}"
        actor, what, event, ack, body, client_ack = matched.groups()
        number = ack if ack is not None else client_ack
        steps.append(
            Step(
                actor,
                what.split()[0],
                event or "",
                int(number) if number is not None else None,
                parse_elided(body),
            )
        )
    return steps


def parse_elided(text: str) -> Any:
    """JSON in which bare `…` members and items are dropped (strings keep their `…`)."""
    out: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char != ELLIPSIS:
            out.append(char)
    cleaned = "".join(out)
    # A dropped `…` leaves a stray comma beside a bracket or another comma.
    for _ in range(3):
        cleaned = re.sub(r",(\s*)(?=[,}\]])", r"\1", cleaned)
        cleaned = re.sub(r"([{\[])(\s*),", r"\1\2", cleaned)
    return json.loads(cleaned)


def matches(pattern: Any, actual: Any) -> bool:
    """Whether `actual` is what the documented `pattern` describes.

    Objects: every documented member is there and matches (others may be too). Lists: the
    documented items match the first actual ones (more may follow). Strings with `…`: any
    string that starts with what is before it and ends with what is after it. Other strings,
    booleans and null: equal. Numbers: any number of the same kind (documented figures are
    examples), except where a test compares them itself.
    """
    if isinstance(pattern, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(value, actual[key]) for key, value in pattern.items()
        )
    if isinstance(pattern, list):
        return (
            isinstance(actual, list)
            and len(actual) >= len(pattern)
            and all(matches(p, a) for p, a in zip(pattern, actual, strict=False))
        )
    if isinstance(pattern, str):
        if ELLIPSIS not in pattern:
            return pattern == actual
        head, _, tail = pattern.partition(ELLIPSIS)
        return isinstance(actual, str) and actual.startswith(head) and actual.endswith(tail)
    if isinstance(pattern, bool) or pattern is None:
        return pattern is actual
    if isinstance(pattern, int | float):
        return isinstance(actual, int | float) and not isinstance(actual, bool)
    raise TypeError(f"not a JSON value: {pattern!r}")
