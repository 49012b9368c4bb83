#!/usr/bin/env bash
# Synthesises the demo song from samples/rain-song.lrc: a click track at a
# known tempo, chord pads per section, the lyric lines spoken by espeak-ng
# at their LRC times; encodes it to MP3. Nothing third-party, nothing
# committed: output goes to OUTDIR.
#
# Usage: scripts/make-sample.sh OUTDIR [--bpm 120] [--seconds 60]
#                                      [--lrc FILE] [--hats]
# Writes OUTDIR/rain-song.{mp3,lrc,txt} and OUTDIR/truth.json
# ({"bpm":..,"durationMs":..,"beatsMs":[..]}). With --seconds beyond the
# lyrics, the section pattern repeats (for benchmarks). --hats adds quiet
# off-beat hi-hats in choruses (a harder case for beat phase).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: make-sample.sh OUTDIR [--bpm N] [--seconds S]}"
shift
bpm=120 seconds=60 lrc="$root/samples/rain-song.lrc" hats=0
while (($#)); do
  case "$1" in
    --bpm) bpm="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --lrc) lrc="$2"; shift 2 ;;
    --hats) hats=1; shift ;;
    *) echo "make-sample.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in sox espeak-ng ffmpeg; do
  command -v "$tool" >/dev/null || { echo "make-sample.sh: $tool is missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
done
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sr=44100
period=$(( (sr * 60 + bpm / 2) / bpm ))      # samples per beat
nbeats=$(( (seconds * sr + period - 1) / period ))
total=$(( seconds * sr ))

# One beat: a kick (pitch sweep) with a short tick on top, padded to the period.
sox -n -r $sr -c 1 "$work/kick.wav" synth 0.12 sine 150:45 fade q 0.002 0.12 0.1
sox -n -r $sr -c 1 "$work/tick.wav" synth 0.02 sine 2000 fade q 0.001 0.02 0.015 vol 0.3
sox -m -v 1 "$work/kick.wav" -v 1 "$work/tick.wav" "$work/beat.wav"
sox -r $sr -c 1 -n "$work/sil.wav" trim 0 "${period}s"
sox -m -v 1 "$work/beat.wav" -v 1 "$work/sil.wav" "$work/beatseg.wav"
sox "$work/beatseg.wav" "$work/clicks.wav" repeat $((nbeats - 1)) trim 0 "${total}s"

# Off-beat hats (optional), quiet noise bursts half a beat late.
sox -n -r $sr -c 1 "$work/hat.wav" synth 0.03 whitenoise vol 0.5 highpass 6000 fade q 0.001 0.03 0.02 vol 0.5
sox "$work/hat.wav" "$work/hatd.wav" delay "$((period / 2))s"
sox -m -v 1 "$work/hatd.wav" -v 1 "$work/sil.wav" "$work/hatseg.wav" trim 0 "${period}s"
sox "$work/hatseg.wav" "$work/hats.wav" repeat $((nbeats - 1)) trim 0 "${total}s"

# Chord pads: one file per section of the 60 s pattern, repeated to length.
pad() {  # name seconds volume wave f1 f2 f3
  sox -r $sr -c 3 -n "$work/$1.wav" synth "$2" "$4" "$5" "$4" "$6" "$4" "$7" \
    remix - fade q 0.05 "$2" 0.05 vol "$3"
}
pad intro 8 0.10 sine 220 261.63 329.63
pad verse 16 0.22 sine 220 261.63 329.63
pad chorus 16 0.40 sawtooth 261.63 329.63 392
pad instr 8 0.30 square 196 246.94 293.66
pad chorus2 8 0.40 sawtooth 261.63 329.63 392
pad outro 4 0.08 sine 220 261.63 329.63
sox "$work"/{intro,verse,chorus,instr,chorus2,outro}.wav "$work/pattern.wav"
reps=$(( (seconds + 59) / 60 ))
sox "$work/pattern.wav" "$work/pads.wav" repeat $((reps - 1)) trim 0 "${total}s"
if ((hats)); then hatmix=(-v 1 "$work/hats.wav"); else hatmix=(); fi

# Voice: each LRC line spoken once, placed at each of its time tags.
voices=()
n=0
while IFS= read -r line; do
  line="${line%$'\r'}"
  [[ "$line" =~ ^(\[[0-9]+:[0-9]+(\.[0-9]+)?\])+ ]] || continue
  tags="${BASH_REMATCH[0]}"
  text="${line#"$tags"}"
  [ -n "$text" ] || continue
  n=$((n + 1))
  espeak-ng -v en -s 150 -w "$work/say$n.wav" "$text"
  sox "$work/say$n.wav" -r $sr -c 1 "$work/sayr$n.wav"
  for tag in $(grep -o '[0-9]*:[0-9.]*' <<<"$tags"); do
    t=$(awk -F: '{printf "%.3f", $1 * 60 + $2}' <<<"$tag")
    if awk -v t="$t" -v s="$seconds" 'BEGIN{exit !(t < s)}'; then
      sox "$work/sayr$n.wav" "$work/v$n-$t.wav" pad "$t" 0
      voices+=(-v 0.6 "$work/v$n-$t.wav")
    fi
  done
done <"$lrc"

sox -m -v 0.45 "$work/clicks.wav" -v 0.4 "$work/pads.wav" "${hatmix[@]}" "${voices[@]}" \
  -b 16 "$work/song.wav" trim 0 "${total}s" norm -1
ffmpeg -nostdin -loglevel error -y -i "$work/song.wav" -ac 2 -codec:a libmp3lame \
  -b:a 160k "$out/rain-song.mp3"
cp "$lrc" "$out/rain-song.lrc"
[ -f "$root/samples/rain-song.txt" ] && cp "$root/samples/rain-song.txt" "$out/rain-song.txt"

awk -v p="$period" -v sr=$sr -v n="$nbeats" -v bpm="$bpm" -v total="$total" 'BEGIN {
  printf "{\"bpm\":%.4f,\"durationMs\":%d,\"beatsMs\":[", sr * 60 / p, total * 1000 / sr
  # A beat counts when its click is audible: 100 ms before the end at least.
  for (i = 0; i < n && i * p + sr / 10 <= total; i++) printf "%s%.1f", (i ? "," : ""), i * p * 1000 / sr
  printf "]}\n" }' >"$out/truth.json"
echo "$out/rain-song.mp3"
