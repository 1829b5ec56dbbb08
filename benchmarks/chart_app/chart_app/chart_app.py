"""The chart benchmark's app: the same bar stream drawn two ways, one page each."""

import reflex as rx

from chart_app import incremental, whole

app = rx.App(stylesheets=["/chart.css"])
app.add_page(incremental.page, route="/incremental", on_load=incremental.IncrementalState.run)
app.add_page(whole.page, route="/whole", on_load=whole.WholeState.run)
