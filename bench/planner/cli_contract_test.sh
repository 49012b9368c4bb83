#!/usr/bin/env bash
# Contract test of `miri plan SONG --lyrics FILE [--json]` (issue 3): the
# JSON shape scripts depend on, the table, a refusal, and the Gemini route
# against the loopback emulator with a broken plan that gets repaired.
# Usage: cli_contract_test.sh PATH/TO/miri
set -euo pipefail
miri="${1:?usage: cli_contract_test.sh MIRI}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
emu_pid=""
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
bash "$root/scripts/make-sample.sh" "$work" >/dev/null 2>&1

check_plan() {  # file.json -> validates the contract and the tiling
  node -e '
    const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const fail = (m) => { console.error("contract: " + m); process.exit(1); };
    for (const k of ["durationMs", "tempoBpm", "beatsMs", "scenes", "shots"]) if (!(k in p)) fail("missing " + k);
    if (!p.beatsMs.every(Number.isInteger)) fail("beatsMs must be integers");
    for (const s of p.scenes) for (const k of ["sceneId", "startMs", "endMs", "label"]) if (!(k in s)) fail("scene lacks " + k);
    let at = 0;
    for (const s of p.shots) {
      for (const k of ["shotId", "sceneId", "timestamps", "lyricsSnippet", "status", "versions", "description"])
        if (!(k in s)) fail("shot lacks " + k);
      if (s.timestamps.startMs !== at) fail("gap/overlap at " + s.shotId);
      const d = s.timestamps.endMs - s.timestamps.startMs;
      if (d < 2000 || d > 10000) fail(s.shotId + " lasts " + d);
      at = s.timestamps.endMs;
    }
    if (at !== p.durationMs) fail("shots end at " + at + ", song at " + p.durationMs);
    console.log(process.argv[2] + ": " + p.scenes.length + " scenes, " + p.shots.length + " shots, " + p.tempoBpm + " BPM");
  ' "$1" "$2"
}

"$miri" plan "$work/rain-song.mp3" --lyrics "$work/rain-song.lrc" --json >"$work/plan.json"
[ "$(wc -l <"$work/plan.json")" -eq 1 ] || { echo "--json must print one line"; exit 1; }
check_plan "$work/plan.json" "local LRC"
"$miri" plan "$work/rain-song.mp3" --lyrics "$work/rain-song.txt" --json >"$work/plain.json"
check_plan "$work/plain.json" "local plain"
"$miri" plan "$work/rain-song.mp3" --lyrics "$work/rain-song.lrc" | grep -q "shot-001" || { echo "table lacks shots"; exit 1; }

echo "not audio" >"$work/fake.mp3"
if "$miri" plan "$work/fake.mp3" --lyrics "$work/rain-song.lrc" 2>"$work/err.txt"; then
  echo "a text file was accepted as a song"; exit 1
fi
grep -q "not audio" "$work/err.txt" || { echo "unclear refusal: $(cat "$work/err.txt")"; exit 1; }

# Gemini route through the emulator, with a broken plan to repair.
node "$root/tests/fixtures/gemini_emulator/server.mjs" --api-key test-key >"$work/emu.out" </dev/null &
emu_pid=$!
for _ in $(seq 50); do grep -q port "$work/emu.out" 2>/dev/null && break; sleep 0.1; done
port=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).port)' "$work/emu.out")
broken='{"scenes":[{"sceneId":"s1","label":"verse","startMs":0,"endMs":70000}],"shots":[{"shotId":"b","sceneId":"s1","startMs":20000,"endMs":45000,"lyricsSnippet":"","description":"x"},{"shotId":"a","sceneId":"s1","startMs":500,"endMs":21000,"lyricsSnippet":"","description":"y"}]}'
node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({text: process.argv[2]})}).then(r => process.exit(r.ok ? 0 : 1))' \
  "http://127.0.0.1:$port/_emulator/responses" "$broken"
GEMINI_API_KEY=test-key "$miri" plan "$work/rain-song.mp3" --lyrics "$work/rain-song.lrc" --json \
  --director gemini --gemini-url "http://127.0.0.1:$port" >"$work/gemini.json"
check_plan "$work/gemini.json" "gemini (repaired)"
grep -q PLAN_REPAIRED "$work/gemini.json" || { echo "repairs not logged"; exit 1; }
echo "PASS"
