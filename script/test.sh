#!/usr/bin/env bash
# Runs the whole MarketPulse suite: lint, unit, integration, browser.
#
#   ./script/test.sh              everything: the tests that are not the app's on two workers,
#                                 then the app's builds and browser tests one at a time
#   ./script/test.sh tests/unit   any pytest arguments narrow the run (lint still runs)
#
# Installs what is missing first (script/setup.sh --test); idempotent and quick the second time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/script/setup.sh"
main --test

export REFLEX_USE_SYSTEM_BUN=1 REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0
export PYTHONDONTWRITEBYTECODE=1

log "ruff check"
.venv/bin/ruff check .
log "ruff format --check"
.venv/bin/ruff format --check .

log "mypy"
.venv/bin/mypy

log "bun test"
bun test ./tests/js

if [ "$#" -gt 0 ]; then
    log "pytest $*"
    exec .venv/bin/python -m pytest "$@"
fi
# Everything but the app's tests on two workers, then the app's alone (tests/conftest.py).
status=0
log "pytest: feed server, client and faults (two workers)"
.venv/bin/python -m pytest -m "not app" -n 2 --dist loadgroup || status=$?
log "pytest: the app's builds and browsers (one at a time)"
.venv/bin/python -m pytest -m app || status=$?
exit "$status"
