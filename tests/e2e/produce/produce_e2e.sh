#!/usr/bin/env bash
# End to end, offline: a 30 s sample song -> `miri produce` -> an MP4 whose
# frame count and duration match the song, every shot COMPLETED, the
# project RENDERED, and an event log whose fold equals the stored
# projection. Usage: produce_e2e.sh MIRI_BIN
set -euo pipefail
miri="${1:?usage: produce_e2e.sh MIRI_BIN}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bash "$root/scripts/make-sample.sh" "$work/sample" --seconds 30 >/dev/null
timeout 600 "$miri" produce "$work/sample/rain-song.mp3" \
  --lyrics "$work/sample/rain-song.lrc" -o "$work/out.mp4" \
  --data "$work/data" --size 320x180 --fps 24 >"$work/log" 2>&1 || {
  cat "$work/log"; exit 1; }

fail() { echo "FAIL: $*"; cat "$work/log"; exit 1; }
probe() { ffprobe -v error -select_streams "$1" -show_entries "$2" -of csv=p=0 "$3"; }

frames=$(probe v:0 stream=nb_frames "$work/out.mp4")
# The song's length as decoded (encoder delay and padding removed), the
# length the render must match.
song_ms=$(ffmpeg -v error -i "$work/sample/rain-song.mp3" -f s16le -ac 1 -ar 48000 - |
  wc -c | awk '{printf "%d", $1 / 96 + 0.5}')
want=$(( (song_ms * 24 + 500) / 1000 ))
[ "$frames" = "$want" ] || fail "frames $frames, want $want for a ${song_ms} ms song"
video_ms=$(probe v:0 stream=duration "$work/out.mp4" | awk '{printf "%d", $1 * 1000}')
diff=$(( video_ms > song_ms ? video_ms - song_ms : song_ms - video_ms ))
[ "$diff" -le 42 ] || fail "video ${video_ms} ms vs song ${song_ms} ms (more than a frame)"
[ "$(probe a:0 stream=codec_name "$work/out.mp4")" = "mp3" ] || fail "no original audio"
for ext in otio fcpxml edl; do [ -s "$work/out.$ext" ] || fail "no $ext export"; done

db="$work/data/miri.db"
not_done=$(sqlite3 "$db" "SELECT count(*) FROM shots WHERE status IS NOT 'COMPLETED'")
[ "$not_done" = 0 ] || fail "$not_done shots not COMPLETED"
[ "$(sqlite3 "$db" "SELECT status FROM projects")" = "RENDERED" ] || fail "project not RENDERED"
# The fold of the log (last 'to' per shot, in seq order) equals the stored
# projection for every shot.
mismatch=$(sqlite3 "$db" "
  SELECT count(*) FROM shots s WHERE s.status IS NOT (
    SELECT json_extract(e.doc, '$.to') FROM events e
    WHERE e.project_id = s.project_id AND e.shot_id = s.shot_id
    ORDER BY e.seq DESC LIMIT 1)")
[ "$mismatch" = 0 ] || fail "$mismatch projections differ from the event log"
shots=$(sqlite3 "$db" "SELECT count(*) FROM shots")
# References (issue 16 item 7): each scene's anchor is approved before the
# rest of its scene is drawn, so every other shot's image carries at least
# one approved image as a reference.
scenes=$(sqlite3 "$db" "SELECT count(*) FROM scenes")
with_refs=$(sqlite3 "$db" "
  SELECT count(DISTINCT shot_id) FROM versions
  WHERE json_extract(doc, '$.kind') = 'IMAGE'
    AND json_array_length(json_extract(doc, '$.references')) > 0")
[ "$with_refs" -ge $(( shots - scenes )) ] ||
  fail "$with_refs of $shots shots drawn with references, want at least $(( shots - scenes )) ($scenes scenes)"
echo "produce e2e: $shots shots COMPLETED ($with_refs with references, $scenes scenes), $frames frames (${video_ms} ms video, ${song_ms} ms song), log fold = projection"
