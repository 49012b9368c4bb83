// The director everywhere (issue 16 item 2), end to end with a Gemini key
// on the provider emulators' Gemini API: the dashboard's proposal route and
// `miri produce` are planned by the Gemini director (the emulator heard the
// song), and a Gemini plan that cannot tile the song falls back to the
// local director with the reason shown. Image and video stay on the local
// providers (no FAL_KEY or Kling keys); the image checks and the request
// check go to the same emulator.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { PROJECT_ID, TOKEN, api, projectBody, removeDir, startMiri, tempDir } from "./helpers.mjs";

const run = promisify(execFile);
const MODEL = "gemini-3.8-flash";
let dir, emu, miri, sample;

const geminiEnv = () => ({ GEMINI_API_KEY: "test-gemini-key", MIRI_GEMINI_BASE_URL: emu.bases.google,
                           MIRI_LOCAL_PROVIDERS: "" });

before(async () => {
  dir = tempDir("miri-e2e-gemini-director-");
  sample = path.join(dir, "sample");
  await run("bash", ["scripts/make-sample.sh", sample, "--seconds", "20"], { timeout: 60000 });
  emu = await startEmulators();
  miri = await startMiri({ dataDir: path.join(dir, "serve"), env: geminiEnv() });
});
after(async () => {
  await miri?.stop();
  await emu?.close();
  if (dir) removeDir(dir);
});

async function upload(pathname, type, bytes) {
  const res = await fetch(`${miri.url}/api/projects/${PROJECT_ID}/${pathname}`, {
    method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, "content-type": type }, body: bytes,
  });
  assert.equal(res.status, 200, await res.text());
}

test("the dashboard's proposal comes from the Gemini director, and falls back with the reason", async () => {
  const google = emu.states.google;
  const body = { ...projectBody(), agentConfigs: [
    { configId: "director", role: "DIRECTOR", modelString: MODEL, active: true, updatedAt: new Date().toISOString() }] };
  let r = await api(miri.url, "POST", "/api/projects", body);
  assert.equal(r.status, 201, r.text);
  await upload("song", "audio/mpeg", readFileSync(path.join(sample, "rain-song.mp3")));
  await upload("lyrics", "text/plain", readFileSync(path.join(sample, "rain-song.lrc")));

  r = await api(miri.url, "POST", `/api/projects/${PROJECT_ID}/plan`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.director, MODEL);
  assert.ok(r.json.shots.length >= 2, r.text);
  assert.ok(r.json.shots.every((s) => /emulator/.test(s.description)), "the shots are the emulator's");
  assert.ok(!r.json.warnings.some((w) => w.code === "DIRECTOR_FALLBACK"), r.text);
  // audio/mp3 is the type Gemini lists for MP3 (ai.google.dev/gemini-api/docs/audio).
  assert.deepEqual(google.plansHeard, ["audio/mp3"], "Gemini was sent the song inline");

  // A plan that cannot be made to tile the song: the local director's
  // whole plan, and the reason the dashboard shows.
  google.planAnswer = { untiled: true };
  r = await api(miri.url, "POST", `/api/projects/${PROJECT_ID}/plan`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.director, "local");
  const fallback = r.json.warnings.find((w) => w.code === "DIRECTOR_FALLBACK");
  assert.ok(fallback, r.text);
  assert.match(fallback.message, new RegExp(`Gemini director \\(${MODEL}\\) failed: .*no shots`));
  assert.ok(!r.json.shots.some((s) => /emulator/.test(s.description)), "no half plan from Gemini");
  google.planAnswer = null;
});

async function produce(name) {
  const out = path.join(dir, `${name}.mp4`);
  const { stderr } = await run(process.env.MIRI_BIN, [
    "produce", path.join(sample, "rain-song.mp3"), "--lyrics", path.join(sample, "rain-song.lrc"),
    "-o", out, "--data", path.join(dir, name), "--size", "320x180", "--fps", "12",
    "--director-model", MODEL,
  ], { env: { ...process.env, ...geminiEnv() }, timeout: 100000 });
  return stderr;
}

test("miri produce is planned by the Gemini director, and says why when the local one stands in", async () => {
  const google = emu.states.google;
  const heard = google.plansHeard.length;
  let log = await produce("gemini");
  assert.match(log, new RegExp(`with the ${MODEL} director`), log);
  assert.equal(google.plansHeard.length, heard + 1, "produce sent the song to Gemini");

  google.planAnswer = { untiled: true };
  log = await produce("fallback");
  assert.match(log, /with the local director/, log);
  assert.match(log, new RegExp(`note: .*Gemini director \\(${MODEL}\\) failed`), log);
  google.planAnswer = null;
});
