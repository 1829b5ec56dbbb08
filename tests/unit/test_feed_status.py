"""The link's state machine (`marketpulse.feed.status`): the transition table and time per state."""

from __future__ import annotations

import itertools

import pytest

from marketpulse.feed import (
    TRANSITIONS,
    ConnectionStatus,
    IllegalTransitionError,
    LinkState,
    LinkStateMachine,
)

S = LinkState
LEGAL = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
ILLEGAL = sorted(
    (a, b) for a, b in itertools.product(LinkState, LinkState) if b not in TRANSITIONS[a]
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def machine_in(state: LinkState, clock: FakeClock | None = None) -> LinkStateMachine:
    """A machine brought to `state` through legal transitions only."""
    machine = LinkStateMachine(clock or FakeClock(), wall_ms=lambda: 1_000)
    path = {
        S.IDLE: [],
        S.CONNECTING: [S.CONNECTING],
        S.LIVE: [S.CONNECTING, S.LIVE],
        S.RECONNECTING: [S.CONNECTING, S.RECONNECTING],
        S.POLLING: [S.CONNECTING, S.POLLING],
        S.UNAUTHORIZED: [S.CONNECTING, S.UNAUTHORIZED],
        S.OFFLINE: [S.OFFLINE],
    }[state]
    for step in path:
        machine.transition(step)
    assert machine.state is state
    return machine


def test_every_state_has_a_row_and_the_table_is_connected() -> None:
    assert set(TRANSITIONS) == set(LinkState)
    reachable, frontier = {S.IDLE}, [S.IDLE]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(LinkState)


@pytest.mark.parametrize(("source", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_legal_transitions_pass(source: LinkState, target: LinkState) -> None:
    machine = machine_in(source)
    status = machine.transition(target, attempt=3, next_retry_at=5_000, reason="why", url="u")
    assert machine.status is status
    assert status == ConnectionStatus(target, 3, 5_000, "why", "u", since_ms=1_000)


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transitions_raise_and_change_nothing(source: LinkState, target: LinkState) -> None:
    machine = machine_in(source)
    before, count = machine.status, machine.transitions
    with pytest.raises(IllegalTransitionError):
        machine.transition(target)
    assert machine.status is before
    assert machine.transitions == count


def test_only_the_retry_states_may_repeat() -> None:
    repeating = {state for state in LinkState if state in TRANSITIONS[state]}
    assert repeating == {S.RECONNECTING, S.POLLING}


def test_live_is_only_reached_through_an_attempt() -> None:
    assert {a for a, targets in TRANSITIONS.items() if S.LIVE in targets} == {
        S.CONNECTING,
        S.RECONNECTING,
        S.POLLING,
    }


def test_time_in_each_state_is_accounted_including_the_current_one() -> None:
    clock = FakeClock()
    machine = LinkStateMachine(clock)
    clock.now += 1
    machine.transition(S.CONNECTING)
    clock.now += 2
    machine.transition(S.LIVE)
    clock.now += 10
    machine.transition(S.RECONNECTING, attempt=1)
    clock.now += 3
    machine.transition(S.RECONNECTING, attempt=2)  # a new status, same state: time adds up
    clock.now += 4
    machine.transition(S.LIVE)
    clock.now += 5
    spent = machine.time_in_state()
    assert spent[S.IDLE] == 1
    assert spent[S.CONNECTING] == 2
    assert spent[S.RECONNECTING] == 7
    assert spent[S.LIVE] == 15
    assert spent[S.POLLING] == spent[S.OFFLINE] == spent[S.UNAUTHORIZED] == 0
    with pytest.raises(TypeError):
        spent[S.LIVE] = 0  # type: ignore[index]  # read-only on purpose: the test expects this to fail


def test_status_is_an_immutable_value() -> None:
    status = machine_in(S.RECONNECTING).status
    with pytest.raises(AttributeError):
        status.attempt = 9  # type: ignore[misc]  # frozen on purpose: the test expects this to fail
    assert status == ConnectionStatus(S.RECONNECTING, since_ms=1_000)
