// The Firestore cross-check: the C++ FirestoreStore writes a project into
// the official Firestore emulator (the run's, or one started and stopped
// here, on loopback); the official
// @google-cloud/firestore Node SDK reads it back, every document parses
// with the Zod schemas, and equals what the C++ side meant to write.
//
//   node cross_check.mjs PATH/TO/firestore_e2e_writer
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

import { Firestore } from '@google-cloud/firestore';

import { startFirestore } from '../../fixtures/firestore_emulator/emulator.mjs';

import {
  AgentConfigSchema, EventSchema, ProjectConfigSchema, ShotSchema,
  VersionSchema,
} from './schemas.mjs';

const writer = process.argv[2];
if (!writer) {
  console.error('usage: node cross_check.mjs WRITER');
  process.exit(2);
}
// A project id of its own: the emulator may be shared with other tests.
const GCP_PROJECT = `miri-e2e-${randomUUID().slice(0, 8)}`;

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

const emulator = await startFirestore();
const { host } = emulator;
let status = 0;
let db;
try {
  const env = { ...process.env, FIRESTORE_EMULATOR_HOST: host,
                GOOGLE_CLOUD_PROJECT: GCP_PROJECT };
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
  await emulator.stop();
}
process.exit(status);
