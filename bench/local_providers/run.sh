#!/usr/bin/env bash
# Local providers benchmark (issue 6): 41 storyboard frames and 40
# five-second 1280x720 24 fps clips (frame i -> frame i+1 with camera moves)
# through the local ImageGenerator/VideoGenerator; prints the times and
# whether a 3-minute song's clips take less than 180 s.
# Usage: bench/local_providers/run.sh [BUILD_DIR] [N] [SECONDS] [WORKERS] [PRESET]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target bench_local_providers >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/bench/local_providers/bench_local_providers" "$work" "${2:-40}" "${3:-5}" "${4:-2}" "${5:-ultrafast}"
