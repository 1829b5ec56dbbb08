"""The link quality gauge (`marketpulse.streaming.quality`)."""

from __future__ import annotations

import pytest

from marketpulse.feed import LinkState
from marketpulse.streaming.quality import link_quality


@pytest.mark.parametrize(
    ("state", "rtt", "age", "expected"),
    [
        (LinkState.LIVE, 20.0, 0.1, 3),
        (LinkState.LIVE, None, None, 3),
        (LinkState.LIVE, 300.0, 0.1, 2),
        (LinkState.LIVE, 20.0, 5.0, 2),
        (LinkState.LIVE, 900.0, 0.1, 1),
        (LinkState.LIVE, 20.0, 30.0, 1),
        (LinkState.POLLING, 20.0, 0.1, 1),
        (LinkState.RECONNECTING, 20.0, 0.1, 0),
        (LinkState.OFFLINE, None, None, 0),
        (LinkState.UNAUTHORIZED, None, None, 0),
    ],
)
def test_the_gauge_reads_state_round_trip_and_silence(
    state: LinkState, rtt: float | None, age: float | None, expected: int
) -> None:
    assert link_quality(state, rtt, age) == expected
