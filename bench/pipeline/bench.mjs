// bench/pipeline: the makespan of a whole music video through the cloud
// route, against the lower bound the providers allow.
//
// The provider emulators run with realistic timing (images 6 s, at most 8
// at once; clips 90 s, at most 8 at once; both latencies divided by the
// time scale). One `miri serve` (in-process bus, no redis) talks to them as
// in tests/e2e/api/cloud_providers.test.mjs, with auto-approval
// (requireHumanApproval: false). The bench uploads the song and lyrics,
// proposes the plan (POST .../plan), commits it (PUT .../plan), sends
// generate for every shot at once and waits until the project is RENDERED
// (Socket.IO PROJECT_UPDATED, with a bounded status poll as a fallback).
//
// Prints the makespan (first generate -> RENDERED event), the lower bound
// (a list-scheduling simulation of the actual shot count through the
// emulators' slots, plus the measured render time), their ratio against
// the target "ratio <= 1.10", and where the time went per stage.
//
// Usage (bench/pipeline/run.sh prepares the inputs):
//   MIRI_BIN=COPY_OF_MIRI BENCH_WORK=DIR node bench/pipeline/bench.mjs
// DIR holds song.mp3, song.lrc and clip.mp4 (the clip every Kling task
// returns). Env: BENCH_TIME_SCALE (default 8), BENCH_TIMEOUT_S (600).
// Figures only; the exit code is 0 unless the pipeline did not finish.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { io } from "socket.io-client";
import { REALISTIC_TIMING, startEmulators } from "../../tests/fixtures/provider_emulators/server.mjs";
import { TOKEN, WEBHOOK_SECRET, api, freePort, projectBody } from "../../tests/e2e/api/helpers.mjs";

const BIN = process.env.MIRI_BIN;
const WORK = process.env.BENCH_WORK;
if (!BIN || !WORK) {
  console.error("MIRI_BIN and BENCH_WORK must be set (bench/pipeline/run.sh sets them)");
  process.exit(2);
}
const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE || 8);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S || 600) * 1000;
const POLL_MS = 2000;  // fallback status poll; Socket.IO wakes the wait first
// The Gemini key miri sends and the Google emulator accepts (x-goog-api-key):
// the request check on the project's text and the image checks go there.
const GEMINI_KEY = "bench-gemini-key";

// ---------------------------------------------------------------------------
// The lower bound: list scheduling on the providers' slots.
// Every image is submitted at t = 0 (perfect pipelining), `slots` images run
// at once for `img` ms each, in submit order; each clip is released the
// moment its image is ready and runs `clip` ms on the first free of `slots`
// clip slots (FIFO by release). Returns every image's and clip's end.
function listSchedule(releases, slots, ms) {
  const free = new Array(slots).fill(0);  // when each slot is next free
  return releases.map((r) => {
    let k = 0;
    for (let i = 1; i < slots; i++) if (free[i] < free[k]) k = i;
    const end = Math.max(r, free[k]) + ms;
    free[k] = end;
    return end;
  });
}
function providerBound(n, t) {
  const images = listSchedule(new Array(n).fill(0), t.imageConcurrency, t.imageLatencyMs);
  const order = images.map((end, i) => [end, i]).sort((a, b) => a[0] - b[0]);
  const clips = listSchedule(order.map(([end]) => end), t.clipConcurrency, t.clipLatencyMs);
  return { images, clips, end: Math.max(...clips) };
}

// ---------------------------------------------------------------------------
const children = [];
let emu = null;
let sock = null;
const pidFile = path.join(WORK, "pids");

function stopAll() {
  sock?.close();
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { process.kill(c.pid, "SIGTERM"); } catch { /* gone */ }
    }
  }
}
process.on("exit", () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ }
    }
  }
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { stopAll(); process.exit(130); });

async function stopChild(c, ms = 10000) {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const done = new Promise((r) => c.once("exit", r));
  process.kill(c.pid, "SIGTERM");
  const t = setTimeout(() => { try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ } }, ms);
  await done;
  clearTimeout(t);
}

async function startServe(env) {
  const port = await freePort();
  const data = path.join(WORK, "data");
  mkdirSync(data, { recursive: true });
  const child = spawn(BIN, ["serve", "--port", String(port), "--data", data], {
    env: { ...process.env, MIRI_API_TOKEN: TOKEN, MIRI_WEBHOOK_SECRET: WEBHOOK_SECRET,
           MIRI_REDIS_URL: "", MIRI_LOG_REQUESTS: "0", ...env(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  appendFileSync(pidFile, `${child.pid}\n`);
  const lines = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`miri serve did not start:\n${lines.join("\n")}`)), 15000);
    let buf = "";
    child.stderr.on("data", (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (lines.length > 20000) lines.shift();
        try { if (JSON.parse(line).msg === "listening") { clearTimeout(timer); resolve(); } } catch { /* text */ }
      }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`miri exited ${code}:\n${lines.join("\n")}`)); });
  });
  return { child, lines, port, url: `http://127.0.0.1:${port}` };
}

async function put(base, pathname, type, body) {
  const r = await fetch(base + pathname, {
    method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, "content-type": type }, body });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`PUT ${pathname}: ${r.status} ${text}`);
}

const ms = (iso) => Date.parse(iso);
const s = (v) => (v / 1000).toFixed(1);
const stats = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return "n/a";
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return `mean ${s(mean)} s, median ${s(v[v.length >> 1])} s, max ${s(v[v.length - 1])} s`;
};

async function main() {
  const clipMp4 = readFileSync(path.join(WORK, "clip.mp4"));
  emu = await startEmulators({ ...REALISTIC_TIMING, timeScale: TIME_SCALE, clipMp4, apiKey: GEMINI_KEY });
  const T = emu.timing;
  const e = emu.bases;
  const miri = await startServe((port) => ({
    FAL_KEY: "bench-fal-key",
    MIRI_FAL_LORAS: "miriN14=https://example.com/miriN14.safetensors",
    MIRI_FAL_QUEUE_URL: e.fal,
    MIRI_FAL_REST_URL: e.fal,
    MIRI_FAL_JWKS_URL: `${e.fal}/.well-known/jwks.json`,
    MIRI_FAL_RESULT_HOSTS: "127.0.0.1",
    KLING_ACCESS_KEY: "test-ak",
    KLING_SECRET_KEY: "test-sk",
    MIRI_KLING_BASE_URL: e.kling,
    MIRI_KLING_RESULT_HOSTS: "127.0.0.1",
    GEMINI_API_KEY: GEMINI_KEY,
    MIRI_GEMINI_BASE_URL: e.google,
    MIRI_PUBLIC_URL: `http://127.0.0.1:${port}`,  // the providers' webhooks come straight here
    MIRI_CALLBACK_SECRET: "bench-callback-secret-0123456789",
    MIRI_TEST_LOOPBACK_FETCH: "1",
    MIRI_LOCAL_PROVIDERS: "",
  }));

  // Project with auto-approval, song, lyrics, plan.
  const projectId = randomUUID();
  const body = projectBody();
  body.projectId = projectId;
  body.projectName = "Pipeline bench";
  body.globalSettings.requireHumanApproval = false;
  body.globalSettings.budgetCapUsd = 1000;
  let r = await api(miri.url, "POST", "/api/projects", body);
  if (r.status !== 201) throw new Error(`create project: ${r.status} ${r.text}`);
  const P = `/api/projects/${projectId}`;
  await put(miri.url, `${P}/song`, "audio/mpeg", readFileSync(path.join(WORK, "song.mp3")));
  await put(miri.url, `${P}/lyrics`, "text/plain; charset=utf-8", readFileSync(path.join(WORK, "song.lrc")));
  const planStart = Date.now();
  r = await api(miri.url, "POST", `${P}/plan`);
  if (r.status !== 200) throw new Error(`propose plan: ${r.status} ${r.text}`);
  const proposal = r.json;
  const planMs = Date.now() - planStart;
  r = await api(miri.url, "PUT", `${P}/plan`, { scenes: proposal.scenes, shots: proposal.shots });
  if (r.status !== 201) throw new Error(`commit plan: ${r.status} ${r.text}`);
  const shotIds = proposal.shots.map((x) => x.shotId);
  const N = shotIds.length;

  // Socket.IO: wake the wait on every project update.
  let wake = () => {};
  sock = io(miri.url, { transports: ["websocket"], auth: { token: TOKEN }, reconnection: true, timeout: 5000 });
  await new Promise((res, rej) => { sock.once("connect", res); sock.once("connect_error", rej); });
  const ack = await sock.timeout(5000).emitWithAck("subscribe", { projectId });
  if (!ack.ok) throw new Error(`subscribe: ${JSON.stringify(ack)}`);
  sock.on("PROJECT_UPDATED", () => wake());

  // Generate every shot at once (as "generate all" would).
  const t0 = Date.now();
  const answered = [];
  const gen = await Promise.all(shotIds.map(async (shotId) => {
    const res = await api(miri.url, "POST", "/api/shots/generate", { projectId, shotId });
    answered.push(Date.now() - t0);
    return res;
  }));
  const tGenerated = Date.now();
  const refused = gen.filter((x) => x.status !== 202);
  if (refused.length) throw new Error(`generate: ${refused.length} refused, e.g. ${refused[0].status} ${refused[0].text}`);

  // Wait for RENDERED (or FAILED), bounded in time and in polls.
  let status = null;
  let polls = 0;
  const deadline = t0 + TIMEOUT_MS;
  while (Date.now() < deadline && polls < TIMEOUT_MS / POLL_MS + 10) {
    polls++;
    r = await api(miri.url, "GET", P);
    status = r.json?.status;
    if (status === "RENDERED" || status === "FAILED") break;
    await new Promise((res) => { wake = res; setTimeout(res, POLL_MS); });
  }
  const tSeen = Date.now();

  // The event log: the truth of when each step happened.
  r = await api(miri.url, "GET", `${P}/events?limit=10000`);
  const events = r.json.events;
  const shots = (await api(miri.url, "GET", `${P}/shots`)).json;
  const shotList = Array.isArray(shots) ? shots : shots.shots;
  const byStatus = {};
  for (const s2 of shotList) byStatus[s2.status] = (byStatus[s2.status] ?? 0) + 1;
  if (status !== "RENDERED") {
    console.log(`project ${status ?? "unknown"} after ${s(tSeen - t0)} s (${polls} polls); shots: ${JSON.stringify(byStatus)}`);
    const last = events.filter((x) => !x.shotId).slice(-3).map((x) => `${x.from}->${x.to}: ${x.cause}`);
    console.log(`last project events: ${last.join(" | ")}`);
    // The shots that did not finish: their events and every log line that
    // names them, then the instance's warnings.
    const stuck = shotList.filter((x) => x.status !== "COMPLETED").map((x) => x.shotId);
    for (const id of stuck) {
      const trail = events.filter((x) => x.shotId === id).map((x) => `${x.at} ${x.from}->${x.to}: ${x.cause}`);
      console.log(`shot ${id} (${shotList.find((x) => x.shotId === id).status}): ${trail.join(" | ")}`);
      const names = [id, ...events.filter((x) => x.shotId === id && x.versionId).map((x) => x.versionId)];
      for (const l of miri.lines.filter((x) => names.some((n) => x.includes(n)))) console.log(`  ${l}`);
    }
    const count = (xs, f) => xs.reduce((m, x) => { const k = f(x); m[k] = (m[k] ?? 0) + 1; return m; }, {});
    console.log(`fal jobs: ${JSON.stringify(count([...emu.states.fal.jobs.values()], (j) => j.status))}; ` +
                `fal webhooks answered: ${JSON.stringify(count(emu.states.fal.outbox.deliveries, (d) => d.status))}; ` +
                `fal requests: ${JSON.stringify(count(emu.states.fal.log.entries, (x) => `${x.method} ${x.path.split("/").slice(0, 3).join("/")}`))}`);
    const warnings = miri.lines.filter((x) => /"level":"(warn|warning|error)"/.test(x));
    console.log(`miri warnings (${warnings.length}, last 30):\n${warnings.slice(-30).join("\n")}`);
    console.log(`miri log tail:\n${miri.lines.slice(-15).join("\n")}`);
    process.exitCode = 1;
    return;
  }

  const projectEvent = (to) => events.filter((x) => !x.shotId && x.to === to).at(-1);
  const tRendered = ms(projectEvent("RENDERED").at);
  const tFinal = ms(projectEvent("FINAL_RENDER").at);
  const renderMs = tRendered - tFinal;
  const makespan = tRendered - t0;
  const bound = providerBound(N, T);
  const lower = bound.end + renderMs;
  const ratio = makespan / lower;

  // Per shot: provider-side times (emulators) and Miri's events.
  const shotOf = new Map();  // versionId -> shotId
  const first = (shotId, to) => events.find((x) => x.shotId === shotId && x.to === to);
  for (const x of events) if (x.shotId && x.versionId) shotOf.set(x.versionId, x.shotId);
  const falJobs = new Map();
  for (const j of emu.states.fal.jobs.values()) {
    const job = j.webhook ? new URL(j.webhook).searchParams.get("job") : null;
    const shotId = job ? shotOf.get(job.split(":")[1]?.split("#")[0]) : null;
    if (shotId) falJobs.set(shotId, j);
  }
  const klingTasks = new Map();
  for (const t of emu.states.kling.tasks.values()) {
    const shotId = shotOf.get(String(t.external_task_id ?? "").split(":")[1]?.split("#")[0]);
    if (shotId) klingTasks.set(shotId, t);
  }
  const rows = shotIds.map((id) => {
    const f = falJobs.get(id);
    const k = klingTasks.get(id);
    return {
      id,
      dispatched: ms(first(id, "GENERATING_IMAGE")?.at),
      falSubmit: f?.submittedAt, falStart: f?.startedAt, falDone: f?.completedAt,
      imageReady: ms(first(id, "AWAITING_APPROVAL")?.at),
      videoDispatched: ms(first(id, "GENERATING_VIDEO")?.at),
      klingSubmit: k?.created_at, klingStart: k?.startedAt, klingDone: k?.endedAt,
      completed: ms(first(id, "COMPLETED")?.at),
    };
  });
  const col = (f) => rows.map(f);
  const maxOf = (xs) => Math.max(...xs.filter(Number.isFinite));
  const minOf = (xs) => Math.min(...xs.filter(Number.isFinite));

  // What the clip slots would have allowed given the images as they
  // actually arrived (separates image-side delay from clip-side delay).
  const actualImages = col((x) => x.falDone - t0).sort((a, b) => a - b);
  const clipsFromActual = Math.max(...listSchedule(actualImages, T.clipConcurrency, T.clipLatencyMs));
  // Clip slots idle while an image was ready but its clip not yet at Kling.
  const readyNotSent = col((x) => x.klingSubmit - x.falDone);

  const pass = ratio <= 1.10;
  const L = (line) => console.log(line);
  L(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}, ${(await import("node:os")).cpus().length} cores`);
  L(`song ${s(proposal.durationMs)} s, plan: ${N} shots in ${proposal.scenes.length} scenes (proposed in ${planMs} ms)`);
  L(`providers (emulated): images ${REALISTIC_TIMING.imageLatencyMs / 1000} s x ${T.imageConcurrency} slots, ` +
    `clips ${REALISTIC_TIMING.clipLatencyMs / 1000} s x ${T.clipConcurrency} slots; time scale ${T.timeScale}: ` +
    `image ${s(T.imageLatencyMs)} s, clip ${s(T.clipLatencyMs)} s`);
  L(`makespan (first generate -> RENDERED): ${s(makespan)} s`);
  L(`lower bound: ${s(lower)} s = providers ${s(bound.end)} s + measured render ${s(renderMs)} s`);
  L(`  (list-scheduling simulation of the ${N} shots, not a closed formula: all images submitted at 0 through ` +
    `${T.imageConcurrency} slots of ${s(T.imageLatencyMs)} s, each clip released when its image is ready, ` +
    `${T.clipConcurrency} clip slots of ${s(T.clipLatencyMs)} s; last image at ${s(Math.max(...bound.images))} s)`);
  L(`ratio makespan / lower bound: ${ratio.toFixed(3)} (target ratio <= 1.10: ${pass ? "PASS" : "FAIL"})`);
  L("where the time went (seconds from the first generate, or per shot):");
  L(`  generate requests: all ${N} answered by ${s(maxOf(answered))} s (${stats(answered)})`);
  L(`  image jobs at fal: first ${s(minOf(col((x) => x.falSubmit - t0)))} s, last ${s(maxOf(col((x) => x.falSubmit - t0)))} s ` +
    `(ideal: all at 0)`);
  L(`  fal queue wait per image: ${stats(col((x) => x.falStart - x.falSubmit))}`);
  L(`  last image done at fal: ${s(maxOf(col((x) => x.falDone - t0)))} s (ideal ${s(Math.max(...bound.images))} s)`);
  L(`  fal done -> AWAITING_APPROVAL event (webhook applied): ${stats(col((x) => x.imageReady - x.falDone))}`);
  L(`  AWAITING_APPROVAL -> clip task at Kling (auto-approval, submit): ${stats(col((x) => x.klingSubmit - x.imageReady))}`);
  L(`  image done at fal -> clip task at Kling (ideal 0): ${stats(readyNotSent)}`);
  L(`  Kling queue wait per clip: ${stats(col((x) => x.klingStart - x.klingSubmit))}`);
  L(`  last clip done at Kling: ${s(maxOf(col((x) => x.klingDone - t0)))} s (ideal ${s(bound.end)} s; ` +
    `${s(clipsFromActual)} s with the clip slots fed as the images actually arrived)`);
  L(`  Kling done -> COMPLETED event (callback, clip copied): ${stats(col((x) => x.completed - x.klingDone))}`);
  L(`  last COMPLETED -> FINAL_RENDER: ${s(tFinal - maxOf(col((x) => x.completed)))} s; render (FINAL_RENDER -> RENDERED): ${s(renderMs)} s`);
  L(`  gap to the bound: ${s(makespan - lower)} s; waited with ${polls} status polls + Socket.IO (seen ${s(tSeen - tRendered)} s after RENDERED)`);
  void tGenerated;
}

try {
  await main();
} catch (err) {
  console.error(`bench/pipeline failed: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  sock?.close();
  for (const c of children) await stopChild(c);
  await emu?.close();
}
process.exit(process.exitCode ?? 0);
