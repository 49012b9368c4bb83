#!/usr/bin/env bash
# CPU per webhook on the receiving instance, `miri serve` (real result path)
# vs the Node reference app (target: at most one third of Node's); also
# webhooks/s and webhook-to-client latency across two instances,
# start-to-first-200, idle RSS.
# Usage: bench/api/run.sh [BUILD_DIR]   (default: build)
#        MIRI_BIN=path/to/miri bench/api/run.sh   (that binary, no build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
if [ -z "${MIRI_BIN:-}" ]; then
  cmake --build "$build" --target miri >/dev/null
  MIRI_BIN="$build/src/app/miri"
fi
# The bench runs in its own process group (redis-server, two miri, two
# reference servers, wrk are its children there); whatever way this script
# ends, that group is stopped.
pgid=""
stop() {
  if [ -n "$pgid" ]; then kill -TERM -- "-$pgid" 2>/dev/null || true; fi
  pgid=""
}
trap stop EXIT
trap 'stop; exit 130' INT TERM
MIRI_BIN="$MIRI_BIN" setsid node "$root/bench/api/bench.mjs" &
pgid=$!
wait "$pgid"
