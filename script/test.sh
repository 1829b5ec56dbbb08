#!/usr/bin/env bash
# Runs the whole MarketPulse suite: lint, unit, integration, browser.
#
#   ./script/test.sh              everything
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

log "pytest"
exec .venv/bin/python -m pytest "$@"
