"""MarketPulse, the Reflex app: live market prices from the feed server to the browser.

Layout: `feed/` is the pure-Python feed client (no Reflex), `state/` holds the Reflex states,
`components/` the pure rendering functions, `pages/` composes them, `marketpulse.py` is the app.
"""
