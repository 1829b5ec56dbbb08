"""Benchmarks of the feed server against a naive socket.io 4 reference (docs/benchmarks.md)."""
