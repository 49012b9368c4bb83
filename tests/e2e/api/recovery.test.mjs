// kill -9 of `miri serve` mid-flight, then a restart on the same data
// directory: the pending work resumes by itself and nothing is dispatched,
// versioned or moved twice (issue 8, "Recovery").
//
// Phase 1: images are in flight (the first instance's local providers are
// paused, so its jobs exist only in memory) when it is SIGKILLed.
// Phase 2: clips are in flight (slow local providers) when the second
// instance is SIGKILLed. Each time a fresh instance must finish the work.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  PROJECT_ID, api, removeDir, seedProject, startMiri, tempDir, waitFor,
} from "./helpers.mjs";

const SHOTS = 3;
const base = `/api/projects/${PROJECT_ID}`;

async function statuses(url) {
  const r = await api(url, "GET", `${base}/shots`);
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.shots.map((s) => [s.shotId, s.status]));
}

async function allIn(url, status) {
  const s = await statuses(url);
  return Object.values(s).length === SHOTS && Object.values(s).every((v) => v === status) ? s : null;
}

async function versionsOf(url, shotId) {
  const r = await api(url, "GET", `${base}/shots/${shotId}/versions`);
  assert.equal(r.status, 200, r.text);
  return r.json.versions;
}

async function events(url) {
  const r = await api(url, "GET", `${base}/events?limit=10000`);
  assert.equal(r.status, 200, r.text);
  return r.json.events;
}

// Every shot moved into `to` exactly once, and the log has no duplicate
// idempotency key.
function assertOnce(evts, to) {
  for (let i = 1; i <= SHOTS; i++) {
    const n = evts.filter((e) => e.shotId === `sh${i}` && e.to === to).length;
    assert.equal(n, 1, `sh${i} entered ${to} ${n} times`);
  }
}

test("kill -9 mid-flight: a restarted instance finishes the work once", async (t) => {
  const dataDir = tempDir("miri-e2e-recovery-");
  const running = new Set();
  t.after(async () => {
    for (const m of running) await m.stop("SIGKILL");
    removeDir(dataDir);
  });
  const start = async (env) => {
    const m = await startMiri({ dataDir, env: { MIRI_RECONCILE_INTERVAL_MS: "200", ...env } });
    running.add(m);
    return m;
  };
  const kill9 = async (m) => {
    await m.stop("SIGKILL");
    running.delete(m);
    assert.equal(m.child.signalCode, "SIGKILL");
  };

  // Phase 1: images in flight.
  const a = await start({ MIRI_LOCAL_PROVIDERS: "paused" });  // jobs never start
  const imageVersions = await seedProject(a.url, SHOTS);
  assert.ok(await allIn(a.url, "GENERATING_IMAGE"));
  await kill9(a);

  const b = await start({ MIRI_LOCAL_PROVIDERS: "", MIRI_LOCAL_LATENCY_MS: "4000" });
  await waitFor("every image after the restart", () => allIn(b.url, "AWAITING_APPROVAL"), 30000, 100);
  for (const [shot, versionId] of Object.entries(imageVersions)) {
    const images = (await versionsOf(b.url, shot)).filter((v) => v.kind === "IMAGE");
    assert.deepEqual(images.map((v) => v.versionId), [versionId], `${shot}: one image version, no redispatch as new`);
  }
  assertOnce(await events(b.url), "AWAITING_APPROVAL");

  // Phase 2: clips in flight (each local job takes 4 s) when b is killed.
  for (let i = 1; i <= SHOTS; i++) {
    const r = await api(b.url, "POST", `${base}/shots/sh${i}/approve`, {}, { "idempotency-key": `approve-sh${i}` });
    assert.equal(r.status, 202, r.text);
  }
  assert.ok(await allIn(b.url, "GENERATING_VIDEO"));
  await kill9(b);

  const c = await start({ MIRI_LOCAL_PROVIDERS: "" });
  await waitFor("every clip after the second restart", () => allIn(c.url, "COMPLETED"), 60000, 100);
  const evts = await events(c.url);
  assertOnce(evts, "GENERATING_VIDEO");
  assertOnce(evts, "COMPLETED");
  for (let i = 1; i <= SHOTS; i++) {
    const kinds = (await versionsOf(c.url, `sh${i}`)).map((v) => v.kind).filter((k) => k !== "PLAN");
    assert.deepEqual(kinds.sort(), ["IMAGE", "VIDEO"], `sh${i}: one image and one clip version`);
  }
  const seqs = evts.map((e) => e.seq);
  assert.deepEqual(seqs, [...new Set(seqs)].sort((x, y) => x - y), "event sequence numbers are unique and ordered");
});
