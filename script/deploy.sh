#!/usr/bin/env bash
# Starts MarketPulse: the feed server (embedded simulator) and the Reflex app (SQLite).
#
#   ./script/deploy.sh dev          hot-reloading development servers
#   ./script/deploy.sh production   the production build (reflex run --env prod, one port)
#
# Installs what is missing first (script/setup.sh), prints the URL, and stops both programs
# on Ctrl-C. Ports: FEED_PORT (8765), MARKETPULSE_PORT (3000), MARKETPULSE_BACKEND_PORT (8000,
# dev only). Every other setting is read from the environment (see the README's table).
#
# The app is supervised: when it exits (a crash, an OOM kill) it is reported and started again
# after a short pause, while the feed server runs on. An app that keeps exiting soon after
# each start is reported and left down (the feed server still runs until Ctrl-C).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/script/setup.sh"

MODE="${1:-dev}"
case "$MODE" in
  dev | production) ;;
  *) echo "usage: $0 dev|production" >&2; exit 2 ;;
esac

main
export REFLEX_USE_SYSTEM_BUN=1 REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0
export FEED_HOST="${FEED_HOST:-127.0.0.1}" FEED_PORT="${FEED_PORT:-8765}"
export MARKETPULSE_FEED_URL="${MARKETPULSE_FEED_URL:-http://$FEED_HOST:$FEED_PORT}"
# Every browser tab's feed connection comes from the app's address. Admit it as the app's (no
# per-IP attempt rate; FEED_MAX_CONNECTIONS_PER_APP_ADDRESS connections) rather than as one
# client, whose caps (FEED_MAX_CONNECTIONS_PER_IP, 100) a single office would reach. The app
# runs on this host; set FEED_APP_ADDRESSES to its address if it runs elsewhere.
export FEED_APP_ADDRESSES="${FEED_APP_ADDRESSES:-[\"127.0.0.1/32\", \"::1/128\"]}"
APP_PORT="${MARKETPULSE_PORT:-3000}"
BACKEND_PORT="${MARKETPULSE_BACKEND_PORT:-8000}"
URL="http://localhost:$APP_PORT"
mkdir -p "$ROOT/logs"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$FEED_PORT" "$APP_PORT" $([ "$MODE" = dev ] && echo "$BACKEND_PORT"); do
  if port_busy "$port"; then
    echo "port $port is already in use; stop what holds it or choose another (see README)" >&2
    exit 1
  fi
done

wait_http() { # url seconds [pid: give up as soon as it has exited]
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
    sleep 0.5
  done
}

FEED_PID=""
APP_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$APP_PID" ] && kill -TERM -- "-$APP_PID" 2>/dev/null || true
  [ -n "$FEED_PID" ] && kill -TERM -- "-$FEED_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  log "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The app signs each user's feed token with a private key; the feed server verifies it with the
# public one. Unless a key is configured, use the development pair (made once, kept in var/).
KEY_FILE="${MARKETPULSE_JWT_PRIVATE_KEY_FILE:-var/keys/feed_ed25519.pem}"
export MARKETPULSE_JWT_PRIVATE_KEY_FILE="$KEY_FILE"
if [ -z "${FEED_JWT_PUBLIC_KEY_FILE:-}${FEED_JWT_PUBLIC_KEY:-}${FEED_JWT_SECRET:-}" ]; then
  if [ ! -f "$KEY_FILE" ]; then
    log "generating a development key pair in $(dirname "$KEY_FILE")"
    .venv/bin/python -m realtime_server keygen --out "$(dirname "$KEY_FILE")" >/dev/null
  fi
  export FEED_JWT_PUBLIC_KEY_FILE="$(dirname "$KEY_FILE")/feed_ed25519.pub.pem"
fi

log "migrating the app database (reflex db migrate)"
.venv/bin/reflex db migrate >"$ROOT/logs/db-migrate.log" 2>&1 || {
  echo "the database migration failed; see logs/db-migrate.log" >&2
  exit 1
}

log "starting the feed server on $FEED_HOST:$FEED_PORT (log: logs/feed-server.log)"
FEED_LOG_FILE="${FEED_LOG_FILE:-$ROOT/logs/feed-server.log}" setsid .venv/bin/python -m realtime_server >>"$ROOT/logs/feed-server.log" 2>&1 &
FEED_PID=$!
# Ready once every symbol has a quote. A live source that cannot reach its exchange (no
# network) is not: /readyz then gives its reason, and the app starts anyway to show it.
READYZ="http://$FEED_HOST:$FEED_PORT/readyz"
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null "$READYZ" 2>/dev/null; do
  why=$(curl -sS "$READYZ" 2>/dev/null | sed -n 's/.*"reasons":{"source_ok":"\([^"]*\)".*/\1/p' || true)
  if [ -n "$why" ]; then
    log "the feed server runs; its source is not ready yet: $why (the app shows it)"
    break
  fi
  if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$FEED_PID" 2>/dev/null; then
    echo "the feed server did not become ready; see logs/feed-server.log" >&2
    exit 1
  fi
  sleep 0.5
done

APP_RESTART_PAUSE_S=2
APP_QUICK_EXIT_S=60 # an exit this soon after its start counts towards giving up
APP_QUICK_EXITS=5   # ... after this many in a row
APP_STARTED=0

start_app() { # in a session of its own, so that it is stopped (or reaped) as a whole
  if [ "$MODE" = production ]; then
    log "building and starting the production app (first build takes a minute or two)"
    setsid .venv/bin/reflex run --env prod --single-port --frontend-port "$APP_PORT" \
      --loglevel warning &
  else
    log "starting the development app"
    # Reload the backend on code changes only: the feed server's data (var/) and the app's
    # SQLite journal change while it runs, and a reload then would cut requests short.
    export REFLEX_HOT_RELOAD_OVERRIDE_PATHS="${REFLEX_HOT_RELOAD_OVERRIDE_PATHS:-$ROOT/marketpulse:$ROOT/realtime_server}"
    setsid .venv/bin/reflex run --env dev --frontend-port "$APP_PORT" \
      --backend-port "$BACKEND_PORT" --loglevel warning &
  fi
  APP_PID=$!
  APP_STARTED=$SECONDS
}

start_app
if wait_http "$URL" 600 "$APP_PID"; then
  log "MarketPulse is running at $URL  (Ctrl-C stops it)"
elif kill -0 "$APP_PID" 2>/dev/null; then
  echo "the app did not come up within 10 minutes" >&2
  exit 1
fi # else it exited while starting: reported and started again below

quick_exits=0
while true; do
  status=0
  wait "$APP_PID" || status=$?
  kill -KILL -- "-$APP_PID" 2>/dev/null || true # what the dead app left behind (workers, bun)
  APP_PID=""
  if [ $((SECONDS - APP_STARTED)) -lt "$APP_QUICK_EXIT_S" ]; then
    quick_exits=$((quick_exits + 1))
  else
    quick_exits=1
  fi
  if [ "$quick_exits" -ge "$APP_QUICK_EXITS" ]; then
    echo "the app exited (status $status), $quick_exits times in a row within ${APP_QUICK_EXIT_S}s" \
      "of its start: not starting it again. The feed server still runs on $FEED_HOST:$FEED_PORT" \
      "(Ctrl-C stops it)." >&2
    wait "$FEED_PID" || true
    exit 1
  fi
  log "the app exited (status $status); starting it again in ${APP_RESTART_PAUSE_S}s (the feed server runs on)"
  sleep "$APP_RESTART_PAUSE_S"
  start_app
done
