// The image checker process (server.mjs) as the C++ adapter sees it: a child
// speaking JSON lines on stdin/stdout. Every line on stdout is JSON; the
// model loads once; PNG and JPEG (base64 or a file path) get the five nsfwjs
// class probabilities; bad input gets an error reply with the same id; the
// process exits when its stdin closes. Run: node --test tools/image-check/
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server.mjs');
const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

let child;
let lines;      // every stdout line, parsed
let waiters;    // id -> resolve
let ready;
let dir;

function gradient(width, height) {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / width; data[i + 1] = (y * 255) / height; data[i + 2] = 128; data[i + 3] = 255;
    }
  return data;
}

function png(width, height) {
  const p = new PNG({ width, height });
  gradient(width, height).copy(p.data);
  return PNG.sync.write(p);
}

function jpg(width, height) {
  return jpeg.encode({ data: gradient(width, height), width, height }, 80).data;
}

// Resolves with the reply to `id`; rejects after 30 s (bounded, no sleep).
function ask(request) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${request.id}`)), 30000);
    waiters.set(request.id, (reply) => { clearTimeout(timer); resolve(reply); });
    child.stdin.write(JSON.stringify(request) + '\n');
  });
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'miri-image-check-'));
  lines = []; waiters = new Map();
  child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffered = '';
  let onReady;
  ready = new Promise((resolve) => { onReady = resolve; });
  child.stdout.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      const msg = JSON.parse(line);  // throws (fails the test) on anything but JSON
      lines.push(msg);
      if (msg.ready !== undefined) onReady(msg);
      else waiters.get(msg.id)?.(msg);
    }
  });
  const timer = setTimeout(() => onReady({ ready: false, error: 'no ready line within 60 s' }), 60000);
  await ready;
  clearTimeout(timer);
});

after(async () => {
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  rmSync(dir, { recursive: true, force: true });
});

test('announces itself once the bundled model is loaded', async () => {
  const r = await ready;
  assert.equal(r.ready, true, r.error);
  assert.equal(r.checker, 'nsfwjs/MobileNetV2');
  assert.equal(r.backend, 'wasm');
  assert.ok(r.loadMs >= 0);
});

test('a PNG sent as base64 gets the five class probabilities and timings', async () => {
  const reply = await ask({ id: 'png-1', image: png(96, 64).toString('base64') });
  assert.equal(reply.ok, true, reply.error);
  assert.deepEqual(Object.keys(reply.classes).sort(), CLASSES);
  const sum = Object.values(reply.classes).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-3, `probabilities sum to ${sum}`);
  assert.equal(reply.checker, 'nsfwjs/MobileNetV2');
  assert.deepEqual([reply.width, reply.height], [96, 64]);
  assert.ok(reply.ms.decode >= 0 && reply.ms.classify > 0 && reply.ms.total >= reply.ms.classify);
});

test('a JPEG given as a file path is decoded too', async () => {
  const file = path.join(dir, 'frame.jpg');
  writeFileSync(file, jpg(80, 60));
  const reply = await ask({ id: 'jpg-1', path: file });
  assert.equal(reply.ok, true, reply.error);
  assert.deepEqual([reply.width, reply.height], [80, 60]);
  assert.deepEqual(Object.keys(reply.classes).sort(), CLASSES);
});

test('the same image gets the same scores', async () => {
  const image = png(64, 64).toString('base64');
  const a = await ask({ id: 'same-1', image });
  const b = await ask({ id: 'same-2', image });
  assert.deepEqual(a.classes, b.classes);
});

test('bytes that are not PNG/JPEG are an invalid_image error with the id', async () => {
  const reply = await ask({ id: 'bad-1', image: Buffer.from('GIF89a nope').toString('base64') });
  assert.equal(reply.ok, false);
  assert.equal(reply.code, 'invalid_image');
  assert.match(reply.error, /PNG or JPEG/);
});

test('a truncated PNG is an invalid_image error, and the process carries on', async () => {
  const reply = await ask({ id: 'bad-2', image: png(32, 32).subarray(0, 60).toString('base64') });
  assert.equal(reply.ok, false);
  assert.equal(reply.code, 'invalid_image');
  const next = await ask({ id: 'after-bad', image: png(32, 32).toString('base64') });
  assert.equal(next.ok, true, next.error);
});

test('a request without image or path is a bad_request', async () => {
  const reply = await ask({ id: 'empty-1' });
  assert.equal(reply.ok, false);
  assert.equal(reply.code, 'bad_request');
});

test('every line on stdout was JSON with an id or the ready line', () => {
  assert.ok(lines.length >= 8);
  for (const l of lines) assert.ok(l.ready !== undefined || typeof l.id === 'string', JSON.stringify(l));
});

test('closing stdin stops the process (runs last)', async () => {
  const exited = once(child, 'exit');
  child.stdin.end();
  const [code] = await exited;
  assert.equal(code, 0);
});
