#!/usr/bin/env bash
# Refreshes the README's pictures in docs/screenshots/ from the live production app.
#
#   ./script/screenshots.sh       then look at them and commit docs/screenshots/
#
# Runs the screenshot tests (tests/browser/test_screenshots.py, and test_source_badge.py for
# the replay and live sources) with their output pointed at docs/screenshots/; the suite
# itself writes them to a temporary folder. Extra arguments are passed to pytest. Installs
# what is missing first, like test.sh, but runs no linter: a refresh does not wait on them. The check that a run leaves generated tracked files alone
# (tests/support/tracked_files.py) is off here: rewriting them is the point.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/script/setup.sh"
main --test

export MARKETPULSE_SCREENSHOTS_DIR="$ROOT/docs/screenshots"
exec .venv/bin/python -m pytest tests/browser/test_screenshots.py tests/browser/test_source_badge.py \
  -p no:tests.support.tracked_files "$@"
