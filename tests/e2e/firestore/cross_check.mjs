// The Firestore cross-check: the C++ FirestoreStore writes a project into
// the npm emulator (on loopback, started and stopped here); the official
// @google-cloud/firestore Node SDK reads it back, every document parses
// with the Zod schemas, and equals what the C++ side meant to write.
//
//   node cross_check.mjs PATH/TO/firestore_e2e_writer
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

import { FirestoreServer } from '@firestore-emulator/server';
import { Firestore } from '@google-cloud/firestore';

import {
  AgentConfigSchema, EventSchema, ProjectConfigSchema, ShotSchema,
  VersionSchema,
} from './schemas.mjs';

const writer = process.argv[2];
if (!writer) {
  console.error('usage: node cross_check.mjs WRITER');
  process.exit(2);
}
const GCP_PROJECT = 'miri-e2e';

const emulatorRequire = createRequire(
  createRequire(import.meta.url).resolve('@firestore-emulator/server'));
const { ServerCredentials } = emulatorRequire('@grpc/grpc-js');

async function startEmulator() {
  const emulator = new FirestoreServer();
  const port = await new Promise((resolve, reject) => {
    emulator.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)));
  });
  return { emulator, host: `127.0.0.1:${port}` };
}

function parse(schema, what, data) {
  const r = schema.safeParse(data);
  if (!r.success) {
    throw new Error(`${what} does not parse: ${JSON.stringify(r.error.issues)}\n` +
                    JSON.stringify(data));
  }
  return r.data;
}

async function check(db, expected) {
  const root = `projects/${expected.projectId}`;
  const project = await db.doc(root).get();
  assert.ok(project.exists, 'project document missing');
  assert.deepEqual(parse(ProjectConfigSchema, 'project', project.data()),
                   expected.project);

  const agents = await db.collection(`${root}/agentConfigs`).get();
  assert.deepEqual(
    agents.docs.map((d) => parse(AgentConfigSchema, `agent ${d.id}`, d.data())),
    expected.agentConfigs);

  const shots = await db.collection(`${root}/shots`).get();
  const byId = Object.fromEntries(shots.docs.map(
    (d) => [d.id, parse(ShotSchema, `shot ${d.id}`, d.data())]));
  for (const shot of expected.shots) assert.deepEqual(byId[shot.shotId], shot);
  assert.equal(shots.size, expected.shots.length);

  for (const v of expected.versions) {
    const doc = await db.doc(`${root}/shots/${v.shotId}/versions/${v.versionId}`).get();
    assert.ok(doc.exists, `version ${v.versionId} missing`);
    assert.deepEqual(parse(VersionSchema, `version ${v.versionId}`, doc.data()), v);
  }

  const events = await db.collection(`${root}/events`).orderBy('seq').get();
  const parsed = events.docs.map((d) => parse(EventSchema, `event ${d.id}`, d.data()));
  assert.deepEqual(parsed, expected.events);
  events.docs.forEach((d, i) => assert.equal(Number(d.id), parsed[i].seq));
  return { shots: shots.size, events: parsed.length };
}

const { emulator, host } = await startEmulator();
let status = 0;
let db;
try {
  const env = { ...process.env, FIRESTORE_EMULATOR_HOST: host,
                GOOGLE_CLOUD_PROJECT: GCP_PROJECT };
  // Asynchronously: the emulator runs on this process's event loop.
  const { stdout } = await promisify(execFile)(writer, [], { env, timeout: 60_000 });
  const expected = JSON.parse(stdout);
  process.env.FIRESTORE_EMULATOR_HOST = host;
  process.env.METADATA_SERVER_DETECTION = 'none';
  db = new Firestore({ projectId: GCP_PROJECT });
  const counts = await check(db, expected);
  console.log(`cross-check passed: project, ${expected.agentConfigs.length} ` +
              `agent config(s), ${counts.shots} shots, ` +
              `${expected.versions.length} version(s), ${counts.events} events`);
} catch (err) {
  console.error(`cross-check FAILED: ${err.stack ?? err}`);
  status = 1;
} finally {
  if (db) await db.terminate().catch(() => {});
  emulator.stop();
}
process.exit(status);
