#!/usr/bin/env bash
# Webhooks/s and webhook-to-client latency across two `miri serve`
# instances vs the Node reference app; start-to-first-200; idle RSS.
# Usage: bench/api/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target miri >/dev/null
MIRI_BIN="$build/src/app/miri" node "$root/bench/api/bench.mjs"
