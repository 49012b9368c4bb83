// Renders that finish (issue 21 item 2): a final render runs under a lease
// in the store, and a project in FINAL_RENDER whose lease expired is
// resumed by whichever instance finds it.
//
// 1. kill -9 of `miri serve` mid-render (MIRI_TEST_RENDER_HOLD holds the
//    render after its first progress, its lease held and renewed), then a
//    restart on the same data directory: once the dead instance's short
//    lease (MIRI_RENDER_LEASE_MS) expires, the new one takes it and the
//    project reaches RENDERED by itself, under the same attempt.
// 2. With MIRI_RENDER_JOB set, the render starts as a Cloud Run job
//    execution (the Admin API emulator, tests/fixtures/provider_emulators/
//    cloud_run.mjs, with the token from its metadata server); running the
//    execution's container command (`miri render --project` with the
//    execution's env) renders the project under the lease it took over.
// Every process started here is stopped here; every wait is bounded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { startEmulators } from "../../fixtures/provider_emulators/server.mjs";
import { api, removeDir, startMiri, tempDir, waitFor } from "./helpers.mjs";

const run = promisify(execFile);
const SEED = process.env.MIRI_RENDER_SEED;

// A project in FINAL_RENDER in DATA_DIR's store (SQLite) and blobs: an
// 8 s song and two 4 s clips. Returns its id.
async function seedFinalRender(dataDir, scratch) {
  assert.ok(SEED, "MIRI_RENDER_SEED is set by ctest");
  const ffmpeg = (args) => run("ffmpeg", ["-loglevel", "error", "-y", ...args], { timeout: 60000 });
  await ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-c:a", "libmp3lame",
                path.join(scratch, "song.mp3")]);
  for (const [i, c] of ["red", "blue"].entries()) {
    await ffmpeg(["-f", "lavfi", "-i", `color=c=${c}:s=160x90:r=12:d=4`, "-c:v", "libx264",
                  "-pix_fmt", "yuv420p", path.join(scratch, `clip${i}.mp4`)]);
  }
  const seeded = await run(SEED, [dataDir, path.join(scratch, "song.mp3"),
                                  path.join(scratch, "clip0.mp4"), path.join(scratch, "clip1.mp4")],
                           { env: { ...process.env, MIRI_DATA_DIR: dataDir }, timeout: 60000 });
  return seeded.stdout.trim();
}

// The project's render lease as the store holds it: {owner, expiresAtMs} or null.
async function lease(dataDir, id) {
  const out = (await run(SEED, ["--lease", dataDir, id], { timeout: 30000 })).stdout.trim();
  if (out === "none") return null;
  const [owner, expires] = out.split(" ");
  return { owner, expiresAtMs: Number(expires) };
}

const logged = (m, msg) => m.lines.map((l) => { try { return JSON.parse(l); } catch { return null; } })
  .find((j) => j && j.msg === msg);

async function projectStatus(url, id) {
  const r = await api(url, "GET", `/api/projects/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.status;
}

test("kill -9 mid-render: a restarted instance resumes the render once the lease expires", async (t) => {
  const dir = tempDir("miri-e2e-render-recovery-");
  const dataDir = path.join(dir, "data");
  const running = new Set();
  t.after(async () => {
    for (const m of running) await m.stop("SIGKILL");
    removeDir(dir);
  });
  const start = async (env) => {
    const m = await startMiri({ dataDir, env: { MIRI_LOCAL_PROVIDERS: "", MIRI_RECONCILE_INTERVAL_MS: "200",
                                                MIRI_RENDER_LEASE_MS: "1000", ...env } });
    running.add(m);
    return m;
  };
  const id = await seedFinalRender(dataDir, dir);

  // A finds the render nobody renders at start-up, takes its lease and
  // renders until the hold (its first progress).
  const a = await start({ MIRI_TEST_RENDER_HOLD: "1" });
  const held = await waitFor("the render held mid-way", () => logged(a, "render held (MIRI_TEST_RENDER_HOLD)"), 60000);
  assert.equal(held.projectId, id);
  const ownerA = logged(a, "final render").owner;
  assert.equal(held.owner, ownerA);
  assert.equal((await lease(dataDir, id)).owner, ownerA);
  // Its heartbeat renews the lease while it renders: the expiry moves on.
  const first = (await lease(dataDir, id)).expiresAtMs;
  await waitFor("a renewal of A's lease", async () => (await lease(dataDir, id)).expiresAtMs > first, 10000, 50);
  assert.equal(await projectStatus(a.url, id), "FINAL_RENDER");

  await a.stop("SIGKILL");
  running.delete(a);
  assert.equal(a.child.signalCode, "SIGKILL");

  const b = await start({});
  await waitFor("RENDERED after the restart", async () => (await projectStatus(b.url, id)) === "RENDERED" || null,
                60000, 100);
  assert.ok(logged(b, "resuming a stopped render"), "B resumed the render");
  assert.equal(await lease(dataDir, id), null, "the lease is cleared when the render ends");
  const mp4 = await fetch(`${b.url}/api/projects/${id}/render/mp4`, { headers: { authorization: "Bearer e2e-token" } });
  assert.equal(mp4.status, 200);
  assert.equal(Buffer.from(await mp4.arrayBuffer()).subarray(4, 8).toString(), "ftyp");
  // One attempt: one FINAL_RENDER event and one outcome.
  const r = await api(b.url, "GET", `/api/projects/${id}/events?limit=10000`);
  const project = r.json.events.filter((e) => !e.shotId);
  assert.deepEqual(project.map((e) => e.to), ["AUDIO_ANALYSIS", "PLANNED", "FINAL_RENDER", "RENDERED"]);
});

test("with MIRI_RENDER_JOB the render is a Cloud Run job execution that takes the lease over", async (t) => {
  const dir = tempDir("miri-e2e-render-job-");
  const dataDir = path.join(dir, "data");
  const emu = await startEmulators();
  let m = null;
  t.after(async () => {
    if (m) await m.stop("SIGKILL");
    await emu.close();
    removeDir(dir);
  });
  const JOB = "projects/demo-miri/locations/us-central1/jobs/miri-render";
  const google = emu.states.google;
  google.runJobs = [JOB];
  const id = await seedFinalRender(dataDir, dir);

  m = await startMiri({ dataDir, env: {
    MIRI_LOCAL_PROVIDERS: "", MIRI_RECONCILE_INTERVAL_MS: "200", MIRI_RENDER_LEASE_MS: "1000",
    MIRI_RENDER_JOB: JOB, MIRI_CLOUD_RUN_URL: emu.bases.google,
    // Application Default Credentials: the (emulated) metadata server.
    GCE_METADATA_HOST: emu.bases.google.replace("http://", ""), HOME: dir,
    GOOGLE_APPLICATION_CREDENTIALS: "", CLOUDSDK_CONFIG: "" } });
  assert.equal(logged(m, "final render").mode, "cloud-run-job");
  const started = await waitFor("the job execution", () => google.executions[0], 30000);
  assert.equal(started.job, JOB);
  assert.match(started.authorization, /^Bearer emulated-run-token-/);
  const env = Object.fromEntries(started.overrides.containerOverrides[0].env.map((e) => [e.name, e.value]));
  assert.equal(env.MIRI_RENDER_PROJECT, id);
  assert.match(env.MIRI_RENDER_LEASE_OWNER, /^job-/);
  assert.equal((await lease(dataDir, id)).owner, env.MIRI_RENDER_LEASE_OWNER);
  assert.equal(logged(m, "render job started").execution, started.execution);

  // The execution's container: deploy/cloudrun/render.job.yaml's command
  // with the execution's env, on the same store and blobs.
  const job = await run(process.env.MIRI_BIN,
                        ["render", "--project", env.MIRI_RENDER_PROJECT, "--size", "160x90", "--fps", "12",
                         "--preset", "ultrafast", "--quiet"],
                        { env: { ...process.env, ...env, MIRI_DATA_DIR: dataDir, MIRI_RENDER_LEASE_MS: "1000" },
                          timeout: 120000 });
  assert.equal(job.stderr, "");
  assert.equal(await projectStatus(m.url, id), "RENDERED");
  assert.equal(await lease(dataDir, id), null);
  // While the execution held the lease, no instance started another one.
  assert.equal(google.executions.length, 1);
});
