// The embedded image checker (issue 18 item 4): nsfwjs's MobileNetV2, whose
// weights ship inside the npm package, on TensorFlow.js with the wasm
// backend (the .wasm files ship in @tensorflow/tfjs-backend-wasm). Nothing
// is downloaded: no tfjs-node binary, no model URL. One long-lived process
// loads the model once; src/adapters/nsfwjs starts it and speaks JSON lines:
//
//   node tools/image-check/server.mjs [--backend wasm|cpu] [--verbose]
//   stdout, once:   {"ready":true,"checker":"nsfwjs/MobileNetV2","backend":"wasm",
//                    "loadMs":640,"versions":{...}}   (or {"ready":false,"error":...}, exit 1)
//   stdin:          {"id":"7","image":"<base64 PNG/JPEG>"}  or  {"id":"7","path":"/abs/file.png"}
//   stdout:         {"id":"7","ok":true,"checker":"nsfwjs/MobileNetV2","width":W,"height":H,
//                    "classes":{"Drawing":p,"Hentai":p,"Neutral":p,"Porn":p,"Sexy":p},
//                    "ms":{"decode":d,"classify":c,"total":t}}
//                   {"id":"7","ok":false,"code":"invalid_image"|"bad_request"|"internal","error":"..."}
//
// Requests are answered one at a time, in order. stdout carries only these
// lines: library chatter (console.*) goes to stderr. The process exits
// when stdin closes, so it never outlives the program that started it.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const out = process.stdout;
const verbose = process.argv.includes('--verbose');
const backendArg = process.argv.indexOf('--backend');
const BACKEND = backendArg > 0 ? process.argv[backendArg + 1] : 'wasm';
const CHECKER = 'nsfwjs/MobileNetV2';
const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

// Keep stdout for the protocol: tfjs and nsfwjs print banners with console.
const toStderr = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
console.log = console.info = console.debug = verbose ? toStderr : () => {};
console.warn = console.error = toStderr;

const send = (msg) => out.write(JSON.stringify(msg) + '\n');

class InputError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

// A package's version from its package.json (found from its entry point:
// some packages do not export ./package.json).
function version(pkg) {
  try {
    for (let dir = path.dirname(require.resolve(pkg)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      try {
        const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
        if (meta.name === pkg) return meta.version;
      } catch { /* no package.json at this level */ }
    }
  } catch { /* not resolvable */ }
  return 'unknown';
}

let tf, pngjs, jpeg, model;

async function load() {
  const started = performance.now();
  tf = await import('@tensorflow/tfjs');
  if (BACKEND === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Local .wasm files from the package (never a CDN).
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
  }
  if (!(await tf.setBackend(BACKEND))) throw new Error(`tfjs backend ${BACKEND} did not initialise`);
  await tf.ready();
  tf.enableProdMode();
  const { load: loadModel } = await import('nsfwjs/core');
  const { MobileNetV2Model } = await import('nsfwjs/models/mobilenet_v2');
  model = await loadModel('MobileNetV2', { modelDefinitions: [MobileNetV2Model] });
  pngjs = (await import('pngjs')).PNG;
  jpeg = (await import('jpeg-js')).default;
  // One warm-up inference so the first real image is not the slow one.
  const warm = tf.zeros([224, 224, 3], 'int32');
  await model.classify(warm, CLASSES.length);
  warm.dispose();
  return performance.now() - started;
}

// RGBA pixels of a PNG or JPEG; InputError for anything else.
function decode(bytes) {
  const isPng = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new InputError('invalid_image', 'the image is not PNG or JPEG');
  try {
    if (isPng) {
      const p = pngjs.sync.read(bytes);
      return { width: p.width, height: p.height, data: p.data };
    }
    const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 64, maxMemoryUsageInMB: 512 });
    return { width: j.width, height: j.height, data: j.data };
  } catch (e) {
    throw new InputError('invalid_image', `cannot decode the ${isPng ? 'PNG' : 'JPEG'}: ${e.message}`);
  }
}

async function check(request) {
  const t0 = performance.now();
  let bytes;
  if (typeof request.image === 'string' && request.image.length) bytes = Buffer.from(request.image, 'base64');
  else if (typeof request.path === 'string' && request.path.length) {
    try { bytes = await readFile(request.path); } catch (e) {
      throw new InputError('invalid_image', `cannot read ${request.path}: ${e.code ?? e.message}`);
    }
  } else throw new InputError('bad_request', 'a request needs "image" (base64) or "path"');
  const pixels = decode(bytes);
  const t1 = performance.now();
  const input = tf.browser.fromPixels(
    { width: pixels.width, height: pixels.height, data: new Uint8Array(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength) }, 3);
  let predictions;
  try { predictions = await model.classify(input, CLASSES.length); } finally { input.dispose(); }
  const t2 = performance.now();
  const classes = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  for (const p of predictions) classes[p.className] = p.probability;
  const round = (ms) => Math.round(ms * 100) / 100;
  return { ok: true, checker: CHECKER, width: pixels.width, height: pixels.height, classes,
    ms: { decode: round(t1 - t0), classify: round(t2 - t1), total: round(t2 - t0) } };
}

async function handle(line) {
  let request;
  try { request = JSON.parse(line); } catch {
    return send({ id: null, ok: false, code: 'bad_request', error: 'the line is not JSON' });
  }
  const id = typeof request?.id === 'string' ? request.id : null;
  try {
    send({ id, ...(await check(request ?? {})) });
  } catch (e) {
    send({ id, ok: false, code: e instanceof InputError ? e.code : 'internal', error: e.message });
  }
}

try {
  const loadMs = await load();
  send({ ready: true, checker: CHECKER, backend: tf.getBackend(), loadMs: Math.round(loadMs),
    versions: { nsfwjs: version('nsfwjs'), tfjs: version('@tensorflow/tfjs'), node: process.versions.node } });
} catch (e) {
  send({ ready: false, error: `the image checker cannot start: ${e.message}` });
  process.exit(1);
}

// One request at a time, in arrival order.
let queue = Promise.resolve();
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => handle(line));
});
input.on('close', () => { queue.then(() => process.exit(0)); });
process.on('SIGTERM', () => process.exit(0));
