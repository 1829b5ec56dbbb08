"""`FEED_SOURCE=replay` end to end: the real feed server replays real history to a client.

The shipped sample (bokeh-sampledata's daily stocks) and a small CSV of the test's own: the
client receives AAPL's prices of the replayed date, the `source` channel says replay with the
replayed clock and its session, a `1D` subscription's snapshot holds the real daily bars from
before the start, the replay's end is reported, and a bad file stops the server with the file
and the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from realtime_server.market.sessions import NEW_YORK
from realtime_server.protocol import CatalogAck, Quote, SourceStatus, SubscribeAck
from realtime_server.sources.replay.files import read_replay_files
from realtime_server.sources.replay.records import RealBar
from realtime_server.sources.replay.sampledata import sample_path
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.processes import StartupError

pytestmark = pytest.mark.integration

START = dt.date(2012, 5, 18)
"""The shipped sample's default first day (FB's listing day, within the data's last year)."""


@pytest.fixture(scope="module")
def replay_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(
        FEED_SOURCE="replay", FEED_REPLAY_MINUTES_PER_DAY="1", FEED_TICKS_PER_SECOND="200"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def real_days() -> dict[dt.date, RealBar]:
    return {bar.day: bar for bar in read_replay_files(sample_path())["AAPL"]}


def new_york_date(ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, NEW_YORK).date()


def ohlcv(bar: dict) -> tuple:
    return tuple(bar[f] for f in ("open", "high", "low", "close", "volume"))


def real(bar: RealBar) -> tuple:
    return (bar.open / 100, bar.high / 100, bar.low / 100, bar.close / 100, bar.volume)


async def test_a_client_receives_aapl_of_the_replayed_date_and_its_real_daily_bars(
    open_client, replay_server: FeedServerProcess, real_days: dict[dt.date, RealBar]
) -> None:
    client = await open_client(replay_server.url)
    ack = SubscribeAck.model_validate(
        await client.request(
            "subscribe",
            {"id": "s", "channels": ["source", "price:AAPL", "bars:1D:AAPL"], "throttle_ms": 50},
        )
    )
    status = SourceStatus.model_validate(ack.snapshot["source"])
    assert (status.name, status.kind, status.label, status.news) == (
        "replay",
        "replay",
        "Replay",
        "generated",
    )
    assert status.speed == 390.0 and status.state == "ok"
    assert new_york_date(status.clock) == START and status.session == "regular"

    daily = [bar.model_dump() for bar in ack.snapshot["bars:1D:AAPL"]]
    assert len(daily) == 120  # FEED_BARS_SNAPSHOT: months of real daily bars
    past = [bar for bar in daily if bar["start"] < replay_day_key(START)]
    assert len(past) >= 119 and all(bar["closed"] for bar in past)
    for bar in past:  # every one the real day, to the cent and the share
        day = dt.datetime.fromtimestamp(bar["start"] / 1000, dt.UTC).date()
        assert ohlcv(bar) == real(real_days[day]), day

    def quotes() -> list[Quote]:
        return [Quote.model_validate(u["data"]) for u in client.updates("price:AAPL")]

    await client.wait_for(lambda: len(quotes()) >= 5, timeout=10)
    for quote in quotes():
        day = new_york_date(quote.ts)
        bar = real_days[day]
        assert bar.low / 100 <= quote.last <= bar.high / 100
        assert day >= START and quote.volume <= bar.volume
        previous = max(d for d in real_days if d < day)
        assert quote.prev_close == real_days[previous].close / 100  # the last session's close

    body = CatalogAck.model_validate(await client.request("catalog", {"id": "c"}))
    names = {i.symbol: i.name for i in body.instruments}
    assert body.source == "replay"
    assert names == {
        "AAPL": "Apple Inc.",
        "FB": "Facebook Inc.",
        "GOOG": "Google Inc.",
        "IBM": "International Business Machines Corp.",
        "MSFT": "Microsoft Corp.",
    }


def replay_day_key(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


async def test_a_users_csv_replays_through_the_night_to_its_end(
    open_client, tmp_path: Path
) -> None:
    """Three days of a made-up ACME: the first is the past, the other two replay (1.2 s each),
    the night between them in 0.5 s; then the source reports the end and /readyz says so."""
    (tmp_path / "acme.csv").write_text(
        "Date,Open,High,Low,Close,Volume\n"
        "2013-03-13,10.00,10.50,9.80,10.20,120000\n"
        "2013-03-14,10.25,10.90,10.10,10.80,150000\n"
        "2013-03-15,10.70,10.75,10.00,10.05,90000\n"
    )
    with running_feed_server(
        FEED_SOURCE="replay",
        FEED_REPLAY_FILE=str(tmp_path / "acme.csv"),
        FEED_REPLAY_START="2013-03-14",
        FEED_REPLAY_MINUTES_PER_DAY="0.02",
        FEED_REPLAY_CLOSED_S="0.5",
        FEED_TICKS_PER_SECOND="100",
    ) as server:
        client = await open_client(server.url)
        ack = SubscribeAck.model_validate(
            await client.request(
                "subscribe",
                {
                    "id": "s",
                    "channels": ["source", "bars:1D:ACME", "price:ACME"],
                    "throttle_ms": 50,
                },
            )
        )
        first = ack.snapshot["bars:1D:ACME"][0].model_dump()
        assert first["start"] == replay_day_key(dt.date(2013, 3, 13))
        assert ohlcv(first) == (10.0, 10.5, 9.8, 10.2, 120_000) and first["closed"]

        def statuses() -> list[SourceStatus]:
            return [SourceStatus.model_validate(u["data"]) for u in client.updates("source")]

        await client.wait_for(lambda: any(s.state == "down" for s in statuses()), timeout=20)
        ended = next(s for s in statuses() if s.state == "down")
        assert ended.reason == "replay ended on 15 Mar 2013"
        assert ended.clock == int(dt.datetime(2013, 3, 15, 20, tzinfo=NEW_YORK).timestamp() * 1000)
        assert ended.session == "closed"  # 20:00 New York on the last day
        days = {new_york_date(u["data"]["ts"]) for u in client.updates("price:ACME")}
        assert days == {dt.date(2013, 3, 14), dt.date(2013, 3, 15)}
        bars = {b["data"]["start"]: b["data"] for b in client.updates("bars:1D:ACME")}
        assert ohlcv(bars[replay_day_key(dt.date(2013, 3, 14))]) == (
            10.25,
            10.9,
            10.1,
            10.8,
            150_000,
        )
        async with httpx.AsyncClient(timeout=5) as http:
            ready = (await http.get(f"{server.url}/readyz")).json()
        assert ready["checks"]["source_ok"] is False


def test_a_bad_file_stops_the_server_with_the_file_and_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Date,Open,High,Low,Close,Volume\n"
        "2013-02-28,444.05,447.87,441.40,441.40,11464700\n"
        "2013-03-01,438.00,428.18,429.98,430.47,19730300\n"
    )
    server = FeedServerProcess(FEED_SOURCE="replay", FEED_REPLAY_FILE=str(bad))
    try:
        with pytest.raises(StartupError) as caught:
            server.start()
        output = str(caught.value)
    finally:
        server.close()
    assert f"feed server not started: {bad}, line 3: High 428.18 is below Low 429.98" in output
    assert "Traceback" not in output
