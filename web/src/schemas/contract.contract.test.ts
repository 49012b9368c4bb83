// Parses the C++ ToJson samples (tests/contract/emit_samples) with the Zod
// schemas. MIRI_EMIT_SAMPLES names the executable; CTest sets it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import {
  AgentConfigSchema,
  EventSchema,
  FindingSchema,
  GlobalSettingsSchema,
  LedgerEntrySchema,
  ProjectConfigSchema,
  RuleEventSchema,
  RuleSchema,
  SceneSchema,
  ShotSchema,
  VersionSchema,
} from './index';

const schemas: Record<string, ZodType> = {
  GlobalSettings: GlobalSettingsSchema,
  ProjectConfig: ProjectConfigSchema,
  AgentConfig: AgentConfigSchema,
  Scene: SceneSchema,
  Shot: ShotSchema,
  Version: VersionSchema,
  Finding: FindingSchema,
  Event: EventSchema,
  Rule: RuleSchema,
  RuleEvent: RuleEventSchema,
  LedgerEntry: LedgerEntrySchema,
};

const exe = process.env.MIRI_EMIT_SAMPLES;
if (!exe) throw new Error('set MIRI_EMIT_SAMPLES to the path of the emit_samples executable');
const samples = JSON.parse(
  execFileSync(exe, { encoding: 'utf8', timeout: 10_000 }),
) as Record<string, unknown[]>;

describe('C++ ToJson output parses with the Zod schemas', () => {
  it('emits every type the web knows and no unknown type', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(schemas).sort());
  });

  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: every sample parses and round-trips unchanged`, () => {
      const list = samples[name] ?? [];
      expect(list.length).toBeGreaterThan(0);
      for (const doc of list) {
        const r = schema.safeParse(doc);
        if (!r.success) {
          throw new Error(`${name} ${JSON.stringify(doc)}\n${r.error.message}`);
        }
        expect(r.data).toEqual(doc);
      }
    });

    it(`${name}: an unknown field is refused (strict, like JsonReader)`, () => {
      const doc = samples[name]?.[0] as Record<string, unknown>;
      expect(schema.safeParse({ ...doc, surpriseField: 1 }).success).toBe(false);
    });
  }

  it('covers every shot status', () => {
    const statuses = new Set((samples.Shot ?? []).map((s) => (s as { status: string }).status));
    expect(statuses.size).toBe(ShotSchema.shape.status.options.length);
  });
});
