// The cloud providers end to end, on loopback: the provider emulators
// (fal, Kling, Gemini), one redis-server, and two `miri serve` instances
// sharing one SQLite file and blob dir, with FAL_KEY / KLING_* /
// GEMINI_API_KEY pointed at the emulators. Providers reach the service
// through a balancer (MIRI_PUBLIC_URL) that routes to instance B, while the
// dashboard's commands go to instance A: every webhook lands on the
// instance that did NOT submit the job, which finishes it from the signed
// webhook URL alone.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { CALLBACK_SECRET, PROJECT_ID, api, cloudProvidersEnv, planBody, projectBody, removeDir, startBalancer, startMiri,
         startRedis, tempDir, waitFor } from "./helpers.mjs";

let dir, redis, emu, lb, a, b;

before(async () => {
  dir = tempDir("miri-e2e-cloud-");
  redis = await startRedis();
  emu = await startEmulators();
  lb = await startBalancer(0);  // routed to B once B listens
  const e = emu.bases;
  const env = {
    ...cloudProvidersEnv(e, lb.url),
    GEMINI_API_KEY: "test-gemini-key",
    MIRI_GEMINI_BASE_URL: e.google,
  };
  a = await startMiri({ dataDir: dir, redisUrl: redis.url, env });
  b = await startMiri({ dataDir: dir, redisUrl: redis.url, env });
  lb.route(b.port);
});
after(async () => {
  await lb?.stop();
  await a?.stop();
  await b?.stop();
  await emu?.close();
  await redis?.stop();
  if (dir) removeDir(dir);
});

const shotPath = (shot) => `/api/projects/${PROJECT_ID}/shots/${shot}`;
const statusOf = async (base, shot) => (await api(base, "GET", shotPath(shot))).json?.status;
const eventCount = async () =>
  (await api(a.url, "GET", `/api/projects/${PROJECT_ID}/events`)).json.events.length;
const latestVersion = async (shot) => {
  const r = await api(a.url, "GET", `${shotPath(shot)}/versions`);
  return r.json.versions[r.json.versions.length - 1];
};
const post = (url, headers, body) => fetch(url, { method: "POST", headers, body })
  .then(async (r) => ({ status: r.status, json: await r.json() }));

test("start-up says where the webhooks go", () => {
  const startup = a.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } })
    .find((j) => typeof j.msg === "string" && j.msg.startsWith("using configured adapters"));
  assert.ok(startup, a.lines.join("\n"));
  assert.match(startup.msg, /image=fal\(FAL_KEY\).*video=kling.*vision=gemini/);
  assert.ok(startup.msg.includes(`webhooks=${lb.url}/api/webhooks/{fal,kling}`), startup.msg);
  assert.ok(!startup.msg.includes("test-fal-key") && !startup.msg.includes(CALLBACK_SECRET));
});

test("fal and Kling webhooks reach the other instance and finish the shot", async () => {
  let r = await api(a.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  r = await api(a.url, "PUT", `/api/projects/${PROJECT_ID}/plan`, planBody(2));
  assert.equal(r.status, 201, r.text);

  // 1. Generate on A -> fal emulator -> Ed25519-signed webhook -> B.
  r = await api(a.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: "sh1" });
  assert.equal(r.status, 202, r.text);
  await waitFor("AWAITING_APPROVAL", async () => (await statusOf(a.url, "sh1")) === "AWAITING_APPROVAL");
  const fal = emu.states.fal;
  assert.equal(fal.outbox.deliveries.length, 1);
  const hook = fal.outbox.deliveries[0];
  assert.ok(hook.url.startsWith(`${lb.url}/api/webhooks/fal?`), hook.url);
  // B applies the result before its reply reaches the emulator's outbox.
  await waitFor("the webhook's reply", () => hook.status != null);
  assert.equal(hook.status, 200, "B accepted the webhook of a job A submitted");
  const image = await latestVersion("sh1");
  const imageFile = path.join(dir, "blobs", image.outputs[0]);
  assert.ok(existsSync(imageFile), `the image was copied into the BlobStore: ${imageFile}`);
  assert.equal(readFileSync(imageFile).subarray(1, 4).toString(), "PNG");

  // 2. A duplicate delivery, to either instance, changes nothing.
  const before = await eventCount();
  for (const target of [b, a]) {
    const dup = await post(`${target.url}/api/webhooks/fal?${hook.url.split("?")[1]}`,
                           hook.headers, hook.body);
    assert.equal(dup.status, 200, JSON.stringify(dup.json));
  }
  assert.equal(await eventCount(), before);
  assert.equal((await api(a.url, "GET", `${shotPath("sh1")}/versions`)).json.versions.length, 1);
  assert.equal(await statusOf(a.url, "sh1"), "AWAITING_APPROVAL");

  // 3. A forged fal webhook (body changed after signing) is 401 naming the
  //    signature, and changes nothing.
  const forged = await post(`${b.url}/api/webhooks/fal?${hook.url.split("?")[1]}`, hook.headers,
                            Buffer.from(hook.body.toString().replace('"OK"', '"ERROR"')));
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.issues[0].path, "signature");
  assert.equal(await eventCount(), before);

  // 4. Refine on A: Gemini (vision emulator) turns the instruction into a
  //    mask, fal edits the image with her LoRA, the webhook (to B) brings
  //    the new image, composited back inside the mask.
  r = await api(a.url, "POST", `${shotPath("sh1")}/refine`, { instruction: "make the curtains blue" });
  assert.equal(r.status, 202, r.text);
  await waitFor("refined", async () =>
    fal.outbox.deliveries.length === 2 && (await statusOf(a.url, "sh1")) === "AWAITING_APPROVAL");
  assert.ok(emu.states.google.log.entries.some((e) => e.path.endsWith(":generateContent") &&
                                               e.headers["x-goog-api-key"] === "test-gemini-key"));
  // A FLUX.2 LoRA edit that keeps her LoRA (never FLUX.1 inpainting), the
  // image sent as a fal storage URL, never inline; the mask stays here (the
  // edit is composited back inside it).
  assert.ok(!fal.log.entries.some((e) => e.path.includes("inpainting")), "no FLUX.1 inpainting");
  const edit = fal.log.entries.find((e) => e.method === "POST" && e.path.includes("flux-2/lora/edit"));
  assert.ok(edit, "the refinement went to fal's FLUX.2 LoRA edit");
  const sent = JSON.parse(edit.body);
  assert.ok(sent.loras?.some((l) => l.path.includes("miriN14")), edit.body.slice(0, 300));
  assert.ok(sent.image_urls?.length >= 1 && sent.image_urls.every((u) => !u.startsWith("data:")),
            edit.body.slice(0, 300));
  await waitFor("the refine webhook's reply", () => fal.outbox.deliveries[1].status != null);
  assert.equal(fal.outbox.deliveries[1].status, 200);
  const refined = await latestVersion("sh1");
  assert.notEqual(refined.versionId, image.versionId);
  assert.ok(existsSync(path.join(dir, "blobs", refined.outputs[0])));

  // 5. Approve on A -> Kling emulator -> callbacks (one per status) -> B.
  r = await api(a.url, "POST", `${shotPath("sh1")}/approve`);
  assert.equal(r.status, 202, r.text);
  await waitFor("COMPLETED", async () => (await statusOf(a.url, "sh1")) === "COMPLETED");
  const callbacks = emu.states.kling.outbox.deliveries;
  assert.ok(callbacks.length >= 3, `${callbacks.length} callbacks`);
  await waitFor("every callback's reply", () => callbacks.every((cb) => cb.status != null));
  for (const cb of callbacks) {
    assert.ok(cb.url.startsWith(`${lb.url}/api/webhooks/kling?`), cb.url);
    assert.equal(cb.status, 200);
  }
  const clip = await latestVersion("sh1");
  assert.equal(clip.kind, "VIDEO");
  const clipFile = path.join(dir, "blobs", clip.outputs[0]);
  assert.ok(existsSync(clipFile), `the clip was copied into the BlobStore: ${clipFile}`);
  assert.equal(await statusOf(b.url, "sh1"), "COMPLETED");

  // 6. A Kling callback with a bad token is 401 naming t; nothing changes.
  const done = await eventCount();
  const last = callbacks[callbacks.length - 1];
  const query = new URLSearchParams(last.url.split("?")[1]);
  query.set("t", "0".repeat(64));
  const bad = await post(`${b.url}/api/webhooks/kling?${query}`, last.headers, last.body);
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.issues[0].path, "t");
  query.set("t", new URLSearchParams(last.url.split("?")[1]).get("t"));
  query.set("out", `projects/${PROJECT_ID}/shots/sh2/stolen.mp4`);
  const moved = await post(`${a.url}/api/webhooks/kling?${query}`, last.headers, last.body);
  assert.equal(moved.status, 401, "the token covers the output key too");
  assert.equal(await eventCount(), done);
  assert.equal(await statusOf(a.url, "sh2"), "DRAFT");
});

test("an image that fails Gemini's check is made again, never shown, then FAILED; a retry goes on", async () => {
  const google = emu.states.google.vision;
  google.control("/_emulator/vision-default", { fail: ["mouth-closed"], reason: "her lips are parted" });
  let r = await api(a.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: "sh2" });
  assert.equal(r.status, 202, r.text);
  await waitFor("FAILED", async () => (await statusOf(a.url, "sh2")) === "FAILED", 60000);
  const events = (await api(a.url, "GET", `/api/projects/${PROJECT_ID}/events`)).json.events
    .filter((e) => e.shotId === "sh2");
  assert.ok(!events.some((e) => e.to === "AWAITING_APPROVAL"), "a failing image was never shown");
  assert.match(events[events.length - 1].cause, /failed the image check 3 times .*her lips are parted/);
  const versions = (await api(a.url, "GET", `${shotPath("sh2")}/versions`)).json.versions;
  assert.equal(versions.length, 3, "the first image and two made again");
  assert.ok(versions[1].findings.some((f) => f.ruleId === "vision.regenerated"));
  assert.match(versions[1].negativePrompt, /open mouth/);
  const check = await api(a.url, "GET", `${shotPath("sh2")}/versions/${versions[0].versionId}/check`);
  assert.equal(check.status, 200, check.text);
  assert.equal(check.json.passed, false);
  assert.match(check.json.checker, /^gemini/);

  google.control("/_emulator/vision-default", {});
  r = await api(a.url, "POST", `${shotPath("sh2")}/retry`);
  assert.equal(r.status, 202, r.text);
  await waitFor("AWAITING_APPROVAL", async () => (await statusOf(a.url, "sh2")) === "AWAITING_APPROVAL", 30000);

  // The second opinion (issue 18 item 3): text the request screen allows is
  // also classified by Gemini; its refusal refuses, naming who decided.
  const before = (await api(a.url, "GET", `${shotPath("sh2")}/versions`)).json.versions.length;
  r = await api(a.url, "POST", `${shotPath("sh2")}/refine`, { instruction: "warmer light emulator:refuse" });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.issues[0].path, "instruction");
  assert.match(r.json.error.issues[0].message, /decided by gemini/);
  assert.equal((await api(a.url, "GET", `${shotPath("sh2")}/versions`)).json.versions.length, before);
  assert.equal(await statusOf(a.url, "sh2"), "AWAITING_APPROVAL");
});
