"""The fault suite: the real feed server and app attacked or broken the way a hostile client,
a flaky network or a dying process would, each case bounded in time, on free ports, with every
process and socket it made cleaned up, pass or fail. Each case names the defect of
docs/reliability.md it guards against."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.raw_feed import RawFeed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.path)).is_relative_to(here):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
async def feeds() -> AsyncIterator[list[RawFeed]]:
    """Raw connections opened by a case, aborted at its end whatever happened."""
    opened: list[RawFeed] = []
    yield opened
    for feed in opened:
        feed.close()
