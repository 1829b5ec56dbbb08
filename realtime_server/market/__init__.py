"""The market engine: turns raw ticks into the values channels publish."""
