// The reference app for bench/api: the same job as `miri serve`'s webhook
// path, done the common Node way: Express + socket.io + @socket.io/redis-adapter.
// POST /api/webhooks/fal verifies the Standard Webhooks HMAC, parses the
// body, applies GENERATING_IMAGE -> AWAITING_APPROVAL idempotently, and
// emits SHOT_UPDATED to the project's room across instances.
// Unlike miri it keeps state in memory (no durable store, no fsync): that
// favours the reference.
// Env: PORT, REDIS_URL, WEBHOOK_SECRET.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import express from "express";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const key = Buffer.from(process.env.WEBHOOK_SECRET.slice("whsec_".length), "base64");
const pub = createClient({ url: process.env.REDIS_URL });
const sub = pub.duplicate();
await Promise.all([pub.connect(), sub.connect()]);

const app = express();
const server = http.createServer(app);
const io = new Server(server, { adapter: createAdapter(pub, sub), transports: ["websocket"] });
const status = new Map();  // shotId -> status
const seen = new Set();    // request ids
let seq = 0;

io.on("connection", (socket) => {
  socket.on("subscribe", ({ projectId }, ack) => {
    socket.join(projectId);
    ack?.({ ok: true, projectId });
  });
});

app.get("/healthz", (_req, res) => res.json({ status: "ok" }));
app.post("/api/webhooks/fal", express.raw({ type: "*/*", limit: "1mb" }), (req, res) => {
  const id = req.get("webhook-id"), ts = req.get("webhook-timestamp");
  const expected = Buffer.from("v1," + createHmac("sha256", key).update(`${id}.${ts}.${req.body}`).digest("base64"));
  const ok = (req.get("webhook-signature") || "").split(" ").some((s) => {
    const b = Buffer.from(s);
    return b.length === expected.length && timingSafeEqual(b, expected);
  });
  if (!ok || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return res.status(401).json({ error: "signature" });
  let body;
  try { body = JSON.parse(req.body); } catch { return res.status(400).json({ error: "body" }); }
  const { projectId, shotId } = req.query;
  if (seen.has(body.request_id)) return res.json({ applied: false, duplicate: true });
  const from = status.get(shotId) ?? "GENERATING_IMAGE";
  if (from !== "GENERATING_IMAGE") return res.json({ applied: false });
  seen.add(body.request_id);
  status.set(shotId, "AWAITING_APPROVAL");
  const event = { projectId, shotId, from, to: "AWAITING_APPROVAL", status: "AWAITING_APPROVAL", seq: ++seq };
  io.to(projectId).emit("SHOT_UPDATED", event);
  res.json({ applied: true, events: [event] });
});

server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  process.stderr.write(JSON.stringify({ msg: "listening", port: server.address().port }) + "\n");
});
process.on("SIGTERM", () => { io.close(); server.close(() => process.exit(0)); });
