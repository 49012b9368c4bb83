#!/usr/bin/env bash
# `miri render --project` on the embedded store with a clip missing from the
# blob store: exit 1 naming the shot, the project FAILED with the error as
# its cause, no MP4; a second run refuses the FAILED project and says how to
# try again. Usage: render_failure_e2e.sh MIRI_BIN RENDER_SEED_BIN
set -euo pipefail
miri="${1:?usage: render_failure_e2e.sh MIRI_BIN RENDER_SEED_BIN}"
seed="${2:?usage: render_failure_e2e.sh MIRI_BIN RENDER_SEED_BIN}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
# Only the embedded defaults: no cloud variables from the caller.
run() { env -i PATH="$PATH" HOME="$work" "$@"; }

ffmpeg -loglevel error -f lavfi -i sine=frequency=440:duration=8 -c:a libmp3lame song.mp3
for c in red blue; do
  ffmpeg -loglevel error -f lavfi -i "color=c=$c:s=160x90:r=12:d=4" -c:v libx264 \
    -pix_fmt yuv420p "$c.mp4"
done
id=$(run "$seed" data song.mp3 red.mp4 blue.mp4)
rm "data/blobs/projects/$id/shots/s-1/v1.mp4"

set +e
run "$miri" render --project "$id" --data data --size 160x90 --fps 12 \
  --preset ultrafast --quiet 2>err
code=$?
set -e
[ "$code" = 1 ] || fail "exit $code, want 1"
grep -q 'shot "s-1"' err || fail "the error does not name the shot: $(cat err)"
[ "$(run "$seed" --status data "$id")" = FAILED ] || fail "project not FAILED"
cause=$(sqlite3 data/miri.db "SELECT json_extract(doc, '$.cause') FROM events
  WHERE json_extract(doc, '$.to') = 'FAILED' AND json_extract(doc, '$.from') = 'FINAL_RENDER'")
case "$cause" in *'shot "s-1"'*) ;; *) fail "cause '$cause' does not name the shot" ;; esac
[ ! -e "data/renders/$id.mp4" ] || fail "an MP4 under the final name"
[ ! -e "data/blobs/projects/$id/render/output.mp4" ] || fail "a render in the blob store"

set +e
run "$miri" render --project "$id" --data data --quiet 2>err
code=$?
set -e
[ "$code" = 1 ] || fail "second run: exit $code, want 1"
grep -q 'is FAILED; to try a failed render again' err || fail "second run: $(cat err)"
[ "$(sqlite3 data/miri.db "SELECT count(*) FROM events WHERE json_extract(doc, '$.to') = 'FAILED'")" = 1 ] ||
  fail "the failure was recorded more than once"
echo "render failure e2e: exit 1, project FAILED: $cause"
