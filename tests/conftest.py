"""Plugins for the whole suite, and which of its tests may run beside others.

Every test that builds and serves the app from this checkout (`reflex run --env prod` writes
`.web/`) or drives Chromium against it is marked `app`. `./script/test.sh` runs the others on
two pytest-xdist workers (`-m "not app" -n 2 --dist loadgroup`), each module in one group, so
that a module's feed server (a module fixture) starts once; then the `app` tests one after
another, alone on the machine: a browser waiting on a page that a second build slows down is
waiting on the machine, not on the product. The run fails if it leaves a generated tracked
file changed (`tests.support.tracked_files`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.support.tracked_files"]

TESTS = Path(__file__).parent
APP_MODULES = (
    "faults/test_accounts_sessions.py",
    "faults/test_app_deploy.py",
    "faults/test_app_dies.py",
)
"""Modules outside tests/browser/ that build or serve the app."""
APP_FIXTURES = frozenset({"chromium"})
"""Fixtures of other modules' tests that drive Chromium (the browser benchmarks' harness)."""


def is_app_test(item: pytest.Item) -> bool:
    module = Path(str(item.path)).relative_to(TESTS).as_posix()
    if module.startswith("browser/") or module in APP_MODULES:
        return True
    return not APP_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_app_test(item):
            item.add_marker(pytest.mark.app)
        else:
            item.add_marker(pytest.mark.xdist_group(str(item.path)))
