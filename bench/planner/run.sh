#!/usr/bin/env bash
# Wall time to plan a 4-minute song with the local Director (target < 2 s on
# the 2-core machine). The song is synthesised by scripts/make-sample.sh;
# its LRC repeats the sample's lyrics every minute.
# Usage: bench/planner/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target bench_planner >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for m in 0 1 2 3; do
  awk -v m="$m" 'match($0, /^(\[[0-9]+:[0-9.]+\])+/) {
    tags = substr($0, 1, RLENGTH); text = substr($0, RLENGTH + 1); out = ""
    while (match(tags, /[0-9]+:[0-9.]+/)) {
      split(substr(tags, RSTART, RLENGTH), p, ":")
      t = p[1] * 60 + p[2] + m * 60
      out = out sprintf("[%02d:%05.2f]", int(t / 60), t - int(t / 60) * 60)
      tags = substr(tags, RSTART + RLENGTH)
    }
    print out text }' "$root/samples/rain-song.lrc"
done >"$work/song4.lrc"
bash "$root/scripts/make-sample.sh" "$work" --seconds 240 --lrc "$work/song4.lrc" >/dev/null 2>&1
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
echo "4-minute song, $(grep -c '^\[' "$work/song4.lrc") LRC lines"
"$build/bench/planner/bench_planner" "$work/rain-song.mp3" "$work/song4.lrc" 3
if [ -x "$build/src/app/miri" ]; then
  start=$(date +%s%N)
  "$build/src/app/miri" plan "$work/rain-song.mp3" --lyrics "$work/song4.lrc" --json >/dev/null
  echo "miri plan --json, whole process: $(( ($(date +%s%N) - start) / 1000000 )) ms"
fi
