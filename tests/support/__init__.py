"""Helpers shared by the integration and browser suites."""
