#!/usr/bin/env bash
# The main job on a fresh machine, offline, no credentials: sets up (apt +
# npm, idempotent), builds, makes the sample song, turns it into a music
# video with `miri produce`, then serves the dashboard over the result.
#   scripts/demo.sh [SONG LYRICS]      (default: the generated sample song)
# Output: out/demo/miri.mp4 (+ .otio .fcpxml .edl); dashboard on
# http://127.0.0.1:${PORT:-8080}/ until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Only what the main job needs (the `miri` binary and the web app); the
# test binaries are built by scripts/test.sh.
bash scripts/build.sh miri
if [ -f web/package.json ]; then npm --prefix web run build --silent >/dev/null; fi

MIRI=build/src/app/miri
out=out/demo
song="${1:-}" lyrics="${2:-}"
if [ -z "$song" ]; then
  bash scripts/make-sample.sh "$out/sample" --seconds 30 >/dev/null
  song="$out/sample/rain-song.mp3" lyrics="$out/sample/rain-song.lrc"
fi
rm -rf "$out/data"
"$MIRI" produce "$song" --lyrics "$lyrics" -o "$out/miri.mp4" --data "$out/data" \
  --name "Demo: $(basename "$song")"
echo
if [ "${MIRI_DEMO_NO_SERVE:-}" = 1 ]; then exit 0; fi
echo "Dashboard: http://127.0.0.1:${PORT:-8080}/  (Ctrl-C to stop)"
exec "$MIRI" serve --port "${PORT:-8080}" --data "$out/data"
