"""The replay source (`FEED_SOURCE=replay`): real historical bars, traded again.

files.py       a user's CSV files: read, validated (file and line in every error)
sampledata.py  the shipped default: bokeh-sampledata's daily stocks, with company names
synthesis.py   the trades inside one real bar, rebuilding it exactly
timeline.py    the replayed clock: sessions at the chosen speed, closed hours quickly
source.py      `ReplaySource`: the past to `on_history`, then the replayed days live
"""
