"""The chart benchmark's app: one synthetic bar stream, drawn incrementally and whole."""
