"""Scope patterns against channel names (security.scopes)."""

from __future__ import annotations

import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realtime_server.protocol.channels import BAR_INTERVALS, SYMBOL_PATTERN, parse_channel
from realtime_server.security.scopes import GUEST_SCOPES, ScopeSet

TABLE = [
    # (scope, channel, allowed)
    ("price:*", "price:AAPL", True),
    ("price:*", "price:*", True),
    ("price:*", "price", False),
    ("price:*", "bars:1m:AAPL", False),
    ("price:AAPL", "price:AAPL", True),
    ("price:AAPL", "price:MSFT", False),
    ("price:AAPL", "price:*", False),
    ("bars:*", "bars:1m:AAPL", True),
    ("bars:*", "bars:5m:*", True),
    ("bars:1m:*", "bars:1m:AAPL", True),
    ("bars:1m:*", "bars:5m:AAPL", False),
    ("bars:*:AAPL", "bars:1s:AAPL", True),
    ("bars:*:AAPL", "bars:1s:MSFT", False),
    ("bars:*:AAPL", "bars:1s:*", False),
    ("news", "news", True),
    ("news", "news:AAPL", False),
    ("news:*", "news", False),
    ("news:*", "news:AAPL", True),
    ("summary", "summary", True),
    ("*", "summary", True),
    ("*", "alerts:bob", True),
    ("alerts:bob", "alerts:bob", True),
    ("alerts:bob", "alerts:carol", False),
    ("alerts:*", "alerts:bob", True),
    ("price:*", "price:aapl", False),  # not a channel: symbols are upper case
    ("*", "nonsense:X", False),  # not a channel at all
    ("price:AA*", "price:AAPL", False),  # `*` only as a whole segment
]


@pytest.mark.parametrize(("scope", "channel", "allowed"), TABLE)
def test_scope_table(scope: str, channel: str, allowed: bool) -> None:
    assert ScopeSet([scope]).allows(channel) is allowed


def test_own_alerts_channel_is_always_allowed() -> None:
    scopes = ScopeSet([], sub="alice")
    assert scopes.allows("alerts:alice")
    assert not scopes.allows("alerts:bob")
    assert not ScopeSet([]).allows("alerts:alice")
    assert ScopeSet(["alerts:bob"], sub="alice").allows("alerts:bob")


def test_guest_scopes() -> None:
    guest = ScopeSet.guest()
    assert guest.scopes == GUEST_SCOPES
    for channel in ["price:AAPL", "price:*", "bars:1m:MSFT", "news", "news:IBM", "summary"]:
        assert guest.allows(channel), channel
    assert not guest.allows("alerts:alice")


def test_parsed_channels_and_malformed_scopes() -> None:
    scopes = ScopeSet(["price:*", "", "a b", "x::y", "price:A*", 7, "summary"])  # type: ignore[list-item]  # an int among the scopes on purpose
    assert scopes.scopes == ("price:*", "summary")
    assert len(scopes.ignored) == 5
    assert scopes.allows(parse_channel("price:IBM"))
    assert not scopes.allows(parse_channel("news"))
    assert not scopes.allows(None)  # type: ignore[arg-type]  # None on purpose


# Explicit alphabets, not regexes: Hypothesis then needs no Unicode tables (a cold second).
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
symbols = st.builds(
    operator.add,
    st.sampled_from(UPPER),
    st.text(alphabet=UPPER + "0123456789.-", max_size=14),
).filter(SYMBOL_PATTERN.match)
users = st.text(alphabet=UPPER + UPPER.lower() + "0123456789_.@-", min_size=1, max_size=24)
intervals = st.sampled_from(sorted(BAR_INTERVALS))
symbol_or_star = symbols | st.just("*")
channels = st.one_of(
    symbol_or_star.map(lambda s: f"price:{s}"),
    st.tuples(intervals, symbol_or_star).map(lambda t: f"bars:{t[0]}:{t[1]}"),
    st.just("news"),
    symbol_or_star.map(lambda s: f"news:{s}"),
    st.just("summary"),
    users.map(lambda u: f"alerts:{u}"),
)


near_names = st.text(alphabet="pricebasnwumylt:*1m5sAPLMSFT.@_- \t\x00é", max_size=40)
odd_bytes = st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape"))
names = channels | near_names | odd_bytes


@settings(max_examples=150, deadline=None)
@given(names, st.lists(names, max_size=4))
def test_random_names_and_scopes_never_crash(channel: str, scopes: list[str]) -> None:
    assert ScopeSet(scopes, sub="alice").allows(channel) in (True, False)


@settings(max_examples=150, deadline=None)
@given(channels, users)
def test_star_allows_every_valid_channel(channel: str, user: str) -> None:
    parse_channel(channel)  # the strategy only makes valid names
    assert ScopeSet(["*"]).allows(channel)
    assert ScopeSet([channel]).allows(channel)
    assert ScopeSet.guest().allows(channel) is not channel.startswith("alerts:")
    assert ScopeSet([], sub=user).allows(channel) is (channel == f"alerts:{user}")
