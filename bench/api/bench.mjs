// bench/api: the CPU each webhook costs the instance that receives it (A),
// `miri serve` against the Node reference app (reference/server.mjs), with
// the target "at most one third of Node's" (the headline: on two shared
// cores the load side, not A, caps the webhooks/s, so CPU per webhook is
// the figure that says what A costs). Also: webhooks per second and
// webhook-to-client latency across two instances sharing redis (webhook
// posted to A, client on B), process start-to-first-200, idle RSS, and the
// webhooks/s ceiling the load side leaves on this machine.
// The same job on both sides: miri also runs a vision check on every image
// (child safety; the reference checks nothing). Its cost is taken out of
// the headline and printed beside it: what the check costs A (miri logs
// each check's thread CPU: "... us of this instance's CPU") and what the
// classifier costs in its own process. The rest of the result path (the
// durable settle and move after the check, the publish) stays in the
// headline. Each phase's CPU runs from its first delivery until every
// shot of the phase has moved; A's CPU is also split by thread name.
// The webhooks run miri's real result path (CommandService::
// ApplyProviderResult -> Orchestrator::Apply: the version's outputs must be
// in the blob store, the ledger is settled, the shot moves): the instances
// run their local providers with MIRI_LOCAL_PROVIDERS=webhook (each job
// draws its 1280x720 frame and stores it, the result is held back for the
// webhook), and the bench waits until every seeded version's output is
// stored before it sends a webhook. A delivery counts only if it answers
// 200 with "applied":true.
// Latency: an open-loop Node sender at a fixed rate (no coordinated
// omission). Throughput: wrk (webhooks.lua) replays pre-signed deliveries
// with CONCURRENCY connections, so the load generator is not the limit.
// Usage: MIRI_BIN=build/src/app/miri node bench/api/bench.mjs
// Env: BENCH_RATE, BENCH_SECONDS (latency phase), BENCH_TPUT_SHOTS
// (throughput phase), BENCH_CONCURRENCY, BENCH_STORE_TIMEOUT_S (bound on
// waiting for the outputs).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { PROJECT_ID, TOKEN, WEBHOOK_SECRET, api, planBody, projectBody, removeDir, startMiri,
         startRedis, tempDir, waitFor } from "../../tests/e2e/api/helpers.mjs";
import { createHmac } from "node:crypto";

const here = path.dirname(fileURLToPath(import.meta.url));
const RATE = Number(process.env.BENCH_RATE || 500);        // webhooks/s, latency run
const SECONDS = Number(process.env.BENCH_SECONDS || 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 32);
const LAT_N = RATE * SECONDS;
// Each webhook moves a different shot once, so the project needs LAT_N +
// TPUT_N shots, each with its frame drawn and stored by a local provider
// job before the phases start (one project holds at most 7200 shots: an
// hour at 500 ms a shot). The throughput phase had 5000 shots; it has
// 2000, what a steady wrk run needs: on the real result path every frame
// is drawn and stored first, and seeding 3500 shots took ~150 s here (each
// generate reads every shot of the project, so 6500 take several times
// longer).
const TPUT_N = Number(process.env.BENCH_TPUT_SHOTS || 2000);
const STORE_TIMEOUT_MS = Number(process.env.BENCH_STORE_TIMEOUT_S || 900) * 1000;
const TARGET = 1 / 3;  // miri's CPU per webhook on A, as a share of Node's

// Every child this process starts is stopped by it, on any exit: the
// servers through their stop() (finally below), anything left (a failure
// between spawn and stop, a signal) by its pid on exit, and the temporary
// directories go with them. run.sh also runs this process in its own
// process group and stops that group.
const children = new Set(), dirs = new Set();
function track(proc) {
  children.add(proc.child);
  proc.child.once("exit", () => children.delete(proc.child));
  return proc;
}
function scratch(prefix) {
  const d = tempDir(prefix);
  dirs.add(d);
  return d;
}
let redis = null;
process.on("exit", () => {
  for (const c of children) { try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ } }
  for (const d of dirs) removeDir(d);
});
// A signal: the servers are asked to stop, redis-server stops (and its
// directory goes), then the exit above does the rest (bounded: 5 s).
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (stopping) return;  // once; a repeated signal changes nothing
    stopping = true;
    setTimeout(() => process.exit(130), 5000).unref();
    for (const c of children) { try { c.kill?.("SIGTERM"); } catch { /* gone */ } }
    (redis ? redis.stop() : Promise.resolve()).catch(() => {}).finally(() => process.exit(130));
  });
}

const key = Buffer.from(WEBHOOK_SECRET.slice("whsec_".length), "base64");
// One signed fal delivery (Standard Webhooks) for a shot.
function delivery(shotId, versionId, requestId) {
  const body = JSON.stringify({ request_id: requestId, status: "OK", payload: {},
                                target: { projectId: PROJECT_ID, shotId, versionId: versionId ?? "v" } });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac("sha256", key).update(`${requestId}.${ts}.${body}`).digest("base64");
  return { path: `/api/webhooks/fal?projectId=${PROJECT_ID}&shotId=${shotId}&versionId=${versionId ?? "v"}`,
           id: requestId, ts, sig: `v1,${sig}`, body };
}
function signedPost(base, shotId, versionId, requestId) {
  const d = delivery(shotId, versionId, requestId);
  return fetch(base + d.path, {
    method: "POST", body: d.body,
    headers: { "content-type": "application/json", "webhook-id": d.id, "webhook-timestamp": d.ts,
               "webhook-signature": d.sig },
  }).then(async (r) => {
    const text = await r.text();
    // Counted only when the result path moved the shot.
    return r.status === 200 && !text.includes('"applied":true') ? "not applied" : r.status;
  });
}

// wrk replays the deliveries (each once) over CONCURRENCY connections;
// it is stopped (SIGINT: it then prints its summary) once `finished()`.
async function wrkRun(url, file, finished, boundMs) {
  const args = ["-t1", `-c${CONCURRENCY}`, "-d600s", "--timeout", "10s",
                "-s", path.join(here, "webhooks.lua"), url, "--", file, "1"];
  const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
  track({ child });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stderr.on("data", (d) => { out += d; });
  const exited = new Promise((r) => child.once("exit", r));
  await waitFor("every delivery", finished, boundMs).catch(() => {});
  const wrkCpuMs = cpuMs(child.pid);
  child.kill("SIGINT");
  const code = await exited;
  const line = out.split("\n").find((l) => l.startsWith("{\"ok\""));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${out}`);
  return { ...JSON.parse(line), wrkCpuMs };
}

function pct(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
// CPU time (user + system) a process has used, in ms.
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 1000 / 100;  // clock ticks at 100 Hz
}
// CPU (ms) of each thread of a process, summed by thread name (miri names
// its threads: miri-io, miri-check, miri-redis-sub, miri-local-job; the
// request workers keep the process name).
function threadCpuMs(pid) {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try { stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"); } catch { continue; }  // exited
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    out[comm] = (out[comm] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return out;
}
function diffMs(after, before) {
  const out = {};
  for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
  return out;
}
// What the image checks cost A, from miri's one log line per check
// ("image check of version ...: passed in 143 ms, 812 us of this
// instance's CPU"): {n, ms}. The reference logs none.
function checkCpuMs(lines) {
  let n = 0, us = 0;
  for (const l of lines ?? []) {
    const m = l.includes("image check of version") && l.match(/(\d+) us of this instance's CPU/);
    if (m) { n++; us += Number(m[1]); }
  }
  return { n, ms: us / 1000 };
}

// The processes a process started (miri's image checker: a Node process
// running nsfwjs), with their CPU in ms.
function childrenCpuMs(pid) {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let kids = "";
    try { kids = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8"); } catch { continue; }
    for (const k of kids.split(" ").filter(Boolean)) {
      try { total += cpuMs(Number(k)); } catch { /* exited */ }
    }
  }
  return total;
}

function rssMb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startReference(redisUrl) {
  const child = spawn(process.execPath, [path.join(here, "reference/server.mjs")], {
    env: { ...process.env, PORT: "0", REDIS_URL: redisUrl, WEBHOOK_SECRET }, stdio: ["ignore", "ignore", "pipe"],
  });
  track({ child });
  const port = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("reference did not start")), 10000);
    child.stderr.on("data", (d) => {
      const m = d.toString().match(/"port":(\d+)/);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
  });
  return { port, child, url: `http://127.0.0.1:${port}`,
           stop: async () => { child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r)); } };
}

// Time from spawn to the first 200 of /healthz.
async function startToFirst200(spawnFn) {
  const t0 = performance.now();
  const proc = track(await spawnFn());
  const ms = await waitFor("first 200", async () => {
    try {
      const r = await fetch(proc.url + "/healthz");
      return r.status === 200 ? performance.now() - t0 : 0;
    } catch { return 0; }
  }, 10000, 2);
  await new Promise((r) => setTimeout(r, 1000));
  const rss = rssMb(proc.child.pid);
  await proc.stop();
  return { ms, rss };
}

// Creates the project and its plan and asks for every shot's image,
// alternating between the instances (each instance's local provider draws
// the jobs it dispatched; two cores, two drawing workers); returns the
// version ids and the output keys the versions name.
async function seedMiri(bases, shots) {
  let r = await api(bases[0], "POST", "/api/projects", projectBody());
  if (r.status !== 201) throw new Error(r.text.slice(0, 500));
  r = await api(bases[0], "PUT", `/api/projects/${PROJECT_ID}/plan`, planBody(shots));
  if (r.status !== 201) throw new Error(r.text.slice(0, 500));
  const versions = new Array(shots + 1);
  let next = 1;
  const generate = async () => {
    while (next <= shots) {
      const i = next++;
      const g = await api(bases[i % bases.length], "POST", "/api/shots/generate",
                          { projectId: PROJECT_ID, shotId: `sh${i}` });
      if (g.status !== 202) throw new Error(g.text.slice(0, 500));
      versions[i] = g.json.versionId;
    }
  };
  await Promise.all(Array.from({ length: 8 }, generate));
  // The output keys, as stored with each version (the versions route).
  const outputs = [];
  next = 1;
  const list = async () => {
    while (next <= shots) {
      const i = next++;
      const v = await api(bases[0], "GET", `/api/projects/${PROJECT_ID}/shots/sh${i}/versions`);
      const mine = v.json?.versions?.find((x) => x.versionId === versions[i]);
      if (v.status !== 200 || !mine?.outputs?.length)
        throw new Error(`versions of sh${i}: ${v.status} ${v.text.slice(0, 300)}`);
      outputs.push(...mine.outputs);
    }
  };
  await Promise.all(Array.from({ length: 8 }, list));
  return { versions, outputs };
}

// Waits (bounded) until every key is a file under the data dir's blobs/
// (a stat per key still missing, every 250 ms): the local providers'
// jobs have drawn and stored every output, so no webhook meets a 503.
async function waitForOutputs(dataDir, keys, timeoutMs) {
  let missing = keys;
  await waitFor(`${keys.length} outputs stored`, () => {
    missing = missing.filter((k) => !existsSync(path.join(dataDir, "blobs", k)));
    return missing.length === 0;
  }, timeoutMs, 250).catch((e) => { throw new Error(`${e.message}: ${missing.length} missing`); });
}

// Each phase's CPU on A is taken from its first delivery until every shot
// of the phase has moved (its SHOT_UPDATED reached the client on B): on
// miri an image's move waits for its vision check, so the webhook's whole
// job, check included, falls inside the phase it belongs to.
async function measure(name, a, b, versions, total, redisPid) {
  const socket = io(b.url, { transports: ["websocket"], auth: { token: TOKEN } });
  await new Promise((r) => socket.on("connect", r));
  await socket.timeout(5000).emitWithAck("subscribe", { projectId: PROJECT_ID });
  const sent = new Map(), lat = [], moved = new Set();
  socket.on("SHOT_UPDATED", (e) => {
    if (moved.has(e.shotId)) return;
    moved.add(e.shotId);
    const t = sent.get(e.shotId);
    if (t !== undefined) lat.push(performance.now() - t);
  });
  const movedIn = (from, to) => { let n = 0; for (let i = from; i <= to; i++) n += moved.has(`sh${i}`) ? 1 : 0; return n; };
  const snapshot = () => ({ threads: threadCpuMs(a.child.pid), checker: childrenCpuMs(a.child.pid),
                            checks: checkCpuMs(a.lines), a: cpuMs(a.child.pid), b: cpuMs(b.child.pid),
                            redis: cpuMs(redisPid) });
  const perWebhook = (s1, s0, n) => {
    const threads = diffMs(s1.threads, s0.threads);
    const us = (ms) => (ms * 1000) / n;
    const checks = s1.checks.ms - s0.checks.ms;
    return { a: us(s1.a - s0.a), b: us(s1.b - s0.b), redis: us(s1.redis - s0.redis),
             checker: us(s1.checker - s0.checker), checksA: us(checks), checked: s1.checks.n - s0.checks.n,
             // The webhook's job as the reference does it: A's CPU but the
             // vision check's (which the reference does not do).
             path: us(s1.a - s0.a - checks),
             threads: Object.fromEntries(Object.entries(threads).map(([k, v]) => [k, us(v)])) };
  };
  // A bound on waiting for the moves: the vision check runs one image at a
  // time (~135-250 ms each on these cores).
  const moveBoundMs = (n) => 15000 + n * 500;
  // 1. Latency at a fixed rate (open loop: sends on schedule, not on replies).
  const lat0 = snapshot();
  const t0 = performance.now();
  const pending = [];
  let errors = 0;
  for (let i = 1; i <= LAT_N; i++) {
    const due = t0 + ((i - 1) * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.set(`sh${i}`, performance.now());
    pending.push(signedPost(a.url, `sh${i}`, versions?.[i], `lat-${i}`).then((s) => { if (s !== 200) errors++; }));
  }
  await Promise.all(pending);
  const sendSeconds = (performance.now() - t0) / 1000;
  await waitFor("latency-phase moves", () => movedIn(1, LAT_N) >= LAT_N, moveBoundMs(LAT_N)).catch(() => {});
  const latCpu = perWebhook(snapshot(), lat0, LAT_N);
  lat.sort((x, y) => x - y);
  const latency = { p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1],
                    delivered: lat.length, sent: LAT_N, errors, achievedRate: LAT_N / sendSeconds,
                    cpuUsA: latCpu.path };
  // 2. Sustained throughput: wrk, CONCURRENCY connections, until the shots run out.
  const file = path.join(scratch("miri-bench-wrk-"), "deliveries.tsv");
  const lines = [];
  for (let i = LAT_N + 1; i <= total; i++) {
    const d = delivery(`sh${i}`, versions?.[i], `tp-${i}`);
    lines.push([d.path, d.id, d.ts, d.sig, d.body].join("\t"));
  }
  writeFileSync(file, lines.join("\n") + "\n");
  const n = lines.length;
  const s0 = snapshot();
  const self0 = process.cpuUsage();
  const m0 = performance.now();
  const w = await wrkRun(a.url, file, () => movedIn(LAT_N + 1, total) >= n, moveBoundMs(n));
  const movedSeconds = (performance.now() - m0) / 1000;
  const self = process.cpuUsage(self0);
  const cpu = perWebhook(snapshot(), s0, w.ok);
  removeDir(path.dirname(file));
  socket.close();
  return { name, latency, throughput: { perSecond: w.ok / w.seconds, done: w.ok,
                                         errors: w.failed + w.notApplied + w.socketErrors,
                                         delivered: movedIn(LAT_N + 1, total), seconds: w.seconds, movedSeconds,
                                         cpuUsA: cpu.a, cpuUsB: cpu.b, threadsA: cpu.threads,
                                         cpuUsPath: cpu.path, cpuUsChecksA: cpu.checksA, checked: cpu.checked,
                                         cpuUsChecker: cpu.checker,
                                         // the load side: wrk, this process (the socket.io client), redis
                                         cpuUsWrk: (w.wrkCpuMs * 1000) / w.ok,
                                         cpuUsClient: (self.user + self.system) / w.ok,
                                         cpuUsRedis: cpu.redis } };
}

function print(r) {
  const l = r.latency, t = r.throughput;
  console.log(`${r.name.padEnd(10)} throughput ${t.perSecond.toFixed(0)} webhooks/s (wrk, ${CONCURRENCY} connections, ${t.seconds.toFixed(2)} s, ` +
              `${t.done} ok, ${t.errors} errors, ${t.delivered} delivered to the client on B)`);
  console.log(`${"".padEnd(10)} CPU per webhook: ${t.cpuUsA.toFixed(0)} us on A (receives it), ` +
              `${t.cpuUsB.toFixed(0)} us on B (relays it to the client); every shot moved ${t.movedSeconds.toFixed(1)} s after the first delivery`);
  if (t.checked) {
    console.log(`${"".padEnd(10)} of A's: the webhook path ${t.cpuUsPath.toFixed(0)} us, the image check ${t.cpuUsChecksA.toFixed(0)} us ` +
                `(${t.checked} checks: the image read and sent to the classifier, its verdict stored); ` +
                `the classifier's own process (nsfwjs) ${t.cpuUsChecker.toFixed(0)} us more`);
  }
  const threads = Object.entries(t.threadsA).filter(([, v]) => v >= 1).sort((x, y) => y[1] - x[1]);
  if (threads.length > 1) {
    console.log(`${"".padEnd(10)} on A by thread: ${threads.map(([k, v]) => `${k} ${v.toFixed(0)} us`).join(", ")}` +
                "");
  }
  console.log(`${"".padEnd(10)} load side per webhook: wrk ${t.cpuUsWrk.toFixed(0)} us, ` +
              `socket.io-client ${t.cpuUsClient.toFixed(0)} us, redis ${t.cpuUsRedis.toFixed(0)} us`);
  console.log(`${"".padEnd(10)} latency at ${RATE}/s (achieved ${l.achievedRate.toFixed(0)}/s): ` +
              `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms ` +
              `(${l.delivered}/${l.sent} delivered, ${l.errors} errors; CPU on A ${l.cpuUsA.toFixed(0)} us a webhook)`);
}

redis = await startRedis();
children.add({ pid: redis.pid });
const dir = scratch("miri-bench-");
try {
  console.log(`machine: ${(await import("node:os")).cpus().length} cores, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  const total = LAT_N + TPUT_N;
  // miri: two instances, one redis, one SQLite file, one blobs/ folder.
  // Local providers draw and store each job's output but hold its result
  // back (only the webhook applies it). The reconciler would apply held
  // results of jobs older than a minute itself (its poll), moving shots
  // before their webhooks: its period is set past the bench's length.
  const env = { MIRI_SIO_PING_INTERVAL_MS: "25000", MIRI_SIO_PING_TIMEOUT_MS: "20000",
                MIRI_LOCAL_PROVIDERS: "webhook", MIRI_RECONCILE_INTERVAL_MS: "86400000" };
  const a = track(await startMiri({ dataDir: dir, redisUrl: redis.url, env }));
  const b = track(await startMiri({ dataDir: dir, redisUrl: redis.url, env }));
  console.log(`seeding ${total} shots in one project: ${LAT_N} for the latency phase (${RATE}/s for ${SECONDS} s), ` +
              `${TPUT_N} for the throughput phase (reduced from 5000 to keep seeding short); ` +
              `each webhook moves a different shot once`);
  const s0 = performance.now();
  const { versions, outputs } = await seedMiri([a.url, b.url], total);
  const s1 = performance.now();
  await waitForOutputs(dir, outputs, STORE_TIMEOUT_MS);
  const s2 = performance.now();
  console.log(`seeded ${total} shots in GENERATING_IMAGE through the API in ${((s1 - s0) / 1000).toFixed(1)} s; ` +
              `every output stored (${outputs.length} frames of 1280x720 drawn by the local providers) ` +
              `${((s2 - s1) / 1000).toFixed(1)} s later: ${((s2 - s0) / 1000).toFixed(1)} s in all`);
  const miri = await measure("miri", a, b, versions, total, redis.pid);
  await a.stop(); await b.stop();
  // reference: two instances, same redis.
  const ra = await startReference(redis.url), rb = await startReference(redis.url);
  const ref = await measure("reference", ra, rb, null, total, redis.pid);
  await ra.stop(); await rb.stop();
  // The same job on both sides: miri's image check (which the reference
  // does not do) is printed apart, under the headline.
  const ratio = miri.throughput.cpuUsPath / ref.throughput.cpuUsA;
  console.log(`HEADLINE CPU per webhook on A (receives it; wrk phase; the same job: verify, apply, store, ` +
              `publish; miri's image check apart): miri ${miri.throughput.cpuUsPath.toFixed(0)} us, ` +
              `reference ${ref.throughput.cpuUsA.toFixed(0)} us: miri/reference ${ratio.toFixed(2)} ` +
              `(target <= ${TARGET.toFixed(2)}, one third of Node's): ${ratio <= TARGET ? "PASS" : "FAIL"}`);
  print(miri);
  print(ref);
  console.log(`ratio miri/reference: throughput ${(miri.throughput.perSecond / ref.throughput.perSecond).toFixed(2)}x, ` +
              `CPU per webhook on A (the same job) ${ratio.toFixed(2)}x, ` +
              `p99 latency ${(miri.latency.p99 / ref.latency.p99).toFixed(2)}x (lower is better)`);
  const d2 = scratch("miri-bench-start-");
  const ms = await startToFirst200(() => startMiri({ dataDir: d2 }));
  const rs = await startToFirst200(() => startReference(redis.url));
  removeDir(d2);
  // What no server can avoid here: the load side plus B's relay share the
  // cores with A, so they bound the webhooks/s any A could show.
  const cores = (await import("node:os")).cpus().length;
  const t = miri.throughput;
  const floorUs = t.cpuUsWrk + t.cpuUsClient + t.cpuUsRedis + t.cpuUsB;
  console.log(`machine ceiling: ${floorUs.toFixed(0)} us of CPU a webhook outside A; on ${cores} cores at most ` +
              `${((cores * 1e6) / floorUs).toFixed(0)} webhooks/s even if A cost nothing ` +
              `(5x the reference would be ${(5 * ref.throughput.perSecond).toFixed(0)}/s)`);
  console.log(`start-to-first-200: miri ${ms.ms.toFixed(0)} ms, reference ${rs.ms.toFixed(0)} ms`);
  console.log(`idle RSS: miri ${ms.rss.toFixed(1)} MB, reference ${rs.rss.toFixed(1)} MB`);
} finally {
  // Whatever is still running (a phase that threw): stopped here.
  for (const c of [...children]) {
    if (c.pid === redis.pid || c.exitCode !== null || c.signalCode !== null) continue;
    try { c.kill("SIGTERM"); } catch { /* gone */ }
    await new Promise((r) => { c.once("exit", r); setTimeout(r, 5000); });
  }
  await redis.stop();
  children.clear();
  removeDir(dir);
}
process.exit(0);
