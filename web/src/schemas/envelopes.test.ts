// The HTTP envelopes are strict: replies as a running `miri serve` sends
// them parse, and one field more is refused (a contract change).
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  ApiErrorBodySchema,
  BudgetSchema,
  CommandOutcomeSchema,
  EventListSchema,
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

// Recorded from miri serve (local providers) for each route's reply.
const replies: Array<[string, ZodType, Record<string, unknown>]> = [
  ['PUT .../song', UploadResultSchema, { blobKey: `projects/${P}/audio/song.mp3`, bytes: 120271 }],
  ['POST .../plan', PlanProposalSchema, { durationMs: 30000, tempoBpm: 0, scenes: [], shots: [], warnings: [{ code: 'NO_TEMPO', message: 'no beat found' }] }],
  ['PUT .../plan', PlanCommitResultSchema, { scenes: 2, shots: 6, seq: 3 }],
  ['GET .../events', EventListSchema, { events: [event], lastSeq: 7 }],
  ['GET .../budget', BudgetSchema, { capMicros: 10_000_000, spentMicros: 0, reservedMicros: 0, remainingMicros: 10_000_000, capUsd: 10 }],
  ['POST .../approve', CommandOutcomeSchema, { events: [event], duplicate: false, dispatched: true, note: 'queued', status: 'VALIDATION', versionId: 'v1' }],
  ['GET .../rules', RuleListSchema, { rules: [rule] }],
  ['RULE_UPDATED', RuleUpdatedPayloadSchema, rule],
  ['GET .../motion-brush', MotionBrushSchema, { trajectories: [{ points: [{ x: 0.1, y: 0.1 }, { x: 0.2, y: 0.3 }] }] }],
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
    expect(MotionBrushSchema.safeParse({ trajectories: [{ points: [{ x: 0, y: 0, z: 0 }, { x: 1, y: 1 }] }] }).success).toBe(false);
  });
});
