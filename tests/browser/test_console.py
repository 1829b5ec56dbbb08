"""No page of the session logged a console error or warning, threw, or failed a request."""

from __future__ import annotations

from tests.browser.conftest import ConsoleProblems


def test_no_console_problems_in_session(console_problems: ConsoleProblems, live_page) -> None:
    # `live_page` makes sure at least one page ran even when this test runs alone.
    assert console_problems.entries == []
