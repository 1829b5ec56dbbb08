"""The news generator: jump headlines, sentiment, determinism, variety, ambient rate, wire shape."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from realtime_server.market.news import NewsGenerator
from realtime_server.market.news_wording import short_name
from realtime_server.protocol import NewsItem
from realtime_server.sources.base import Jump
from realtime_server.sources.universe import DEFAULT_UNIVERSE, lookup

TS = 1_700_000_000_000
UP_WORDS = (
    "higher",
    "edges up",
    "edge up",
    "tick",
    "rise",
    "climb",
    "gain",
    "jump",
    "rall",
    "pop",
    "surge",
    "soar",
    "rocket",
)
DOWN_WORDS = ("slip", "dip", "fall", "decline", "drop", "slide", "sink", "skid", "tumble", "plunge")
DOWN_WORDS += ("slump", "edges lower", "edge lower")


def generator(seed: int = 1, **kwargs) -> NewsGenerator:
    return NewsGenerator(DEFAULT_UNIVERSE, seed, **kwargs)


def assert_wire(item: dict) -> None:
    assert NewsItem.model_validate(item).model_dump(mode="json") == item


def random_jumps(n: int, seed: int = 5) -> list[Jump]:
    rng = random.Random(seed)
    return [
        Jump(
            rng.choice(DEFAULT_UNIVERSE).symbol,
            TS + 1_000 * i,
            rng.choice((-1, 1)) * rng.uniform(0.01, 0.04),
            round(rng.uniform(10, 500), 2),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Apple Inc.", "Apple"),
        ("The Goldman Sachs Group Inc.", "Goldman Sachs"),
        ("Merck & Co. Inc.", "Merck"),
        ("Eli Lilly and Co.", "Eli Lilly"),
        ("JPMorgan Chase & Co.", "JPMorgan Chase"),
        ("Amazon.com Inc.", "Amazon"),
        ("Linde plc", "Linde"),
        ("ConocoPhillips", "ConocoPhillips"),
        ("Johnson & Johnson", "Johnson & Johnson"),
        ("The Walt Disney Co.", "Walt Disney"),
    ],
)
def test_short_names(full: str, short: str) -> None:
    assert short_name(full) == short


def test_positive_jump_headline() -> None:
    item = generator().on_jump(Jump("AAPL", TS, 0.031, 235.55))
    assert item["headline"].startswith(("Apple ", "Shares of Apple "))
    assert "3.1%" in item["headline"]
    assert any(w in item["headline"] for w in ("jump", "rall", "pop"))  # a ~3% move
    assert item["sentiment"] == "positive"
    assert (item["symbols"], item["sectors"], item["ts"]) == (["AAPL"], ["Technology"], TS)
    assert item["id"] == f"n-{TS}-1"
    assert item["source"]
    assert item["body"].endswith(".") and 20 < len(item["body"]) < 300
    assert_wire(item)


def test_negative_jump_headline() -> None:
    item = generator().on_jump(Jump("XOM", TS + 5, -0.022, 112.0))
    assert "Exxon Mobil" in item["headline"] and "2.2%" in item["headline"]
    assert item["sentiment"] == "negative"
    assert (item["symbols"], item["sectors"]) == (["XOM"], ["Energy"])
    assert_wire(item)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (0.012, ("edge", "tick")),
        (0.02, ("rise", "climb", "gain")),
        (0.039, ("surge", "soar", "rocket")),
        (-0.011, ("edge lower", "edges lower", "slip", "dip")),
        (-0.02, ("fall", "decline", "drop")),
        (-0.03, ("slide", "sink", "skid")),
        (-0.04, ("tumble", "plunge", "slump")),
    ],
)
def test_wording_scales_with_size(change: float, words: tuple[str, ...]) -> None:
    gen = generator(seed=11)
    for i in range(30):
        item = gen.on_jump(Jump("MSFT", TS + i, change, 400.0))
        assert any(w in item["headline"] for w in words), item["headline"]
        assert f"{abs(change) * 100:.1f}%" in item["headline"]


def test_sentiment_and_direction_match_sign_over_many_jumps() -> None:
    gen = generator(seed=2)
    for jump in random_jumps(300):
        item = gen.on_jump(jump)
        name = short_name(lookup(jump.symbol).name)
        assert name in item["headline"]
        assert f"{abs(jump.change) * 100:.1f}%" in item["headline"]
        headline = item["headline"]
        if jump.change > 0:
            assert item["sentiment"] == "positive"
            assert not any(w in headline for w in DOWN_WORDS), headline
        else:
            assert item["sentiment"] == "negative"
            assert not any(w in headline for w in UP_WORDS), headline
        assert "{" not in headline and "{" not in item["body"]
        assert_wire(item)


def test_unknown_symbol_still_makes_an_item() -> None:
    item = generator().on_jump(Jump("ZZZZ", TS, -0.015, 9.99))
    assert "ZZZZ" in item["headline"] and item["sectors"] == []
    assert_wire(item)


def test_deterministic_for_a_seed_and_call_sequence() -> None:
    def run(seed: int) -> list[dict | None]:
        gen = generator(seed)
        out: list[dict | None] = []
        for i, jump in enumerate(random_jumps(40)):
            out.append(gen.on_jump(jump))
            out.append(gen.ambient(TS + 1_000 * i))
        return out

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_ids_are_unique() -> None:
    gen = generator(ambient_per_minute=60)
    items = [gen.on_jump(j) for j in random_jumps(100)]
    items += [item for i in range(200) if (item := gen.ambient(TS + 500 * i)) is not None]
    assert len({item["id"] for item in items}) == len(items)


def test_jump_headlines_vary() -> None:
    gen = generator(seed=3)
    same = [gen.on_jump(Jump("NVDA", TS + i, 0.025, 140.0))["headline"] for i in range(50)]
    assert len(set(same)) >= 45
    catalysts = Counter(h.split(" after ")[-1].split(" on ")[-1] for h in same)
    assert catalysts.most_common(1)[0][1] <= 15
    mixed = [gen.on_jump(j)["headline"] for j in random_jumps(50, seed=9)]
    assert len(set(mixed)) == 50


def test_ambient_items_vary_and_are_neutral() -> None:
    gen = generator(seed=4, ambient_per_minute=6_000)  # an item on (almost) every call
    items = [item for i in range(60) if (item := gen.ambient(TS + 1_000 * i)) is not None][:50]
    assert len(items) == 50
    assert len({item["headline"] for item in items}) >= 45
    kinds = Counter("sector" if item["sectors"] else "macro" for item in items)
    assert kinds["sector"] >= 10 and kinds["macro"] >= 10
    for item in items:
        assert item["sentiment"] == "neutral"
        assert "{" not in item["headline"] + item["body"]
        if item["sectors"]:
            (sector,) = item["sectors"]
            assert 1 <= len(item["symbols"]) <= 3
            assert all(lookup(sym).sector == sector for sym in item["symbols"])
            assert short_name(lookup(item["symbols"][0]).name) in item["body"]
        else:
            assert item["symbols"] == []
        assert_wire(item)


def test_ambient_rate_is_roughly_as_configured() -> None:
    gen = generator(seed=6)  # default: 3 a minute
    emitted = sum(gen.ambient(TS + 1_000 * i) is not None for i in range(6_000))  # 100 minutes
    assert 240 <= emitted <= 360
    quiet = generator(seed=6, ambient_per_minute=0)
    assert all(quiet.ambient(TS + 1_000 * i) is None for i in range(1_000))
    # Calls at the same instant add no chance.
    gen = generator(seed=6, ambient_per_minute=30)
    gen.ambient(TS)
    assert all(gen.ambient(TS) is None for _ in range(1_000))
    with pytest.raises(ValueError):
        generator(ambient_per_minute=-1)


def test_ambient_news_is_paced_by_the_clock_it_is_given() -> None:
    """A replay at x60 passes the wall clock as `paced_by`: a wall minute of timer calls makes
    about as many headlines as a minute of the live simulator, not sixty times as many."""
    live, replayed = generator(5), generator(5)
    calls = 60 * 4  # a timer call every 250 ms for a wall minute, 100 times over
    live_count = replay_count = 0
    for run in range(100):
        base = TS + run * 10_000_000
        for i in range(calls):
            wall = base + 250 * i
            live_count += live.ambient(wall) is not None
            replay_count += replayed.ambient(base + 250 * 60 * i, paced_by=wall) is not None
    assert abs(replay_count - live_count) <= max(30, live_count // 3), (live_count, replay_count)
