"""A pytest plugin: the run fails if it leaves a generated tracked file changed.

The files programs write — Reflex's frontend lock files (`reflex.lock/`), the README's
screenshots (`docs/screenshots/`), the benchmark results (`benchmarks/results/`) — are
committed, and the suite runs the very programs that write them (the app, the screenshot test,
the benchmarks). Their contents are hashed when the session starts and again when it ends; any
difference fails the run and names the files. (The benchmarks' tables in `docs/benchmarks.md`
sit among prose people edit; the harness tests check that file's digest around each benchmark.)

Why these paths and not every tracked file: the suite runs in a working tree people edit while
it runs (their own changes, or other engineers' in a shared tree), and an edit to a source file
during a run would fail it for nothing. Nobody edits these files by hand; only the commands
made to refresh them do (`./script/screenshots.sh` turns this plugin off with
`-p no:tests.support.tracked_files`; a benchmark run by hand in the same tree at the same time
would trip it, rightly naming what it rewrote). Under pytest-xdist only the controller checks:
its session starts before the workers' and ends after them.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ("reflex.lock", "docs/screenshots", "benchmarks/results")
"""Tracked paths (files or folders) that only programs write."""

_started: pytest.StashKey[dict[str, str | None]] = pytest.StashKey()
_changed: pytest.StashKey[list[str]] = pytest.StashKey()


def snapshot() -> dict[str, str | None]:
    """Tracked file under `GENERATED` -> sha256 of its contents (None: missing from disk)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", *GENERATED],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout.decode()
    return {name: _digest(ROOT / name) for name in listed.split("\0") if name}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller's session spans every worker's
    session.config.stash[_started] = snapshot()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Compare, and fail a run that passed otherwise (before the summary is written)."""
    before = session.config.stash.get(_started, None)
    if before is None:
        return
    after = snapshot()
    changed = sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
    session.config.stash[_changed] = changed
    if changed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    changed = config.stash.get(_changed, [])
    if changed:
        terminalreporter.section("generated tracked files changed by this run", red=True)
        for name in changed:
            terminalreporter.line(f"  {name}")
        terminalreporter.line(
            "A test must write such output to a temporary folder. reflex.lock/ changes when the"
            " app's frontend packages changed: commit what Reflex wrote."
        )
