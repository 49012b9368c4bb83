// Cloud Run on loopback: `miri serve` and the render job with
// MIRI_STORE=firestore (the official Firestore emulator) and MIRI_GCS_BUCKET (the
// GCS JSON API emulator), local providers. Two serve instances share a
// project and its uploads only through the emulators; `miri render
// --project` renders a project from the bucket and stores the MP4 back.
// Every process started here is stopped here; every wait is bounded.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { startFirestore } from "../../fixtures/firestore_emulator/emulator.mjs";
import { startGcs } from "../../fixtures/gcs_emulator/server.mjs";
import { PROJECT_ID, TOKEN, api, projectBody, removeDir, startMiri, tempDir } from "../api/helpers.mjs";

const run = promisify(execFile);
const BUCKET = "miri-e2e-media";
let firestore, gcs, dir;

function cloudEnv(gcpProject) {
  return {
    MIRI_STORE: "firestore", FIRESTORE_EMULATOR_HOST: firestore.host,
    MIRI_FIRESTORE_PROJECT: gcpProject, MIRI_GCS_BUCKET: BUCKET,
    STORAGE_EMULATOR_HOST: gcs.base.replace("http://", ""), MIRI_PROVIDERS: "local",
  };
}

const object = (name) => gcs.state.buckets.get(BUCKET)?.get(name);

before(async () => {
  dir = tempDir("miri-e2e-cloud-");
  firestore = await startFirestore();
  gcs = await startGcs();
  const r = await fetch(`${gcs.base}/storage/v1/b?project=e2e`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: BUCKET }),
  });
  assert.equal(r.status, 200);
});
after(async () => {
  await gcs?.close();
  await firestore?.stop();
  removeDir(dir);
});

test("two serve instances share a project and its uploads only through the emulators", async () => {
  const env = cloudEnv(`miri-e2e-serve-${process.pid}`);
  const a = await startMiri({ dataDir: path.join(dir, "a"), env });
  const b = await startMiri({ dataDir: path.join(dir, "b"), env });
  try {
    const startup = a.lines.find((l) => l.includes("using configured adapters"));
    assert.match(startup, /store=firestore\(emulator 127\.0\.0\.1:\d+\)/);
    assert.match(startup, new RegExp(`blobs=gcs\\(bucket ${BUCKET} at emulator 127\\.0\\.0\\.1:\\d+\\)`));

    let r = await api(a.url, "POST", "/api/projects", projectBody());
    assert.equal(r.status, 201, r.text);
    const song = Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"),
                                Buffer.alloc(50000, 0xfb)]);
    const put = await fetch(`${a.url}/api/projects/${PROJECT_ID}/song`, {
      method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "audio/mpeg" }, body: song,
    });
    assert.equal(put.status, 200, await put.text());

    // The song is an object in the bucket, under its blob key.
    const stored = object(`projects/${PROJECT_ID}/audio/song.mp3`);
    assert.ok(stored, "the song is in the GCS emulator");
    assert.ok(stored.bytes.equals(song));
    assert.equal(stored.contentType, "audio/mpeg");

    // B reads the project A created, and its lyrics land in the same bucket.
    r = await api(b.url, "GET", `/api/projects/${PROJECT_ID}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.projectName, "Rain Song");
    const lyrics = await fetch(`${b.url}/api/projects/${PROJECT_ID}/lyrics`, {
      method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" },
      body: "[00:01.00] rain on the window\n",
    });
    assert.equal(lyrics.status, 200, await lyrics.text());
    assert.equal(object(`projects/${PROJECT_ID}/lyrics.txt`).bytes.toString(), "[00:01.00] rain on the window\n");
    r = await api(a.url, "GET", `/api/projects/${PROJECT_ID}/events`);
    assert.equal(r.status, 200, r.text);

    // Nothing went to the local embedded defaults.
    for (const d of ["a", "b"]) {
      assert.equal(existsSync(path.join(dir, d, "miri.db")), false);
      assert.equal(existsSync(path.join(dir, d, "blobs")), false);
    }
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("miri render --project renders from the bucket and stores the MP4 back", async () => {
  const env = { ...process.env, ...cloudEnv(`miri-e2e-render-${process.pid}`) };
  const media = path.join(dir, "media");
  await run("mkdir", ["-p", media]);
  const ffmpeg = (args) => run("ffmpeg", ["-loglevel", "error", "-y", ...args], { timeout: 60000 });
  await ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=8", "-c:a", "libmp3lame",
                path.join(media, "song.mp3")]);
  for (const [i, c] of ["red", "blue"].entries()) {
    await ffmpeg(["-f", "lavfi", "-i", `color=c=${c}:s=160x90:r=12:d=4`, "-c:v", "libx264",
                  "-pix_fmt", "yuv420p", path.join(media, `clip${i}.mp4`)]);
  }
  const seed = process.env.MIRI_RENDER_SEED;
  assert.ok(seed, "MIRI_RENDER_SEED is set by ctest");
  const seeded = await run(seed, [path.join(dir, "seed"), path.join(media, "song.mp3"),
                                  path.join(media, "clip0.mp4"), path.join(media, "clip1.mp4")],
                           { env, timeout: 60000 });
  const id = seeded.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);

  // A fresh data dir: the job has only the environment, like a Cloud Run task.
  const jobEnv = { ...env, MIRI_DATA_DIR: path.join(dir, "job") };
  const job = await run(process.env.MIRI_BIN,
                        ["render", "--project", id, "--size", "160x90", "--fps", "12",
                         "--preset", "ultrafast", "--quiet"], { env: jobEnv, timeout: 120000 });
  assert.equal(job.stderr, "");
  const mp4 = object(`projects/${id}/render/output.mp4`);
  assert.ok(mp4, "the render is in the bucket");
  assert.equal(mp4.contentType, "video/mp4");
  assert.equal(mp4.bytes.subarray(4, 8).toString(), "ftyp");
  const copy = path.join(dir, "fetched.mp4");
  writeFileSync(copy, mp4.bytes);
  const probe = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", copy],
                          { timeout: 30000 });
  assert.ok(Math.abs(Number(probe.stdout) - 8) < 0.2, `the cut lasts the song: ${probe.stdout}`);
  for (const ext of ["otio", "fcpxml", "edl"]) assert.ok(object(`projects/${id}/render/output.${ext}`), ext);
  const status = await run(seed, ["--status", path.join(dir, "seed"), id], { env, timeout: 30000 });
  assert.equal(status.stdout.trim(), "RENDERED");

  // A rendered project is not rendered again by accident.
  await assert.rejects(run(process.env.MIRI_BIN, ["render", "--project", id, "--quiet"],
                           { env: jobEnv, timeout: 60000 }),
                       (err) => err.code === 1 && /is RENDERED/.test(err.stderr));
});
