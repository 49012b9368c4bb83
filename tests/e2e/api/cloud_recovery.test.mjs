// kill -9 of `miri serve` while fal (then Kling) holds its job, then a
// fresh instance on the same data directory: the new instance picks the job
// up from the store's job record (the provider's request id and what
// polling it needs) and never submits it again; the job finishes once
// (issue 8, "Recovery", for the cloud route: fal charges every submit,
// Kling refuses a repeated external_task_id).
import assert from "node:assert/strict";
import { test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { PROJECT_ID, api, planBody, projectBody, removeDir, cloudProvidersEnv, emulatorControl as control, startBalancer, startMiri,
         tempDir, waitFor } from "./helpers.mjs";

const shotPath = (shot) => `/api/projects/${PROJECT_ID}/shots/${shot}`;

test("kill -9 while fal, then Kling, holds the job: a fresh instance adopts it, one submit each", async (t) => {
  const dir = tempDir("miri-e2e-cloud-recovery-");
  const running = new Set();
  const emu = await startEmulators();
  const lb = await startBalancer(0);
  t.after(async () => {
    for (const m of running) await m.stop("SIGKILL");
    await lb.stop();
    await emu.close();
    removeDir(dir);
  });
  const env = {
    ...cloudProvidersEnv(emu.bases, lb.url),
    MIRI_RECONCILE_INTERVAL_MS: "200",
  };
  const start = async () => {
    const m = await startMiri({ dataDir: dir, env });
    running.add(m);
    lb.route(m.port);
    return m;
  };
  const fal = emu.states.fal;
  const submits = () => fal.log.entries.filter((e) => e.method === "POST" && !e.path.startsWith("/__control"));
  const kling = emu.states.kling;
  const creates = () => kling.log.entries.filter((e) => e.method === "POST" && e.path === "/v1/videos/image2video");
  const taskQueries = (taskId) =>
    kling.log.entries.filter((e) => e.method === "GET" && e.path === `/v1/videos/image2video/${taskId}`);
  const statusPolls = (requestId) =>
    fal.log.entries.filter((e) => e.method === "GET" && e.path.endsWith(`/requests/${requestId}/status`));

  // fal holds every job until /__control/complete.
  await control(emu.bases.fal, "config", { latencyMs: -1 });
  const a = await start();
  let r = await api(a.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  r = await api(a.url, "PUT", `/api/projects/${PROJECT_ID}/plan`, planBody(1));
  assert.equal(r.status, 201, r.text);
  r = await api(a.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: "sh1" });
  assert.equal(r.status, 202, r.text);
  const versionId = r.json.versionId;
  assert.equal((await api(a.url, "GET", shotPath("sh1"))).json.status, "GENERATING_IMAGE");
  assert.equal(submits().length, 1);
  const requestId = [...fal.jobs.keys()][0];
  assert.ok(requestId, "fal holds the job");

  await a.stop("SIGKILL");
  running.delete(a);
  assert.equal(a.child.signalCode, "SIGKILL");

  // B starts on the same data dir: its start-up reconcile finds the job
  // record, adopts the fal request and polls it (no submit).
  const b = await start();
  await waitFor("B's start-up reconcile", () => statusPolls(requestId).length > 0 || submits().length > 1,
                10000);
  assert.equal(submits().length, 1, "the restart submitted the job again");

  await control(emu.bases.fal, "complete");
  await waitFor("AWAITING_APPROVAL after the restart",
                async () => (await api(b.url, "GET", shotPath("sh1"))).json?.status === "AWAITING_APPROVAL",
                20000, 50);
  assert.equal(submits().length, 1, "fal saw exactly one submit for the job");
  const versions = (await api(b.url, "GET", `${shotPath("sh1")}/versions`)).json.versions;
  const images = versions.filter((v) => v.kind === "IMAGE");
  assert.deepEqual(images.map((v) => v.versionId), [versionId], "no second image version");
  const events = (await api(b.url, "GET", `/api/projects/${PROJECT_ID}/events?limit=1000`)).json.events;
  assert.equal(events.filter((e) => e.shotId === "sh1" && e.to === "AWAITING_APPROVAL").length, 1);

  // Phase 2: Kling holds the clip when B is killed; C adopts the task.
  await control(emu.bases.kling, "config", { autoProgress: false });
  r = await api(b.url, "POST", `${shotPath("sh1")}/approve`);
  assert.equal(r.status, 202, r.text);
  assert.equal((await api(b.url, "GET", shotPath("sh1"))).json.status, "GENERATING_VIDEO");
  assert.equal(creates().length, 1);
  const taskId = [...kling.tasks.keys()][0];
  assert.ok(taskId, "Kling holds the task");
  await b.stop("SIGKILL");
  running.delete(b);

  const c = await start();
  await waitFor("C's start-up reconcile", () => taskQueries(taskId).length > 0 || creates().length > 1, 10000);
  assert.equal(creates().length, 1, "the restart created the task again");
  await control(emu.bases.kling, "complete");
  await waitFor("COMPLETED after the second restart",
                async () => (await api(c.url, "GET", shotPath("sh1"))).json?.status === "COMPLETED",
                20000, 50);
  assert.equal(creates().length, 1, "Kling saw exactly one create for the clip");
  const kinds = (await api(c.url, "GET", `${shotPath("sh1")}/versions`)).json.versions.map((v) => v.kind);
  assert.deepEqual(kinds.filter((k) => k !== "PLAN").sort(), ["IMAGE", "VIDEO"]);
  const all = (await api(c.url, "GET", `/api/projects/${PROJECT_ID}/events?limit=1000`)).json.events;
  assert.equal(all.filter((e) => e.shotId === "sh1" && e.to === "COMPLETED").length, 1);
});
