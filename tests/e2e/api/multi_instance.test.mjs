// Issue 4 item 7: two `miri serve` instances, one redis-server, one shared
// store. A webhook posted to A reaches a socket.io-client connected to B;
// B is killed, the client reconnects (through the balancer) to A, refetches
// the event log after its last seq, and has lost no update.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { io } from "socket.io-client";
import { PROJECT_ID, TOKEN, api, removeDir, seedProject, startBalancer, startMiri, startRedis,
         tempDir, waitFor, webhook } from "./helpers.mjs";

let dir, redis, a, b, lb;

before(async () => {
  dir = tempDir("miri-e2e-multi-");
  redis = await startRedis();
  a = await startMiri({ dataDir: dir, redisUrl: redis.url });
  b = await startMiri({ dataDir: dir, redisUrl: redis.url });
  lb = await startBalancer(b.port);
});
after(async () => {
  await lb?.stop();
  await a?.stop();
  await b?.stop("SIGKILL");
  await redis?.stop();
  removeDir(dir);
});

test("webhook on A reaches a client on B; after B dies the client resyncs from A", async () => {
  const versions = await seedProject(a.url, 3);

  // The client keeps what it saw; the event log is the truth.
  const seen = new Map();  // seq -> event
  let lastSeq = 0;
  const apply = (e) => { seen.set(e.seq, e); lastSeq = Math.max(lastSeq, e.seq); };
  const initial = await api(lb.url, "GET", `/api/projects/${PROJECT_ID}/events`);
  initial.json.events.forEach(apply);

  const socket = io(lb.url, { transports: ["websocket"], auth: { token: TOKEN },
                              reconnectionDelay: 100, reconnectionDelayMax: 300, timeout: 5000 });
  let connects = 0;
  let subscribed = 0;  // acknowledged subscriptions (one per connect)
  socket.on("SHOT_UPDATED", apply);
  socket.on("connect", async () => {
    connects++;
    await socket.timeout(3000).emitWithAck("subscribe", { projectId: PROJECT_ID });
    subscribed++;
    // On every (re)connect: refetch what may have been missed.
    const missed = await api(lb.url, "GET", `/api/projects/${PROJECT_ID}/events?after=${lastSeq}`);
    missed.json.events.forEach(apply);
  });
  // The server acknowledged the subscription: B relays from now on.
  await waitFor("first subscription acknowledged", () => subscribed === 1);

  // 1. Webhook to A -> redis -> B -> client.
  let r = await webhook(a.url, "fal", { shotId: "sh1", versionId: versions.sh1, id: "m1",
                                         body: { request_id: "req-sh1", status: "OK" } });
  assert.equal(r.status, 200);
  // The image is checked off the webhook's thread (issue 18), so the move
  // to AWAITING_APPROVAL comes as an event after the webhook's answer.
  await waitFor("SHOT_UPDATED via B", () =>
    [...seen.values()].some((e) => e.shotId === "sh1" && e.status === "AWAITING_APPROVAL"), 20000);
  // A duplicate delivery (e.g. a provider retry on the other instance) changes nothing.
  r = await webhook(b.url, "fal", { shotId: "sh1", versionId: versions.sh1, id: "m1",
                                     body: { request_id: "req-sh1", status: "OK" } });
  assert.equal(r.json.duplicate, true);

  // 2. Kill B; the balancer now routes to A.
  await b.stop("SIGKILL");
  lb.route(a.port);
  await waitFor("disconnect", () => !socket.connected, 5000);

  // 3. Updates while the client is away.
  r = await webhook(a.url, "fal", { shotId: "sh2", versionId: versions.sh2, id: "m2",
                                     body: { request_id: "req-sh2", status: "OK" } });
  assert.equal(r.status, 200);
  // The log's event for sh2 once its image passed the check (bounded wait).
  let seqSh2;
  await waitFor("sh2 shown", async () => {
    const log = await api(a.url, "GET", `/api/projects/${PROJECT_ID}/events`);
    seqSh2 = log.json.events.find((e) => e.shotId === "sh2" && e.status === "AWAITING_APPROVAL")?.seq;
    return seqSh2 !== undefined;
  }, 20000);
  r = await webhook(a.url, "fal", { shotId: "sh3", versionId: versions.sh3, id: "m3",
                                     body: { request_id: "req-sh3", status: "ERROR", error: "nsfw filter" } });
  const seqSh3 = r.json.events[0].seq;

  // 4. Reconnected to A: the refetch fills the gap.
  await waitFor("reconnect to A", () => connects >= 2, 10000);
  await waitFor("missed updates", () => seen.has(seqSh2) && seen.has(seqSh3), 5000);
  assert.equal(seen.get(seqSh3).status, "FAILED");

  // 5. Live again through A.
  r = await api(a.url, "POST", `/api/projects/${PROJECT_ID}/shots/sh1/approve`);
  assert.equal(r.status, 202);
  const seqApprove = r.json.events[0].seq;
  await waitFor("live update from A", () => seen.has(seqApprove), 5000);

  // No update lost: the client's view has every seq of the log, no gaps.
  const log = await api(a.url, "GET", `/api/projects/${PROJECT_ID}/events`);
  const all = log.json.events.map((e) => e.seq);
  assert.deepEqual([...seen.keys()].sort((x, y) => x - y), all);
  for (let i = 1; i < all.length; i++) assert.equal(all[i], all[i - 1] + 1);
  socket.close();
});
