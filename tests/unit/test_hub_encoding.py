"""Updates encoded once and joined into batches (`realtime_server.hub.encoding`)."""

from __future__ import annotations

import json

from realtime_server.hub.encoding import encode_batch, encode_update
from realtime_server.protocol import Batch


def test_a_joined_batch_is_the_protocols_batch() -> None:
    quote = {
        "symbol": "AAPL", "last": 229.87, "bid": 229.86, "ask": 229.88, "bid_size": 300,
        "ask_size": 500, "open": 228.0, "high": 230.1, "low": 227.5, "prev_close": 228.5,
        "change": 1.37, "change_pct": 0.5996, "volume": 1234567, "vwap": 229.1,
        "ts": 1796116082230,
    }  # fmt: skip
    news = {
        "id": "n1", "ts": 1796116082000, "headline": "Apple \u2191 \"4%\"", "body": "",
        "symbols": ["AAPL"], "sectors": ["Technology"], "sentiment": "positive",
        "source": "sim",
    }  # fmt: skip
    raw = encode_batch(
        1796116082300, [encode_update("price:AAPL", 7, quote), encode_update("news", 2, news)]
    )
    batch = Batch.model_validate_json(raw)
    assert batch.server_ts == 1796116082300
    assert [(u.channel, u.seq) for u in batch.updates] == [("price:AAPL", 7), ("news", 2)]
    assert json.loads(raw)["updates"][0]["data"] == quote
    assert json.loads(raw)["updates"][1]["data"]["headline"] == 'Apple \u2191 "4%"'


def test_an_empty_batch_is_valid_json() -> None:
    assert json.loads(encode_batch(5, [])) == {"server_ts": 5, "updates": []}
