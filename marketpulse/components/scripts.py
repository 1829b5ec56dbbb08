"""`client_script(js, *vars_used)`: an event that runs a JavaScript expression in the browser.

For the small focus moves that keep keyboard users in place (Radix cannot know where focus
should go when the element that opened a dialog, or the row being deleted, is not its own).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec
from reflex_base.vars import VarData


def client_script(js: str, *vars_used: rx.Var) -> EventSpec:
    """A client-side event running `js`, an expression that may embed `vars_used`."""
    var_data = VarData.merge(*(var._get_all_var_data() for var in vars_used))
    return rx.run_script(rx.Var(_js_expr=js, _var_data=var_data))
