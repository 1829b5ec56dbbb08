"""Driving one tab's feed client from what the tab wants (no Reflex here).

`FeedPlan` is what the tab wants, read from its states in one short lock: credentials, symbols,
update rate. `FeedSession` owns the feed client and makes the live subscription match the plan
with network calls made outside any state lock; `announce` turns quotes into the spoken
summary of price moves.
"""

from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.subscription import FeedSession

__all__ = ["FeedPlan", "FeedSession", "SyncResult"]
