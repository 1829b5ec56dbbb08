"""Plugins for the whole suite: the run fails if it leaves a generated tracked file changed."""

pytest_plugins = ["tests.support.tracked_files"]
