"""Repeated warnings and errors: one line per kind per window, every one of them counted.

A client can make a library log at will: python-engineio logged a full traceback for every
frame python-socketio could not decode (~2 KB of log for a frame of 1-5 bytes). `RepeatFilter`
sits on the process's log handler. A record at WARNING or above has a *kind*: its logger, its
message template, and for an exception its type and the line that raised it. Within `window_s`
of the last line written of its kind, a record is counted and not written; the next line of
the kind carries `repeats` (how many were left out since the last one) and `count` (how many
in all). Only the first line of a kind carries a traceback; later ones name the exception
(`exc_type`), as the traceback is the same. Lower levels pass untouched.

`LogCounts` holds the totals per kind (at most `MAX_KINDS`, then `other`); `LogCountsCollector`
shows them at `/metrics` as `feed_log_records_total{kind}`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

MAX_KINDS = 256
"""Kinds tracked one by one; kinds are code locations and message templates, so a server
has few, but the count is bounded all the same."""
OTHER = "other"
MAX_TEMPLATE = 120


def kind_of(record: logging.LogRecord) -> str:
    """`logger: template [ExcType at file:line]`, without anything a client sent."""
    template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
    kind = f"{record.name}: {template[:MAX_TEMPLATE]}"
    if record.exc_info and record.exc_info[0] is not None:
        exc_type, _, trace = record.exc_info
        while trace is not None and trace.tb_next is not None:
            trace = trace.tb_next
        where = ""
        if trace is not None:
            path = trace.tb_frame.f_code.co_filename
            where = f" at {'/'.join(path.split('/')[-2:])}:{trace.tb_lineno}"
        kind += f" [{exc_type.__name__}{where}]"
    return kind


@dataclass(slots=True)
class _Kind:
    count: int = 0
    left_out: int = 0
    written_at: float = -math.inf
    written: int = 0


class LogCounts:
    """Warnings and errors of the process by kind: how many, and how many were written."""

    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}
        self._lock = threading.Lock()

    def totals(self) -> dict[str, int]:
        with self._lock:
            return {kind: state.count for kind, state in self._kinds.items()}

    def _state(self, kind: str) -> _Kind:
        state = self._kinds.get(kind)
        if state is None:
            if len(self._kinds) >= MAX_KINDS:
                kind = OTHER
            state = self._kinds.setdefault(kind, _Kind())
        return state


class RepeatFilter(logging.Filter):
    """A handler filter: the first record of a kind per `window_s` is written, the rest
    counted (`window_s` 0: every record is written, and still counted)."""

    def __init__(
        self, counts: LogCounts, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.counts = counts
        self.window_s = window_s
        self._clock = clock

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = kind_of(record)
        now = self._clock()
        with self.counts._lock:
            state = self.counts._state(kind)
            state.count += 1
            if now - state.written_at < self.window_s:
                state.left_out += 1
                return False
            record.repeats = state.left_out
            record.count = state.count
            first = state.written == 0
            state.left_out = 0
            state.written_at = now
            state.written += 1
        if record.exc_info and not first:
            record.exc_type = record.exc_info[0].__name__ if record.exc_info[0] else None
            record.exc_info = None
            record.exc_text = None
        return True


class LogCountsCollector(Collector):
    """`feed_log_records_total{kind}` at each scrape."""

    def __init__(self, counts: LogCounts) -> None:
        self._counts = counts

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "feed_log_records",
            "Warnings and errors of the process by kind, written or left out as repeats",
            labels=["kind"],
        )
        for kind, count in sorted(self._counts.totals().items()):
            family.add_metric([kind], count)
        yield family


COUNTS = LogCounts()
"""The process's counts: logging is process-wide, and so are they."""
