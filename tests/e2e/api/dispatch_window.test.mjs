// The dispatch window (issue 21 item 8): `miri serve` is killed (-9) after
// the provider accepted a job but before the job's record was written (the
// emulator holds its answer to the submit until the kill). The intent
// recorded before the call is all a fresh instance finds:
// - fal cannot be asked for a job by our id: the instance waits for the
//   job's webhook (its URL carries the signed job) until
//   MIRI_UNRECORDED_JOB_WAIT_MS after the dispatch, sending nothing again;
//   the late webhook is applied.
// - Kling is asked by external_task_id (our job id) and the task is
//   adopted; it is never created again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { PROJECT_ID, api, planBody, projectBody, removeDir, cloudProvidersEnv, emulatorControl as control, startBalancer, startMiri,
         tempDir, waitFor } from "./helpers.mjs";

const shotPath = (shot) => `/api/projects/${PROJECT_ID}/shots/${shot}`;
// Resolves once the emulator holds `count` submit answers (10 s at most).
const held = (base, count) => fetch(`${base}/__control/held?count=${count}`)
  .then((r) => r.json()).then((j) => j.held);

test("kill -9 between the provider's accept and the record: fal's late webhook, Kling by external_task_id, one submit each", async (t) => {
  const dir = tempDir("miri-e2e-dispatch-window-");
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
    // Far longer than the test: nothing may be sent again while it waits.
    MIRI_UNRECORDED_JOB_WAIT_MS: "600000",
  };
  const start = async () => {
    const m = await startMiri({ dataDir: dir, env });
    running.add(m);
    lb.route(m.port);
    return m;
  };
  const kill = async (m) => {
    await m.stop("SIGKILL");
    running.delete(m);
    assert.equal(m.child.signalCode, "SIGKILL");
  };
  const fal = emu.states.fal;
  const submits = () => fal.log.entries.filter((e) => e.method === "POST" && !e.path.startsWith("/__control"));
  const kling = emu.states.kling;
  const creates = () => kling.log.entries.filter((e) => e.method === "POST" && e.path === "/v1/videos/image2video");
  const queriesOf = (id) =>
    kling.log.entries.filter((e) => e.method === "GET" && decodeURIComponent(e.path) === `/v1/videos/image2video/${id}`);

  // Phase 1: fal accepts the image job (it runs until /__control/complete)
  // but its answer is held; A dies before it could record the request id.
  await control(emu.bases.fal, "config", { latencyMs: -1, holdSubmits: true });
  const a = await start();
  let r = await api(a.url, "POST", "/api/projects", projectBody());
  assert.equal(r.status, 201, r.text);
  r = await api(a.url, "PUT", `/api/projects/${PROJECT_ID}/plan`, planBody(1));
  assert.equal(r.status, 201, r.text);
  const generating = api(a.url, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: "sh1" })
    .catch((e) => ({ status: 0, text: String(e) }));
  assert.equal(await held(emu.bases.fal, 1), 1, "fal holds the answer to the submit");
  assert.equal(fal.jobs.size, 1, "fal accepted the job");
  await kill(a);
  assert.equal((await generating).status, 0, "the request died with the server");
  await control(emu.bases.fal, "config", { holdSubmits: false });

  // B finds the intent but no record: it waits for fal's webhook.
  const b = await start();
  await waitFor("B waiting for fal's webhook",
                () => b.lines.some((l) => l.includes("waiting for its webhook")), 10000);
  assert.equal((await api(b.url, "GET", shotPath("sh1"))).json.status, "GENERATING_IMAGE");
  assert.equal(submits().length, 1, "nothing was sent again before the deadline");
  // The job ends; its webhook reaches B through the load balancer.
  await control(emu.bases.fal, "complete");
  await waitFor("AWAITING_APPROVAL from the late webhook",
                async () => (await api(b.url, "GET", shotPath("sh1"))).json?.status === "AWAITING_APPROVAL",
                20000, 50);
  assert.equal(submits().length, 1, "fal saw exactly one submit");
  const delivered = fal.outbox.deliveries.filter((d) => d.delivered && d.status === 200);
  assert.equal(delivered.length, 1, "the webhook was applied");
  const versions = (await api(b.url, "GET", `${shotPath("sh1")}/versions`)).json.versions;
  assert.equal(versions.filter((v) => v.kind === "IMAGE").length, 1, "no second image version");

  // Phase 2: Kling creates the clip's task but its answer is held; B dies.
  await control(emu.bases.kling, "config", { autoProgress: false, holdSubmits: true });
  const approving = api(b.url, "POST", `${shotPath("sh1")}/approve`)
    .catch((e) => ({ status: 0, text: String(e) }));
  assert.equal(await held(emu.bases.kling, 1), 1, "Kling holds the answer to the create");
  assert.equal(creates().length, 1);
  const task = [...kling.tasks.values()][0];
  const jobId = task.external_task_id;
  assert.match(jobId, new RegExp(`^${PROJECT_ID}:`), "our job id is the external_task_id");
  await kill(b);
  assert.equal((await approving).status, 0);
  await control(emu.bases.kling, "config", { holdSubmits: false });

  // C asks Kling for the task by external_task_id and adopts it.
  const c = await start();
  await waitFor("C's look-up by external_task_id", () => queriesOf(jobId).length > 0 || creates().length > 1,
                10000);
  assert.equal(creates().length, 1, "the restart created the task again");
  await control(emu.bases.kling, "complete");
  await waitFor("COMPLETED after the restart",
                async () => (await api(c.url, "GET", shotPath("sh1"))).json?.status === "COMPLETED",
                20000, 50);
  assert.equal(creates().length, 1, "Kling saw exactly one create for the clip");
  const events = (await api(c.url, "GET", `/api/projects/${PROJECT_ID}/events?limit=1000`)).json.events;
  assert.equal(events.filter((e) => e.shotId === "sh1" && e.to === "COMPLETED").length, 1);
});
