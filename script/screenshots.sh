#!/usr/bin/env bash
# Refreshes the README's pictures in docs/screenshots/ from the live production app.
#
#   ./script/screenshots.sh       then look at them and commit docs/screenshots/
#
# Runs the screenshot test (tests/browser/test_screenshots.py) with its output pointed at
# docs/screenshots/; the suite itself writes them to a temporary folder. Extra arguments are
# passed to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MARKETPULSE_SCREENSHOTS_DIR="$ROOT/docs/screenshots"
exec "$ROOT/script/test.sh" tests/browser/test_screenshots.py "$@"
