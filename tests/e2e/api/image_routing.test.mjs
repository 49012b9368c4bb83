// Smart routing end to end (issue 16 item 5): `miri serve` with fal and a
// Vertex project, both on the provider emulators. fal answers 503 until its
// circuit breaker opens; then a scenery shot (showsMiri=false) is made by
// the Gemini image model on Vertex AI and its version says so, while a shot
// of Miri is never sent to Vertex (it fails, saying why).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { PROJECT_ID, api, cloudProvidersEnv, emulatorControl, projectBody, removeDir, startMiri, tempDir,
         waitFor } from "./helpers.mjs";

let dir, emu, miri;
const MIRI_SHOTS = 8;  // more than enough failed fal calls to open its breaker

before(async () => {
  dir = tempDir("miri-e2e-routing-");
  emu = await startEmulators();
  const e = emu.bases;
  miri = await startMiri({
    dataDir: dir,
    env: {
      ...cloudProvidersEnv(e, ""),
      GEMINI_API_KEY: "test-gemini-key",
      MIRI_GEMINI_BASE_URL: e.google,
      MIRI_VERTEX_PROJECT: "p-77",
      MIRI_VERTEX_BASE_URL: e.google,
      // Vertex tokens from the (emulated) metadata server, never from a
      // developer's own gcloud credentials.
      GCE_METADATA_HOST: new URL(e.google).host,
      CLOUDSDK_CONFIG: path.join(dir, "no-gcloud"),
      GOOGLE_APPLICATION_CREDENTIALS: "",
    },
  });
});
after(async () => {
  await miri?.stop();
  await emu?.close();
  if (dir) removeDir(dir);
});

const shotPath = (shot) => `/api/projects/${PROJECT_ID}/shots/${shot}`;
const statusOf = async (shot) => (await api(miri.url, "GET", shotPath(shot))).json?.status;
const latestVersion = async (shot) => {
  const r = await api(miri.url, "GET", `${shotPath(shot)}/versions`);
  return r.json.versions[r.json.versions.length - 1];
};
const vertexImageCalls = () => emu.states.google.log.entries.filter((x) =>
  x.path.endsWith("/publishers/google/models/gemini-2.5-flash-image:generateContent"));

test("start-up says images without Miri may go to Vertex", () => {
  const startup = miri.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
    .find((j) => typeof j.msg === "string" && j.msg.startsWith("using configured adapters"));
  assert.ok(startup, miri.lines.join("\n"));
  assert.match(startup.msg, /image=fal\(FAL_KEY; images without Miri may go to vertex p-77\)/);
});

test("with fal's circuit open, a scenery shot is made on Vertex and says so; Miri's shots never go there", async () => {
  let r = await api(miri.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  const shots = [];
  for (let i = 1; i <= MIRI_SHOTS + 1; i++) {
    shots.push({ shotId: `sh${i}`, sceneId: "sc1", timestamps: { startMs: (i - 1) * 500, endMs: i * 500 },
                 lyricsSnippet: "", description: i <= MIRI_SHOTS ? "Miri at a window" : "an empty rooftop in the rain at dusk",
                 showsMiri: i <= MIRI_SHOTS });
  }
  r = await api(miri.url, "PUT", `/api/projects/${PROJECT_ID}/plan`,
                { scenes: [{ sceneId: "sc1", startMs: 0, endMs: shots.length * 500, label: "intro" }], shots });
  assert.equal(r.status, 201, r.text);

  // fal is down: every submit is a 503 (Retry-After 0: no waits).
  await emulatorControl(emu.bases.fal, "faults",
                        { rules: [{ op: "submit", status: 503, retry_after: 0, times: 1000 }] });
  // Miri's shots fail one after another until fal's breaker opens; none is
  // ever sent to Vertex.
  let open = null;
  for (let i = 1; i <= MIRI_SHOTS && !open; i++) {
    r = await api(miri.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: `sh${i}` });
    assert.equal(r.status, 202, r.text);
    await waitFor(`sh${i} failed`, async () => (await statusOf(`sh${i}`)) === "FAILED");
    const v = await latestVersion(`sh${i}`);
    assert.ok(v.parameters.route, JSON.stringify(v.parameters));
    if (v.parameters.route.chosen === "") open = v;
    else assert.equal(v.parameters.route.chosen, "fal", "Miri is only ever routed to fal");
  }
  assert.ok(open, "fal's breaker opened");
  assert.match(open.parameters.route.reason, /fal: circuit open/);
  assert.match(open.parameters.route.reason, /vertex: cannot apply the LoRA/);
  const events = (await api(miri.url, "GET", `/api/projects/${PROJECT_ID}/events`)).json.events;
  assert.ok(events.some((ev) => ev.to === "FAILED" && /cannot apply the LoRA/.test(ev.cause ?? "")),
            "the shot's failure says why");
  assert.equal(vertexImageCalls().length, 0, "no shot of Miri reached Vertex");

  // The scenery shot, in the same condition: Vertex makes it.
  const scenery = `sh${MIRI_SHOTS + 1}`;
  r = await api(miri.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: scenery });
  assert.equal(r.status, 202, r.text);
  await waitFor(`${scenery} awaits approval`, async () => (await statusOf(scenery)) === "AWAITING_APPROVAL");
  const v = await latestVersion(scenery);
  assert.deepEqual(
    { chosen: v.parameters.route.chosen, reason: v.parameters.route.reason, label: v.parameters.route.label },
    { chosen: "vertex", reason: "fal circuit open", label: "Vertex AI (gemini-2.5-flash-image)" });
  const calls = vertexImageCalls();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].path, "/v1/projects/p-77/locations/us-central1/publishers/google/models/gemini-2.5-flash-image:generateContent");
  assert.match(calls[0].headers.authorization, /^Bearer emulated-run-token-/);
  const body = JSON.parse(calls[0].body);
  assert.deepEqual(body.generationConfig.responseModalities, ["IMAGE"]);
  assert.equal(body.generationConfig.imageConfig.aspectRatio, "16:9");
  const png = readFileSync(path.join(dir, "blobs", v.outputs[0]));
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  assert.equal(png.readUInt32BE(16), 1344);
  assert.equal(png.readUInt32BE(20), 768);
});
