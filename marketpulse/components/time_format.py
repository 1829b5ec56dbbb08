"""`local_time(ts)`: a ms timestamp as `HH:MM:SS` in the browser's own time zone.

Formatted in the browser (a JavaScript expression), so each reader sees their local time and
the server never formats times for a time zone it does not know.
"""

from __future__ import annotations

from reflex.vars.base import CustomVarOperationReturn, var_operation, var_operation_return
from reflex.vars.number import NumberVar


@var_operation  # type: ignore[arg-type]  # mypy sees 3 of its overloads (a TypeVar splits them), none for str
def local_time(ts: NumberVar) -> CustomVarOperationReturn[str]:
    """`HH:MM:SS` in the browser's time zone for a ms timestamp, or `—` for 0 (no value yet)."""
    return var_operation_return(
        js_expression=(
            f"({ts} > 0 ? new Date({ts}).toLocaleTimeString(undefined, "
            "{hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false}) : '—')"
        ),
        var_type=str,
    )
