// One `miri serve` (in-process bus) and the official socket.io-client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { io } from "socket.io-client";
import { PROJECT_ID, TOKEN, api, removeDir, seedProject, startMiri, tempDir, waitFor, webhook } from "./helpers.mjs";

let dir, miri, versions;

before(async () => {
  dir = tempDir("miri-e2e-sio-");
  miri = await startMiri({ dataDir: dir });
  versions = await seedProject(miri.url, 2);
});
after(async () => {
  await miri?.stop();
  removeDir(dir);
});

function connect(url, token = TOKEN) {
  return io(url, { transports: ["websocket"], auth: { token }, reconnection: false, timeout: 5000 });
}

test("a wrong token gets CONNECT_ERROR", async () => {
  const s = connect(miri.url, "nope");
  const err = await new Promise((resolve) => s.on("connect_error", resolve));
  assert.equal(err.message, "unauthorized");
  s.close();
});

test("subscribe acks, and an unknown project is refused in the ack", async () => {
  const s = connect(miri.url);
  await new Promise((r) => s.on("connect", r));
  assert.deepEqual(await s.timeout(3000).emitWithAck("subscribe", { projectId: PROJECT_ID }),
                   { ok: true, projectId: PROJECT_ID });
  const bad = await s.timeout(3000).emitWithAck("subscribe", { projectId: "nope" });
  assert.equal(bad.ok, false);
  assert.match(bad.error, /projectId/);
  s.close();
});

test("a webhook reaches the project's room as SHOT_UPDATED with seq", async () => {
  const s = connect(miri.url);
  await new Promise((r) => s.on("connect", r));
  await s.timeout(3000).emitWithAck("subscribe", { projectId: PROJECT_ID });
  const got = new Promise((resolve) => s.on("SHOT_UPDATED", resolve));
  const r = await webhook(miri.url, "fal", { shotId: "sh1", versionId: versions.sh1,
    id: "msg-1", body: { request_id: "req-1", status: "OK", payload: {} } });
  assert.equal(r.status, 200);
  const update = await got;
  assert.equal(update.shotId, "sh1");
  assert.equal(update.status, "AWAITING_APPROVAL");
  assert.equal(typeof update.seq, "number");
  const events = await api(miri.url, "GET", `/api/projects/${PROJECT_ID}/events?after=${update.seq - 1}`);
  assert.equal(events.json.events[0].seq, update.seq);
  s.close();
});

test("the server pings and the connection survives several ping intervals", async () => {
  const s = connect(miri.url);
  await new Promise((r) => s.on("connect", r));
  let pings = 0;
  s.io.on("ping", () => pings++);
  await waitFor("three pings", () => pings >= 3, 5000);  // interval is 300 ms here
  assert.equal(s.connected, true);
  s.close();
});

test("HTTP limits and auth over the real server", async () => {
  const big = "x".repeat(2 * 1024 * 1024);
  let res = await fetch(miri.url + "/api/projects", { method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: big });
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.issues[0].path, "body");
  res = await fetch(miri.url + "/api/projects", { headers: { "x-big": "y".repeat(9000) } });
  assert.equal(res.status, 431);
  res = await fetch(miri.url + "/api/projects");
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.issues[0].path, "Authorization");
  res = await fetch(miri.url + "/healthz");
  assert.equal(res.status, 200);
});

test("SIGTERM drains: the process exits 0 and logs the shutdown", async () => {
  const d = tempDir("miri-e2e-term-");
  const m = await startMiri({ dataDir: d });
  await m.stop("SIGTERM");
  assert.equal(m.child.exitCode, 0);
  assert.ok(m.lines.some((l) => l.includes("shutdown finished")));
  removeDir(d);
});
