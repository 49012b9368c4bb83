#!/usr/bin/env bash
# Pipeline makespan (issue 15): a 3-minute song (about 40 shots) through
# one `miri serve` on the cloud route, the provider emulators timed like the
# real services (images 6 s, 8 at once; clips 90 s, 8 at once; divided by
# BENCH_TIME_SCALE, default 8, so a run takes about a minute), with
# auto-approval, from the first generate to RENDERED. Prints the makespan,
# the lower bound the providers allow with perfect pipelining (a
# list-scheduling simulation of the actual shots plus the measured render),
# their ratio (target <= 1.10) and where the time went.
# Usage: bench/pipeline/run.sh [MIRI_BIN]   (default build/src/app/miri; run as a copy)
# Env: BENCH_TIME_SCALE (8), BENCH_SECONDS (song length, 180),
#      BENCH_TIMEOUT_S (600).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-${MIRI_BIN:-$root/build/src/app/miri}}"
seconds="${BENCH_SECONDS:-180}"
[ -x "$bin" ] || { echo "no miri binary at $bin (bash scripts/build.sh)" >&2; exit 1; }
for tool in node ffmpeg sox espeak-ng; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
done
work="$(mktemp -d "${TMPDIR:-/tmp}/miri-bench-pipeline.XXXXXX")"
node_pid=""
cleanup() {
  # Everything the bench started, by pid: node (emulators in-process) and
  # the miri it spawned (node stops it too; this covers node dying first).
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true
  if [ -f "$work/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The binary may be rebuilt while the bench runs: run a copy.
cp "$bin" "$work/miri"

# The song: the sample's lyrics every minute (as bench/planner does), sung
# by espeak-ng over a click track and pads (scripts/make-sample.sh).
minutes=$(( (seconds + 59) / 60 ))
for ((m = 0; m < minutes; m++)); do
  awk -v m="$m" 'match($0, /^(\[[0-9]+:[0-9.]+\])+/) {
    tags = substr($0, 1, RLENGTH); text = substr($0, RLENGTH + 1); out = ""
    while (match(tags, /[0-9]+:[0-9.]+/)) {
      split(substr(tags, RSTART, RLENGTH), p, ":")
      t = p[1] * 60 + p[2] + m * 60
      out = out sprintf("[%02d:%05.2f]", int(t / 60), t - int(t / 60) * 60)
      tags = substr(tags, RSTART + RLENGTH)
    }
    print out text }' "$root/samples/rain-song.lrc"
done >"$work/lyrics.lrc"
bash "$root/scripts/make-sample.sh" "$work/sample" --seconds "$seconds" \
  --lrc "$work/lyrics.lrc" >/dev/null 2>&1
mv "$work/sample/rain-song.mp3" "$work/song.mp3"
cp "$work/lyrics.lrc" "$work/song.lrc"

# The clip every Kling task returns: 10 s of 1280x720 at 24 fps (the
# longest a shot asks for), so the final render decodes real video.
ffmpeg -nostdin -hide_banner -v error -y -f lavfi -i "testsrc2=s=1280x720:r=24:d=10" \
  -c:v libx264 -preset veryfast -crf 28 -pix_fmt yuv420p "$work/clip.mp4"

MIRI_BIN="$work/miri" BENCH_WORK="$work" node "$root/bench/pipeline/bench.mjs" &
node_pid=$!
wait "$node_pid"
