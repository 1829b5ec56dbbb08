"""The fault suite: the real feed server and app attacked or broken the way a hostile client,
a flaky network or a dying process would, each case bounded in time, on free ports, with every
process and socket it made cleaned up, pass or fail. Each case names the defect of
docs/reliability.md it guards against."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.path)).is_relative_to(here):
            item.add_marker(pytest.mark.faults)
