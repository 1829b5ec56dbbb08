"""The message pipeline (`marketpulse.feed.sequencer`): order, dedupe, gaps and recovery."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from marketpulse.feed import Batch, ChannelReset
from marketpulse.feed.messages import SnapshotResponse
from marketpulse.feed.sequencer import Sequencer
from realtime_server.protocol import Bar, NewsItem, Position, Update
from tests.support.market_data import alert, bar, news, quote

EPOCH = "e1"


def update(channel: str, seq: int) -> Update:
    kind = channel.split(":")[0]
    if kind == "news":
        return Update(channel=channel, seq=seq, data=news(seq))
    if kind == "alerts":
        return Update(channel=channel, seq=seq, data=alert(f"a{seq}"))
    return Update(channel=channel, seq=seq, data=quote(channel.split(":")[1], float(seq)))


def batch(*updates: Update) -> Batch:
    return Batch(server_ts=0, updates=list(updates))


def subscribed(channels: dict[str, int], epoch: str = EPOCH, **kwargs: object) -> Sequencer:
    """A sequencer holding `channels`, each at the given seq (from a subscribe ack)."""
    sequencer = Sequencer(**kwargs)  # type: ignore[arg-type]  # kwargs: any of Sequencer's keyword arguments, typed object
    sequencer.apply_ack(
        list(channels),
        {},
        {name: Position(epoch=epoch, seq=seq) for name, seq in channels.items()},
        {},
        reason="subscribe",
    )
    return sequencer


def seqs(updates: Sequence[Update], channel: str | None = None) -> list[int]:
    return [u.seq for u in updates if channel is None or u.channel == channel]


# -- dedupe and order -----------------------------------------------------------------------------


def test_duplicates_and_stale_updates_are_dropped_and_counted() -> None:
    sequencer = subscribed({"price:AAPL": 10})
    out, gaps = sequencer.apply_batch(
        batch(*(update("price:AAPL", s) for s in (11, 11, 9, 10, 14, 12, 15)))
    )
    assert seqs(out) == [11, 14, 15]
    assert gaps == set()
    assert (sequencer.counters.duplicates, sequencer.counters.stale) == (1, 3)
    assert sequencer.positions() == {"price:AAPL": Position(epoch=EPOCH, seq=15)}


def test_conflated_channels_jump_over_seqs_without_a_gap() -> None:
    sequencer = subscribed({"price:AAPL": 1})
    out, gaps = sequencer.apply_batch(batch(update("price:AAPL", 50)))
    assert seqs(out) == [50]
    assert gaps == set()


def test_updates_of_channels_not_held_are_dropped() -> None:
    sequencer = subscribed({"price:AAPL": 1})
    out, _ = sequencer.apply_batch(batch(update("price:MSFT", 5), update("price:AAPL", 2)))
    assert seqs(out) == [2]
    assert sequencer.counters.unsolicited == 1


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["news", "price:AAPL", "alerts:bob"]), st.integers(1, 40)),
        max_size=120,
    ),
    st.data(),
)
def test_any_order_with_duplicates_applies_strictly_increasing_seqs(
    messages: list[tuple[str, int]], data: st.DataObject
) -> None:
    """Whatever arrives (permuted, repeated, split into batches), applied seqs only grow."""
    sequencer = subscribed({"news": 0, "price:AAPL": 0, "alerts:bob": 0})
    cuts = sorted(data.draw(st.lists(st.integers(0, len(messages)), max_size=8)))
    applied: list[Update] = []
    for start, end in zip([0, *cuts], [*cuts, len(messages)], strict=True):
        chunk = [update(channel, seq) for channel, seq in messages[start:end]]
        out, _ = sequencer.apply_batch(batch(*chunk))
        applied.extend(out)
    for channel in ("news", "price:AAPL", "alerts:bob"):
        got = seqs(applied, channel)
        assert got == sorted(set(got)), f"{channel}: {got}"
        if channel != "price:AAPL":  # lossless: only ever the next one, no holes
            assert got == list(range(1, len(got) + 1))


# -- gaps on lossless channels and their recovery -------------------------------------------------


def test_a_gap_holds_later_news_back_until_the_replay_fills_it() -> None:
    sequencer = subscribed({"news": 5, "price:AAPL": 1})
    out, gaps = sequencer.apply_batch(
        batch(update("news", 6), update("news", 9), update("news", 10), update("price:AAPL", 3))
    )
    assert seqs(out) == [6, 3]  # price is not held back by the news gap
    assert gaps == {"news"}
    assert sequencer.counters.gaps == 1
    assert sequencer.positions()["news"].seq == 6  # `since` will ask from here

    more, gaps = sequencer.apply_batch(batch(update("news", 11)))
    assert more == [] and gaps == set()  # still recovering: held back, no second gap

    outcome = sequencer.apply_ack(
        ["news"],
        {},
        {"news": Position(epoch=EPOCH, seq=10)},
        {"news": [update("news", 7), update("news", 8), update("news", 9), update("news", 10)]},
        reason="gap",
    )
    [replayed] = outcome.events
    assert isinstance(replayed, Batch)
    assert seqs(replayed.updates) == [7, 8, 9, 10, 11]  # the replay, then what was held back
    assert outcome.replayed == 4
    assert outcome.gaps == set()
    assert sequencer.positions()["news"].seq == 11


def test_an_unrecoverable_gap_is_reset_from_the_snapshot() -> None:
    sequencer = subscribed({"news": 5})
    sequencer.apply_batch(batch(update("news", 9), update("news", 30)))
    outcome = sequencer.apply_ack(
        ["news"],
        {"news": [news(28), news(29)]},
        {"news": Position(epoch=EPOCH, seq=29)},
        {},
        reason="gap",
    )
    reset, released = outcome.events
    assert isinstance(reset, ChannelReset)
    assert reset.items == {"news": (news(28), news(29))}
    assert reset.reason == "gap"
    assert isinstance(released, Batch)
    assert seqs(released.updates) == [30]  # held-back 9 is older than the snapshot: dropped


def test_a_dropped_socket_abandons_recovery_for_since() -> None:
    sequencer = subscribed({"news": 5})
    sequencer.apply_batch(batch(update("news", 8)))
    sequencer.abandon_recovery()
    out, _ = sequencer.apply_batch(batch(update("news", 6)))
    assert seqs(out) == [6]
    assert sequencer.positions()["news"].seq == 6


def test_gap_hold_back_is_bounded() -> None:
    sequencer = subscribed({"news": 0}, gap_buffer=3)
    sequencer.apply_batch(batch(*(update("news", s) for s in range(2, 10))))
    assert sequencer.counters.gap_overflow == 5


# -- snapshots, epochs, polls ---------------------------------------------------------------------


def test_a_new_epoch_resets_positions_even_to_smaller_seqs() -> None:
    sequencer = subscribed({"price:AAPL": 900, "news": 40})
    outcome = sequencer.apply_ack(
        ["price:AAPL", "news"],
        {"price:AAPL": quote("AAPL", 1.0), "news": [news(1), news(2)]},
        {"price:AAPL": Position(epoch="e2", seq=3), "news": Position(epoch="e2", seq=2)},
        {},
        reason="resubscribe",
    )
    [reset] = outcome.events
    assert isinstance(reset, ChannelReset)
    assert set(reset.items) == {"price:AAPL", "news"}
    out, _ = sequencer.apply_batch(batch(update("price:AAPL", 4), update("news", 3)))
    assert seqs(out) == [4, 3]


def test_a_snapshot_older_than_what_is_held_is_not_applied() -> None:
    sequencer = subscribed({"price:AAPL": 10})
    sequencer.apply_batch(batch(update("price:AAPL", 20)))
    outcome = sequencer.apply_ack(
        ["price:AAPL"],
        {"price:AAPL": quote("AAPL", 1.0)},
        {"price:AAPL": Position(epoch=EPOCH, seq=15)},
        {},
        reason="subscribe",
    )
    assert outcome.events == []
    assert sequencer.positions()["price:AAPL"].seq == 20


def test_polls_become_updates_once_and_news_is_exact() -> None:
    sequencer = subscribed({"price:AAPL": 10, "news": 3, "bars:1s:AAPL": 5})

    def poll(
        price_seq: int, news_seq: int, items: list[NewsItem], bars: list[Bar], bars_seq: int = 9
    ) -> list:
        return sequencer.apply_poll(
            SnapshotResponse(
                server_ts=0,
                channels=["price:AAPL", "news", "bars:1s:AAPL"],
                snapshot={"price:AAPL": quote("AAPL", 2.0), "news": items, "bars:1s:AAPL": bars},
                positions={
                    "price:AAPL": Position(epoch=EPOCH, seq=price_seq),
                    "news": Position(epoch=EPOCH, seq=news_seq),
                    "bars:1s:AAPL": Position(epoch=EPOCH, seq=bars_seq),
                },
            )
        )

    [first] = poll(12, 5, [news(2), news(3), news(4), news(5)], [bar(0, 1), bar(1000, 2)])
    assert isinstance(first, Batch)
    assert [(u.channel, u.seq) for u in first.updates] == [
        ("price:AAPL", 12),
        ("news", 4),
        ("news", 5),
        ("bars:1s:AAPL", 9),
        ("bars:1s:AAPL", 9),
    ]
    # The same snapshot again brings nothing; a newer one only what is new.
    assert poll(12, 5, [news(4), news(5)], [bar(1000, 2)]) == []
    bars = [bar(0, 1, closed=True), bar(1000, 3, closed=True), bar(2000, 1)]
    [second] = poll(13, 6, [news(5), news(6)], bars, bars_seq=12)
    assert isinstance(second, Batch)
    # bars: from the last bar held (its final value) on, not the whole window again
    assert [(u.channel, u.seq, getattr(u.data, "start", None)) for u in second.updates] == [
        ("price:AAPL", 13, None),
        ("news", 6, None),
        ("bars:1s:AAPL", 12, 1000),
        ("bars:1s:AAPL", 12, 2000),
    ]
    # A poll whose news does not reach back to what is held: shown, a counted gap, and the
    # position stays at what was received (see the next test).
    [ahead] = poll(13, 20, [news(19), news(20)], [])
    assert isinstance(ahead, Batch)
    assert seqs(ahead.updates, "news") == [19, 20]
    assert sequencer.counters.gaps == 1
    assert sequencer.positions()["news"].seq == 6


def test_a_poll_across_a_gap_keeps_the_position_and_recovery_skips_what_it_showed() -> None:
    sequencer = subscribed({"news": 3})

    def poll(news_seq: int, items: list[NewsItem]) -> list[int]:
        events = sequencer.apply_poll(
            SnapshotResponse(
                server_ts=0,
                channels=["news"],
                snapshot={"news": items},
                positions={"news": Position(epoch=EPOCH, seq=news_seq)},
            )
        )
        return [u.seq for e in events if isinstance(e, Batch) for u in e.updates]

    # Headlines 4-7 were missed; polls return the newest three only.
    assert poll(10, [news(8), news(9), news(10)]) == [8, 9, 10]
    assert poll(11, [news(9), news(10), news(11)]) == [11]
    assert sequencer.positions()["news"].seq == 3  # since=3: the socket recovers 4-7
    outcome = sequencer.apply_ack(
        ["news"],
        {},
        {"news": Position(epoch=EPOCH, seq=12)},
        {"news": [update("news", s) for s in range(4, 13)]},
        reason="resubscribe",
    )
    [replayed] = outcome.events
    assert isinstance(replayed, Batch)
    assert seqs(replayed.updates) == [4, 5, 6, 7, 12]  # each headline handed on once
    assert sequencer.positions()["news"].seq == 12
    out, gaps = sequencer.apply_batch(batch(update("news", 13)))
    assert (seqs(out), gaps) == ([13], set())


# -- alerts -----------------------------------------------------------------------------


def test_each_fired_alert_is_handed_on_once_whatever_brings_it() -> None:
    sequencer = Sequencer()
    outcome = sequencer.apply_ack(
        ["alerts:bob"],
        {"alerts:bob": [alert("a1"), alert("a2")]},
        {"alerts:bob": Position(epoch=EPOCH, seq=4)},
        {},
        reason="subscribe",
    )
    [snapshot] = outcome.events
    assert isinstance(snapshot, Batch)  # alerts are shown, never reset
    assert [u.data.id for u in snapshot.updates] == ["a1", "a2"]
    out, _ = sequencer.apply_batch(
        batch(
            Update(channel="alerts:bob", seq=5, data=alert("a2")),  # fired while subscribing
            Update(channel="alerts:bob", seq=6, data=alert("a3")),
        )
    )
    assert [u.data.id for u in out] == ["a3"]
    assert sequencer.counters.alert_repeats == 1
