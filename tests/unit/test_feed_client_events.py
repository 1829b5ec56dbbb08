"""The feed client's events (`marketpulse.feed.events`) and the link states the connection
indicator relies on. (How a run of events is folded into a tab's data: `test_app_desk.py`.)"""

from __future__ import annotations

from marketpulse.feed import ConnectionStatus, LinkState, LinkStateChanged


def test_link_states_cover_the_indicator_states() -> None:
    indicator_states = {"live", "connecting", "reconnecting", "polling", "offline", "unauthorized"}
    assert indicator_states <= {state.value for state in LinkState}


def test_link_state_events_compare_by_state_alone() -> None:
    detailed = LinkStateChanged(LinkState.LIVE, ConnectionStatus(LinkState.LIVE, url="u"))
    assert detailed == LinkStateChanged(LinkState.LIVE)
