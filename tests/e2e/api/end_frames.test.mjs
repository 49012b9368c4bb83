// Start and end anchor frames on the cloud route (issue 16 item 3), end to
// end on loopback: `miri serve` with FAL_KEY and the Kling keys pointed at
// the provider emulators. A shot whose plan says where it ends gets its
// start frame from FLUX.2 (her LoRA), then its end frame as a FLUX.2 LoRA
// edit of the start frame; the approved pair goes to Kling as `image` and
// `image_tail`, which the emulator accepts only where the real API does
// (kling-v2-5-turbo in pro mode).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { PROJECT_ID, api, cloudProvidersEnv, planBody, projectBody, removeDir, startBalancer, startMiri,
         tempDir, waitFor } from "./helpers.mjs";

let dir, emu, lb, miri;

before(async () => {
  dir = tempDir("miri-e2e-end-frames-");
  emu = await startEmulators();
  lb = await startBalancer(0);
  miri = await startMiri({ dataDir: dir, env: cloudProvidersEnv(emu.bases, lb.url) });
  lb.route(miri.port);
});
after(async () => {
  await lb?.stop();
  await miri?.stop();
  await emu?.close();
  if (dir) removeDir(dir);
});

const shotPath = (shot) => `/api/projects/${PROJECT_ID}/shots/${shot}`;
const versionsOf = async (shot) => (await api(miri.url, "GET", `${shotPath(shot)}/versions`)).json.versions;
const statusOf = async (shot) => (await api(miri.url, "GET", shotPath(shot))).json?.status;

test("a shot with an end state goes to Kling with its start and end frames", async () => {
  let r = await api(miri.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  const plan = planBody(2);
  plan.shots[0].endState = "Miri has turned toward the lamp, calm";
  r = await api(miri.url, "PUT", `/api/projects/${PROJECT_ID}/plan`, plan);
  assert.equal(r.status, 201, r.text);

  r = await api(miri.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: "sh1" });
  assert.equal(r.status, 202, r.text);
  const fal = emu.states.fal;
  await waitFor("the start and end frames", async () =>
    fal.outbox.deliveries.length === 2 && (await statusOf("sh1")) === "AWAITING_APPROVAL", 30000);
  const [start, end] = await versionsOf("sh1");
  assert.equal(end.parameters.frame, "end");
  assert.equal(end.parameters.startVersion, start.versionId);
  assert.match(end.prompt, /Miri has turned toward the lamp/);

  // The end frame is a FLUX.2 LoRA edit with her LoRA and the start frame
  // as its image (a fal storage URL, never inline).
  const edits = fal.log.entries.filter((e) => e.method === "POST" && e.path.includes("flux-2/lora/edit"));
  assert.equal(edits.length, 1, "one edit: the end frame");
  const sent = JSON.parse(edits[0].body);
  assert.ok(sent.loras?.some((l) => l.path.includes("miriN14")), edits[0].body.slice(0, 300));
  assert.equal(sent.image_urls?.length, 1, edits[0].body.slice(0, 300));
  assert.ok(!sent.image_urls[0].startsWith("data:"));

  r = await api(miri.url, "POST", `${shotPath("sh1")}/approve`);
  assert.equal(r.status, 202, r.text);
  await waitFor("COMPLETED", async () => (await statusOf("sh1")) === "COMPLETED", 30000);
  const clip = (await versionsOf("sh1")).at(-1);
  assert.equal(clip.parameters.startFrame, start.outputs[0]);
  assert.equal(clip.parameters.endFrame, end.outputs[0]);
  const create = emu.states.kling.log.entries.find((e) => e.method === "POST" && e.path.endsWith("/image2video"));
  assert.ok(create, "the clip went to Kling's image2video");
  const body = JSON.parse(create.body);
  assert.equal(body.model_name, "kling-v2-5-turbo");
  assert.ok(body.image?.length > 100 && body.image_tail?.length > 100, "both frames, raw base64");
});
