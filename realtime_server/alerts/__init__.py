"""Durable, user-targeted price alerts, fired from ticks and delivered until acknowledged.

    engine.py    AlertEngine: active rules by symbol, evaluated in memory on every tick
    records.py   the two tables (alert_rules, fired_alerts) and their wire conversion
    store.py     AlertStore: synchronous persistence (SQLModel; SQLite in WAL mode by default)
    service.py   AlertService: the async request API, and `on_quote`, which persists each
                 firing before it publishes it

Wiring: `service = AlertService(AlertStore(url), book, book.quote, publish)`, then
`await service.start()`, `service.on_quote(quote)` per tick, `await service.stop()` at shutdown.
"""

from realtime_server.alerts.engine import AlertEngine, describe
from realtime_server.alerts.service import DEFAULT_MAX_RULES_PER_USER, AlertService
from realtime_server.alerts.store import DEFAULT_URL, AlertStore, RuleLimitError

__all__ = [
    "DEFAULT_MAX_RULES_PER_USER",
    "DEFAULT_URL",
    "AlertEngine",
    "AlertService",
    "AlertStore",
    "RuleLimitError",
    "describe",
]
