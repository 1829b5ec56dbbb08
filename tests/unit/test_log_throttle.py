"""`RepeatFilter`: one line per kind per window, counted; a traceback on the first only."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from realtime_server.log_throttle import MAX_KINDS, OTHER, LogCounts, RepeatFilter
from realtime_server.logs import JsonFormatter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


Setup = tuple[logging.Logger, io.StringIO, LogCounts, Clock]


@pytest.fixture
def setup() -> Iterator[Setup]:
    stream, counts, clock = io.StringIO(), LogCounts(), Clock()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RepeatFilter(counts, 60.0, clock))
    logger = logging.getLogger("test.log_throttle")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream, counts, clock
    logger.handlers[:] = []


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def fail(logger: logging.Logger) -> None:
    try:
        json.loads("{")
    except ValueError:
        logger.exception("bad frame from %s", "x")


def test_repeats_are_counted_and_the_next_line_says_how_many(setup: Setup) -> None:
    logger, stream, counts, clock = setup
    for _ in range(100):
        fail(logger)
    clock.now = 61.0
    fail(logger)
    first, second = lines(stream)
    assert (first["repeats"], first["count"], "Traceback" in str(first["exc"])) == (0, 1, True)
    assert (second["repeats"], second["count"], second["exc_type"]) == (99, 101, "JSONDecodeError")
    assert "exc" not in second
    assert list(counts.totals().values()) == [101]


def test_info_passes_and_kinds_differ_by_template_and_place(setup: Setup) -> None:
    logger, stream, counts, _ = setup
    for _ in range(3):
        logger.info("client connected")
        logger.warning("slow consumer")
        logger.warning("other warning")
    assert [line["msg"] for line in lines(stream)].count("client connected") == 3
    assert len(lines(stream)) == 5
    assert len(counts.totals()) == 2


def test_the_kinds_tracked_are_bounded(setup: Setup) -> None:
    logger, _, counts, _ = setup
    for i in range(MAX_KINDS + 10):
        logger.warning(f"message {i}")  # a template per call: the worst case
    totals = counts.totals()
    assert len(totals) == MAX_KINDS + 1 and totals[OTHER] == 10
