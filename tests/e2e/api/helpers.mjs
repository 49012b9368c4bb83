// Helpers for the API end-to-end tests: real `miri serve` processes, a real
// redis-server, a loopback TCP "load balancer", and Standard Webhooks
// signing. Everything binds 127.0.0.1; every process started is stopped by
// its pid; every wait is bounded.
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const TOKEN = "e2e-token";
export const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const PROJECT_ID = "123e4567-e89b-12d3-a456-426614174000";

export function tempDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function waitFor(what, fn, timeoutMs = 10000, stepMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
  });
}

async function stopChild(child, signal = "SIGTERM", timeoutMs = 10000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid, signal);
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, "SIGKILL");
  }, timeoutMs);
  await exited(child);
  clearTimeout(timer);
}

function redisPing(port) {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port }, () => c.write("PING\r\n"));
    c.setTimeout(500, () => { c.destroy(); resolve(false); });
    c.on("data", (d) => { c.destroy(); resolve(d.toString().startsWith("+PONG")); });
    c.on("error", () => resolve(false));
  });
}

// A redis-server child on a free loopback port (not daemonized: it is our
// child and stops with stop()).
export async function startRedis() {
  const port = await freePort();
  const dir = tempDir("miri-e2e-redis-");
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  await waitFor("redis-server", () => redisPing(port), 5000);
  return {
    port,
    pid: child.pid,
    url: `redis://127.0.0.1:${port}`,
    async stop() { await stopChild(child); removeDir(dir); },
  };
}

// `miri serve --port 0` with the given data dir and env; resolves once its
// "listening" log line names the port.
export async function startMiri({ dataDir, redisUrl, env = {} }) {
  const bin = process.env.MIRI_BIN;
  if (!bin) throw new Error("MIRI_BIN is not set (ctest passes the miri binary path)");
  const child = spawn(bin, ["serve", "--port", "0", "--data", dataDir], {
    env: { ...process.env, MIRI_API_TOKEN: TOKEN, MIRI_WEBHOOK_SECRET: WEBHOOK_SECRET,
           MIRI_REDIS_URL: redisUrl ?? "", MIRI_LOG_REQUESTS: "0",
           MIRI_SIO_PING_INTERVAL_MS: "300", MIRI_SIO_PING_TIMEOUT_MS: "300",
           // These tests play the providers' webhooks themselves: the local
           // providers run each job (its outputs stored) but hold the
           // result back for the test's webhook.
           MIRI_LOCAL_PROVIDERS: "webhook", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const lines = [];
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("miri serve did not start:\n" + lines.join("\n"))), 10000);
    let buf = "";
    child.stderr.on("data", (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        try {
          const j = JSON.parse(line);
          if (j.msg === "listening") { clearTimeout(timer); resolve(j.port); }
        } catch { /* not JSON */ }
      }
    });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`miri exited ${code}:\n${lines.join("\n")}`)); });
  });
  return {
    port, child, lines,
    url: `http://127.0.0.1:${port}`,
    stop: (signal = "SIGTERM") => stopChild(child, signal),
    exited: () => exited(child),
  };
}

// A loopback TCP forwarder standing in for the load balancer: clients dial
// it; it forwards to whichever instance is current.
export async function startBalancer(targetPort) {
  let target = targetPort;
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: "127.0.0.1", port: target });
    sockets.add(client); sockets.add(upstream);
    client.pipe(upstream); upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on("error", end); upstream.on("error", end);
    client.on("close", end); upstream.on("close", end);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    route(port) { target = port; },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

export async function api(base, method, pathname, body, headers = {}) {
  const res = await fetch(base + pathname, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`,
               ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

// A provider webhook signed the Standard Webhooks way. Like a provider, it
// delivers again after a 503 (the job's output not stored yet) when told to
// retry, at most `attempts` times, waiting Retry-After between tries.
// The signed body names the job (target), as the server requires: the
// signature covers only the body.
export async function webhook(base, provider, { shotId, versionId, body, id, attempts = 50 }) {
  const raw = JSON.stringify({ ...body, target: { projectId: PROJECT_ID, shotId, versionId } });
  const key = Buffer.from(WEBHOOK_SECRET.slice("whsec_".length), "base64");
  const q = `projectId=${PROJECT_ID}&shotId=${shotId}&versionId=${versionId}`;
  for (let attempt = 1; ; attempt++) {
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac("sha256", key).update(`${id}.${ts}.${raw}`).digest("base64");
    const res = await fetch(`${base}/api/webhooks/${provider}?${q}`, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": id,
                 "webhook-timestamp": ts, "webhook-signature": `v1,${sig}` },
      body: raw,
    });
    const json = await res.json();
    if (res.status !== 503 || attempt >= attempts) return { status: res.status, json };
    // The local provider is still drawing the output: retry shortly (a
    // bounded provider-style retry; the server's Retry-After is 1 s, which
    // a test shortens to keep fast).
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function projectBody() {
  return {
    projectId: PROJECT_ID, projectName: "Rain Song",
    globalSettings: { llmModel: "gemini-3.8-flash", imageModel: "fal-ai/flux-2/lora",
                      videoModel: "kling-v2-5-turbo", loraWeightsId: "miriN14",
                      requireHumanApproval: true, budgetCapUsd: 10 },
  };
}

export function planBody(shots = 2) {
  const list = [];
  const ms = 500;  // a song is at most an hour: up to 7200 shots
  for (let i = 1; i <= shots; i++) {
    list.push({ shotId: `sh${i}`, sceneId: "sc1", timestamps: { startMs: (i - 1) * ms, endMs: i * ms },
                lyricsSnippet: "", description: "Miri at a window" });
  }
  return { scenes: [{ sceneId: "sc1", startMs: 0, endMs: shots * ms, label: "intro" }], shots: list };
}

// Creates the project and its plan, and moves the shots to GENERATING_IMAGE;
// returns {shotId: versionId}.
export async function seedProject(base, shots = 2) {
  let r = await api(base, "POST", "/api/projects", projectBody());
  if (r.status !== 201) throw new Error(`create project: ${r.status} ${r.text}`);
  r = await api(base, "PUT", `/api/projects/${PROJECT_ID}/plan`, planBody(shots));
  if (r.status !== 201) throw new Error(`plan: ${r.status} ${r.text}`);
  const versions = {};
  for (let i = 1; i <= shots; i++) {
    r = await api(base, "POST", "/api/shots/generate", { projectId: PROJECT_ID, shotId: `sh${i}` });
    if (r.status !== 202) throw new Error(`generate: ${r.status} ${r.text}`);
    versions[`sh${i}`] = r.json.versionId;
  }
  return versions;
}

export const CALLBACK_SECRET = "e2e-callback-secret-0123456789";

// The env that points `miri serve` at the provider emulators for fal and
// Kling (tests/fixtures/provider_emulators), with webhooks to `publicUrl`.
export function cloudProvidersEnv(bases, publicUrl) {
  return {
    FAL_KEY: "test-fal-key",
    MIRI_FAL_LORAS: "miriN14=https://example.com/miriN14.safetensors",
    MIRI_FAL_QUEUE_URL: bases.fal,
    MIRI_FAL_REST_URL: bases.fal,
    MIRI_FAL_JWKS_URL: `${bases.fal}/.well-known/jwks.json`,
    MIRI_FAL_RESULT_HOSTS: "127.0.0.1",
    KLING_ACCESS_KEY: "test-ak",
    KLING_SECRET_KEY: "test-sk",
    MIRI_KLING_BASE_URL: bases.kling,
    MIRI_KLING_RESULT_HOSTS: "127.0.0.1",
    MIRI_PUBLIC_URL: publicUrl,
    MIRI_CALLBACK_SECRET: CALLBACK_SECRET,
    MIRI_TEST_LOOPBACK_FETCH: "1",
    MIRI_LOCAL_PROVIDERS: "",
  };
}

// POST to an emulator's /__control/<path>; asserts a 200.
export async function emulatorControl(base, path, body) {
  const r = await fetch(`${base}/__control/${path}`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}),
  });
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
}
