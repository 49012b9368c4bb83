#!/usr/bin/env bash
# Embedded image checker (issue 18 item 4): N storyboard frames (1344x768
# PNG, the local ImageGenerator's drawings), then the same frames with grain
# (PNGs of a generated image's weight, ~1.3 MB), checked one after another
# by the NsfwjsImageAuditor (nsfwjs MobileNetV2 in the Node checker
# process, tfjs wasm); prints the start-up time, ms per image (median, p95,
# max) and whether both medians meet the target (<= 250 ms, PASS/FAIL).
# Usage: bench/image_check/run.sh [BUILD_DIR] [N=40] [BACKEND=wasm|cpu]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target bench_image_check >/dev/null
"$build/bench/image_check/bench_image_check" "$root/tools/image-check/server.mjs" \
  "${2:-40}" "${3:-wasm}"
