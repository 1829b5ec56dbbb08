"""Replay files: both layouts, intraday bars, and every error naming its file and line."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from realtime_server.market.sessions import NEW_YORK
from realtime_server.sources.replay.files import read_replay_files
from realtime_server.sources.replay.records import ReplayDataError
from realtime_server.sources.replay.sampledata import sample_path


def ny(day: int, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(2013, 3, day, hour, minute, tzinfo=NEW_YORK).timestamp() * 1000)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_one_file_per_symbol_takes_the_symbol_from_its_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "aapl.csv",
        "Date,Open,High,Low,Close,Volume,Adj Close\n"
        "2013-03-01,438.00,438.1799,429.98,430.47,19730300,56.13\n"
        "2013-02-28,444.05,447.87,441.40,441.40,11464700,57.56\n",  # any order
    )
    (bars,) = read_replay_files(path).values()
    assert [(b.symbol, b.day, b.line) for b in bars] == [
        ("AAPL", dt.date(2013, 2, 28), 3),
        ("AAPL", dt.date(2013, 3, 1), 2),
    ]
    friday = bars[1]
    assert (friday.open, friday.high, friday.low, friday.close) == (43800, 43818, 42998, 43047)
    assert (friday.start_ms, friday.end_ms, friday.volume) == (ny(1, 9, 30), ny(1, 16), 19730300)
    assert read_replay_files(path, "XYZ").keys() == {"XYZ"}  # FEED_REPLAY_SYMBOL


def test_a_symbol_column_and_gzip_and_a_directory_of_files(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "two.csv.gz", "wt") as out:
        out.write(
            "ticker,date,open,high,low,close,volume\n"
            "ibm,2013-03-01,200.65,202.94,199.36,202.91,3308300\n"
            "MSFT,2013-03-01,27.72,27.98,27.52,27.95,34849700\n"
        )
    write(tmp_path, "GOOG.csv", "Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1,2,5\n")
    bars = read_replay_files(tmp_path)
    assert sorted(bars) == ["GOOG", "IBM", "MSFT"]
    assert bars["MSFT"][0].close == 2795


def test_the_shipped_sample_reads_in_full() -> None:
    bars = read_replay_files(sample_path())
    assert {s: len(b) for s, b in bars.items()} == {
        "AAPL": 3270,
        "FB": 196,
        "GOOG": 2148,
        "IBM": 3270,
        "MSFT": 3270,
    }
    assert bars["FB"][0].day == dt.date(2012, 5, 18)


def test_intraday_bars_from_a_datetime_or_a_time_column(tmp_path: Path) -> None:
    one = write(
        tmp_path,
        "acme.csv",
        "Datetime,Open,High,Low,Close,Volume\n"
        "2013-03-01 09:30,10,10.5,9.9,10.2,1000\n"
        "2013-03-01 09:35,10.2,10.3,10.1,10.1,800\n"
        "2013-03-01 09:45,10.1,10.1,10.0,10.0,300\n"  # a gap: still a 5-minute bar
        "2013-03-01T21:00:00Z,10,10,10,10,100\n",  # 16:00 New York, by its offset
    )
    bars = read_replay_files(one)["ACME"]
    assert [(b.start_ms, b.end_ms) for b in bars] == [
        (ny(1, 9, 30), ny(1, 9, 35)),
        (ny(1, 9, 35), ny(1, 9, 40)),
        (ny(1, 9, 45), ny(1, 9, 50)),
        (ny(1, 16), ny(1, 16, 5)),
    ]
    two = write(
        tmp_path,
        "b.csv",
        "Date,Time,Open,High,Low,Close,Volume,Symbol\n"
        "2013-03-01,15:59,10,10,10,10,1,ZZ\n2013-03-01,15:58,10,10,10,10,1,ZZ\n",
    )
    assert [b.end_ms - b.start_ms for b in read_replay_files(two)["ZZ"]] == [60_000, 60_000]


BAD = [
    ("", "line 1: empty file"),
    ("Date,Open,High,Close\n", "line 1: missing column Low, Volume"),
    ("Date,Open,High,Low,Close,Volume\n", "no bars after the header"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1\n", "line 2: 4 fields, but the header"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,abc,2,1,2,5\n", "line 2: Open 'abc' is not a"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1,2,nan\n", "line 2: Volume 'nan' is not"),
    ("Date,Open,High,Low,Close,Volume\n\n2013-03-01,1,1,2,1,5\n", "line 3: High 1.00 is below Low"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,3,2,1,2,5\n", "line 2: Open 3.00 is outside"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1,2,-5\n", "line 2: Volume -5 is not a"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01,0,2,1,2,5\n", "line 2: Open 0 is not a positive"),
    ("Date,Open,High,Low,Close,Volume\n03/01/2013,1,2,1,2,5\n", "line 2: Date '03/01/2013' is not"),
    ("Date,Open,High,Low,Close,Volume\n2013-03-02,1,2,1,2,5\n", "line 2: 2013-03-02 is not a NYSE"),
    ("Date,Open,High,Low,Close,Volume\n1985-03-01,1,2,1,2,5\n", "line 2: 1985-03-01 is before"),
    (
        "Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1,2,5\n2013-03-01,1,2,1,2,5\n",
        "line 3: a second BAD bar for 2013-03-01 (line 2 has one)",
    ),
    (
        "Date,Open,High,Low,Close,Volume\n2013-03-01,1,2,1,2,5\n2013-03-04 09:30,1,2,1,2,5\n",
        "line 3: 2013-03-04 09:30:00-05:00 mixes bar kinds: line 2 is daily",
    ),
    (
        "Date,Open,High,Low,Close,Volume\n2013-03-01 03:00,1,2,1,2,5\n2013-03-01 03:01,1,2,1,2,5\n",
        "line 2: 03:00 New York is outside 04:00-20:00",
    ),
    ("Date,Open,High,Low,Close,Volume\n2013-03-01 10:00,1,2,1,2,5\n", "line 2: one intraday bar"),
    ("Date,Open,High,Low,Close,Volume,Symbol\n2013-03-01,1,2,1,2,5,a b\n", "line 2: Symbol 'A B'"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_bad_file_names_the_file_the_line_and_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(ReplayDataError) as caught:
        read_replay_files(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_files_that_cannot_be_used_at_all(tmp_path: Path) -> None:
    with pytest.raises(ReplayDataError, match="no such file"):
        read_replay_files(tmp_path / "missing.csv")
    with pytest.raises(ReplayDataError, match=r"holds no \.csv"):
        read_replay_files(tmp_path)
    (tmp_path / "latin.csv").write_bytes(b"Date,Open,High,Low,Close,Volume\n\xff\n")
    with pytest.raises(ReplayDataError, match=r"latin\.csv: not UTF-8 text"):
        read_replay_files(tmp_path / "latin.csv")
    (tmp_path / "broken.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(ReplayDataError, match=r"broken.csv.gz: cannot be read"):
        read_replay_files(tmp_path / "broken.csv.gz")
    name = write(tmp_path, "my prices.csv", "Date,Open,High,Low,Close,Volume\n")
    with pytest.raises(ReplayDataError, match="line 1: no Symbol column, and the file name"):
        read_replay_files(name)
