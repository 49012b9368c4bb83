// The HTTP envelopes are strict: replies as a running `miri serve` sends
// them parse, and one field more is refused (a contract change).
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  ApiErrorBodySchema,
  BudgetSchema,
  CommandOutcomeSchema,
  EventListSchema,
  ImageCheckSchema,
  MotionBrushSchema,
  PlanCommitResultSchema,
  PlanProposalSchema,
  RuleListSchema,
  RuleUpdatedPayloadSchema,
  UploadResultSchema,
} from './index';

const P = '3fc2e196-0c0e-41e6-a81b-caad8cbac775';
const AT = '2026-12-07T05:10:46.620Z';
const event = { projectId: P, seq: 7, eventId: 'e7', from: 'DRAFT', to: 'VALIDATION', status: 'VALIDATION', cause: 'generate', at: AT, shotId: 'shot-001' };
const rule = {
  ruleId: 'r9697000e',
  text: 'overly thin for the rain',
  kind: 'NEGATIVE',
  scope: 'CHARACTER',
  sourceVersionId: 'v1cb0166898f5',
  reason: 'her coat is too thin for the rain',
  imageBlob: `projects/${P}/shots/shot-002/v1cb0166898f5-image.png`,
  createdAt: AT,
  active: true,
  stats: { applied: 0, approvedAfter: 0, strengthened: 0 },
};

const notChecked = 'a classifier of explicit content cannot see this; a person or the cloud auditor must check it';
// GET .../versions/{v}/check from miri serve (the embedded nsfwjs checker).
const passedCheck = {
  checkedAt: '2026-12-07T08:00:42.133Z',
  checker: 'nsfwjs/MobileNetV2',
  complete: false,
  constraints: ['mouth-closed', 'loose-heavy-fabric-to-mid-calf', 'child-physique', 'no-other-identifiable-person'].map((id) => ({
    id,
    reason: notChecked,
    state: 'NOT_CHECKED',
  })),
  elapsedMs: 323,
  findings: [],
  passed: true,
  reason: "no explicit content (Porn 0.00, Hentai 0.01, Sexy 0.00); Miri's constraints are not checked by this classifier",
  scores: { Drawing: 0.4236980974674225, Hentai: 0.00520684476941824, Neutral: 0.5704659223556519, Porn: 0.00044560973765328526, Sexy: 0.00018360346439294517 },
  shotId: 'shot-001',
  versionId: 'v346fe803253d',
};
// The same route when the checker could not start (the image is held).
const heldCheck = {
  checkedAt: '2026-12-07T08:02:05.610Z',
  checker: 'nsfwjs',
  error: 'the image checker (nsfwjs) cannot start: {"ready":false,"error":"switched off by the test"}',
  held: true,
  passed: false,
  shotId: 'shot-001',
  versionId: 'v346fe803253d',
};
// A failing verdict of the Gemini checker (VerdictJson in orchestrator.cc).
const failedCheck = {
  checkedAt: AT,
  checker: 'gemini-2.5-flash',
  passed: false,
  complete: true,
  reason: 'her lips are parted',
  elapsedMs: 1830,
  findings: [{ ruleId: 'vision.mouth-closed', message: 'her lips are parted' }],
  constraints: [
    { id: 'mouth-closed', state: 'VIOLATED', reason: 'her lips are parted' },
    { id: 'child-physique', state: 'MET', reason: 'a child of about twelve' },
  ],
  promptAdherence: 4,
  continuity: 3,
  shotId: 'shot-002',
  versionId: 'v2',
};

// Recorded from miri serve (local providers) for each route's reply.
const replies: Array<[string, ZodType, Record<string, unknown>]> = [
  ['PUT .../song', UploadResultSchema, { blobKey: `projects/${P}/audio/song.mp3`, bytes: 120271 }],
  ['POST .../plan', PlanProposalSchema, { director: 'local', durationMs: 30000, tempoBpm: 0, scenes: [], shots: [], warnings: [{ code: 'NO_TEMPO', message: 'no beat found' }] }],
  ['PUT .../plan', PlanCommitResultSchema, { scenes: 2, shots: 6, seq: 3 }],
  ['GET .../events', EventListSchema, { events: [event], lastSeq: 7 }],
  ['GET .../budget', BudgetSchema, { capMicros: 10_000_000, spentMicros: 0, reservedMicros: 0, remainingMicros: 10_000_000, capUsd: 10 }],
  ['POST .../approve', CommandOutcomeSchema, { events: [event], duplicate: false, dispatched: true, note: 'queued', status: 'VALIDATION', versionId: 'v1' }],
  ['GET .../rules', RuleListSchema, { rules: [rule] }],
  ['RULE_UPDATED', RuleUpdatedPayloadSchema, rule],
  ['GET .../motion-brush', MotionBrushSchema, { dynamicMasks: [{ mask: 'iVBORw0KGgo=', trajectory: [{ x: 0.1, y: 0.1 }, { x: 0.2, y: 0.3 }] }], staticMask: 'iVBORw0KGgo=' }],
  ['GET .../check (passed)', ImageCheckSchema, passedCheck],
  ['GET .../check (held)', ImageCheckSchema, heldCheck],
  ['GET .../check (failed)', ImageCheckSchema, failedCheck],
  ['4xx', ApiErrorBodySchema, { error: { code: 'INVALID_ARGUMENT', message: 'invalid request', issues: [{ path: 'extra', message: 'unknown field' }] } }],
];

describe('API envelopes', () => {
  for (const [what, schema, reply] of replies) {
    it(`${what}: the server's reply parses; one field more is refused`, () => {
      expect(schema.safeParse(reply).success).toBe(true);
      expect(schema.safeParse({ ...reply, surpriseField: 1 }).success).toBe(false);
    });
  }

  it('nested envelope objects are strict too', () => {
    expect(EventListSchema.safeParse({ events: [{ ...event, extra: 1 }], lastSeq: 7 }).success).toBe(false);
    expect(ApiErrorBodySchema.safeParse({ error: { code: 'X', message: 'm', issues: [{ path: 'a', message: 'b', hint: 'c' }] } }).success).toBe(false);
    expect(MotionBrushSchema.safeParse({ dynamicMasks: [{ trajectory: [{ x: 0, y: 0, z: 0 }, { x: 1, y: 1 }] }] }).success).toBe(false);
  });

  it('an image check is a verdict or held, never a mix; its states and scores are bounded', () => {
    const parses = (x: unknown) => ImageCheckSchema.safeParse(x).success;
    expect(parses({ ...heldCheck, findings: [] }), 'a held check has no findings').toBe(false);
    expect(parses({ ...heldCheck, passed: true }), 'a held image never passed').toBe(false);
    expect(parses({ ...passedCheck, held: true }), 'a verdict is not held').toBe(false);
    expect(parses({ ...failedCheck, constraints: [{ id: 'mouth-closed', state: 'OPEN', reason: '' }] })).toBe(false);
    expect(parses({ ...failedCheck, findings: [{ ruleId: 'vision.x', message: 'm', offendingText: '' }] })).toBe(false);
    expect(parses({ ...failedCheck, promptAdherence: 6 })).toBe(false);
    expect(parses({ ...failedCheck, continuity: 0 })).toBe(false);
    expect(parses({ ...passedCheck, scores: { Porn: 1.5 } })).toBe(false);
  });
});
