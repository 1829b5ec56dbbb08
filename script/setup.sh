#!/usr/bin/env bash
# Installs whatever is missing for MarketPulse, and nothing that is already there.
#
#   script/setup.sh            Python virtualenv + locked deps, bun (from the npm registry)
#   script/setup.sh --test     the above, plus Chromium and redis-server (Debian packages),
#                              the benchmark harness's packages and the tests' npm packages
#
# Idempotent: each step checks first, so a second run takes a couple of seconds.
# Sourced by deploy.sh and test.sh; safe to run on its own.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3.11}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

ensure_python_env() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv in .venv"
    "$PYTHON_BIN" -m venv "$VENV"
  fi
  local stamp="$VENV/.marketpulse-installed" want
  want="$(cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing Python dependencies from requirements.lock"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.lock"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
    echo "$want" > "$stamp"
  fi
}

ensure_bun() {
  if ! command -v bun >/dev/null 2>&1 || ! bun --version >/dev/null 2>&1; then
    log "installing bun from the npm registry"
    npm install --global --allow-scripts=bun bun >/dev/null 2>&1 || npm install --global bun
  fi
}

apt_install() {
  local missing=("$@")
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_test_tools() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  apt_install "${missing[@]}"
  ensure_benchmark_packages
  ensure_interop_packages
}

# matplotlib, psutil and py-spy: the suite runs the benchmark harness at a tiny size.
ensure_benchmark_packages() {
  local stamp="$VENV/.marketpulse-benchmarks-installed" want
  want="$(sha256sum "$ROOT/benchmarks/requirements.txt" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing benchmark packages from benchmarks/requirements.txt"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/benchmarks/requirements.txt"
    echo "$want" > "$stamp"
  fi
}

# The official socket.io-client (interoperability test) and axe-core (browser suite), in tests/interop.
ensure_interop_packages() {
  local dir="$ROOT/tests/interop" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$dir/node_modules/.lock-sha256" 2>/dev/null)" != "$want" ]; then
    log "installing tests/interop npm packages (socket.io-client, axe-core)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$dir/node_modules/.lock-sha256"
  fi
}

main() {
  ensure_python_env
  ensure_bun
  if [ "${1:-}" = "--test" ]; then
    ensure_test_tools
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
