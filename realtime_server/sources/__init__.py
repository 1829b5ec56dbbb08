"""Market data sources: everything that produces ticks for the market engine."""
