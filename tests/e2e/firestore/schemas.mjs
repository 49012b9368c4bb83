// Zod schemas mirroring the PRD's (ProjectConfigSchema, AgentConfigSchema,
// ShotSchema) plus the stored Version and Event, as the C++ domain writes
// them (src/domain/project.cc, records.cc). Strict, as the C++ JsonReader
// is. The dashboard owns the canonical schemas (web/src/schemas); these
// stay here so the Firestore cross-check runs without the web build.
import { z } from 'zod';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const DateTime = z.iso.datetime();
const TimelineMs = z.number().int().min(0).max(3_600_000);

const ShotStatus = z.enum([
  'DRAFT', 'VALIDATION', 'GENERATING_IMAGE', 'AWAITING_APPROVAL', 'REFINING',
  'GENERATING_VIDEO', 'COMPLETED', 'FAILED',
]);
const ProjectStatus = z.enum([
  'AUDIO_ANALYSIS', 'PLANNED', 'FINAL_RENDER', 'RENDERED', 'FAILED',
]);

export const ProjectConfigSchema = z.strictObject({
  projectId: z.guid(),
  projectName: z.string().min(1).max(200),
  globalSettings: z.strictObject({
    llmModel: z.string().min(1),
    imageModel: z.string().min(1),
    videoModel: z.string().min(1),
    loraWeightsId: z.literal('miriN14'),
    requireHumanApproval: z.boolean(),
    budgetCapUsd: z.number().min(0),
  }),
  creationTimestamp: DateTime,
});

export const AgentConfigSchema = z.strictObject({
  configId: Id,
  role: z.enum(['ORCHESTRATOR', 'AUDITOR', 'VISION_ANALYZER', 'DIRECTOR']),
  modelString: z.string().min(1),
  active: z.boolean(),
  updatedAt: DateTime,
});

export const ShotSchema = z.strictObject({
  shotId: Id,
  sceneId: Id,
  timestamps: z
    .strictObject({ startMs: TimelineMs, endMs: TimelineMs })
    .refine((t) => t.endMs > t.startMs, { path: ['endMs'] }),
  lyricsSnippet: z.string().max(4000),
  status: ShotStatus,
  versions: z.array(Id),
  description: z.string().max(2000),
  showsMiri: z.boolean(),
  endState: z.string().max(2000),
});

export const VersionSchema = z.strictObject({
  versionId: Id,
  shotId: Id,
  kind: z.enum(['PLAN', 'IMAGE', 'VIDEO']),
  prompt: z.string(),
  negativePrompt: z.string(),
  modelCode: Id,
  model: z.string().min(1),
  parameters: z.record(z.string(), z.unknown()),
  references: z.array(z.string().min(1)),
  outputs: z.array(z.string().min(1)),
  parentVersionId: Id.optional(),
  appliedRuleIds: z.array(Id),
  findings: z.array(z.strictObject({
    ruleId: z.string().min(1), message: z.string().min(1),
    offendingText: z.string(),
  })),
  createdAt: DateTime,
});

export const EventSchema = z.strictObject({
  eventId: Id,
  shotId: Id.optional(),
  versionId: Id.optional(),
  from: z.union([ShotStatus, ProjectStatus]).nullable(),
  to: z.union([ShotStatus, ProjectStatus]),
  cause: z.string().min(1),
  at: DateTime,
  idempotencyKey: z.string().min(1).max(200),
  seq: z.number().int().min(1),
});
