"""How good the feed link is, as a 0-3 gauge, from its state, round trips and silence.

3 (good): live, p95 round trip under 150 ms and data arriving. 2 (fair): live but the round
trip is slower than that, or data has been quiet for a few seconds. 1 (poor): live with a
round trip over 600 ms or data silent for longer, or only polling over HTTP. 0: no link.
"""

from __future__ import annotations

from marketpulse.feed import LinkState

GOOD_RTT_MS = 150.0
POOR_RTT_MS = 600.0
QUIET_S = 3.0
SILENT_S = 10.0
LABELS = ("No connection", "Poor", "Fair", "Good")


def link_quality(
    state: LinkState, rtt_p95_ms: float | None, last_message_age_s: float | None
) -> int:
    """The gauge's value (0-3) for a link in `state`; see the module docstring."""
    if state is LinkState.POLLING:
        return 1
    if state is not LinkState.LIVE:
        return 0
    age = last_message_age_s or 0.0
    rtt = rtt_p95_ms or 0.0
    if rtt > POOR_RTT_MS or age > SILENT_S:
        return 1
    if rtt > GOOD_RTT_MS or age > QUIET_S:
        return 2
    return 3
