// The server contract: Zod schemas mirroring the JSON that the C++ domain
// types produce with ToJson (src/domain/project.cc, records.cc) and the
// envelopes of the HTTP API (src/http). Objects are strict, as the C++
// JsonReader is: an unknown field is a contract change and must fail here.
// tests/contract (emit_samples) keeps these in step with the C++ side.
import { z } from 'zod';

// ---- primitives (src/domain/json_reader.h) ----

/** Ids we mint or accept: [A-Za-z0-9_-], 1..64 characters (IsSafeId). */
export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected an id of 1-64 letters, digits, - or _');
/** 8-4-4-4-12 hex, any version (IsUuid). */
export const UuidSchema = z.guid();
/** ISO-8601 UTC: 2026-03-02T10:15:04(.123)?Z (IsIsoDateTime). */
export const DateTimeSchema = z.iso.datetime();
/** Milliseconds on the song's timeline; a song is at most one hour. */
export const MAX_TIMELINE_MS = 3_600_000;
export const TimelineMsSchema = z.number().int().min(0).max(MAX_TIMELINE_MS);
/** The only LoRA through which Miri may be drawn (kMiriLora). */
export const MIRI_LORA = 'miriN14';

// ---- enums (src/domain/status.h, project.h, records.h) ----

export const SHOT_STATUSES = [
  'DRAFT',
  'VALIDATION',
  'GENERATING_IMAGE',
  'AWAITING_APPROVAL',
  'REFINING',
  'GENERATING_VIDEO',
  'COMPLETED',
  'FAILED',
] as const;
export const ShotStatusSchema = z.enum(SHOT_STATUSES);
export type ShotStatus = z.infer<typeof ShotStatusSchema>;

export const PROJECT_STATUSES = [
  'AUDIO_ANALYSIS',
  'PLANNED',
  'FINAL_RENDER',
  'RENDERED',
  'FAILED',
] as const;
export const ProjectStatusSchema = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;

export const AGENT_ROLES = ['ORCHESTRATOR', 'AUDITOR', 'VISION_ANALYZER', 'DIRECTOR'] as const;
export const AgentRoleSchema = z.enum(AGENT_ROLES);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

export const VersionKindSchema = z.enum(['PLAN', 'IMAGE', 'VIDEO']);
export const RuleKindSchema = z.enum(['POSITIVE', 'NEGATIVE', 'AUDIT_CHECK']);
export const RuleScopeSchema = z.enum(['GLOBAL', 'SCENE', 'CHARACTER']);
export const LedgerKindSchema = z.enum(['RESERVE', 'SETTLE', 'RELEASE']);

// ---- project documents (src/domain/project.h) ----

export const GlobalSettingsSchema = z.strictObject({
  llmModel: z.string().min(1).max(2000),
  imageModel: z.string().min(1).max(2000),
  videoModel: z.string().min(1).max(2000),
  loraWeightsId: z.literal(MIRI_LORA, {
    error: `Miri is drawn only through the LoRA ${MIRI_LORA}`,
  }),
  requireHumanApproval: z.boolean(),
  budgetCapUsd: z.number().min(0).max(100000),
  /** A clip the video model cannot serve may go to a model that can (the server says so when absent: true). */
  allowVideoReroute: z.boolean().optional(),
  /** Where images without Miri may be made: fal, else Vertex when fal is unavailable (auto, the default when absent), the cheaper route, or fal only. */
  imageRoute: z.enum(['auto', 'cheapest', 'fal']).optional(),
});
export type GlobalSettings = z.infer<typeof GlobalSettingsSchema>;

export const ProjectConfigSchema = z.strictObject({
  projectId: UuidSchema,
  projectName: z.string().min(1).max(200),
  globalSettings: GlobalSettingsSchema,
  creationTimestamp: DateTimeSchema,
});
export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export const AgentConfigSchema = z.strictObject({
  configId: IdSchema,
  role: AgentRoleSchema,
  modelString: z.string().min(1).max(2000),
  active: z.boolean(),
  updatedAt: DateTimeSchema,
});
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

const spanOk = (s: { startMs: number; endMs: number }) => s.endMs > s.startMs;
const spanIssue = { message: 'endMs must be greater than startMs', path: ['endMs'] };

export const SceneSchema = z
  .strictObject({
    sceneId: IdSchema,
    startMs: TimelineMsSchema,
    endMs: TimelineMsSchema,
    label: z.string().min(1).max(100),
    description: z.string().max(2000),
  })
  .refine(spanOk, spanIssue);
export type Scene = z.infer<typeof SceneSchema>;

export const TimestampsSchema = z
  .strictObject({ startMs: TimelineMsSchema, endMs: TimelineMsSchema })
  .refine(spanOk, spanIssue);

export const ShotSchema = z.strictObject({
  shotId: IdSchema,
  sceneId: IdSchema,
  timestamps: TimestampsSchema,
  lyricsSnippet: z.string().max(4000),
  status: ShotStatusSchema,
  versions: z.array(IdSchema),
  description: z.string().max(2000),
  showsMiri: z.boolean(),
  endState: z.string().max(2000),
});
export type Shot = z.infer<typeof ShotSchema>;

// ---- immutable records (src/domain/records.h) ----

export const FindingSchema = z.strictObject({
  ruleId: z.string().min(1).max(100),
  message: z.string().min(1).max(2000),
  offendingText: z.string().max(20000),
});
export type Finding = z.infer<typeof FindingSchema>;

export const VersionSchema = z.strictObject({
  versionId: IdSchema,
  shotId: IdSchema,
  kind: VersionKindSchema,
  prompt: z.string().max(20000),
  negativePrompt: z.string().max(20000),
  modelCode: IdSchema,
  model: z.string().min(1).max(2000),
  parameters: z.record(z.string(), z.unknown()),
  references: z.array(z.string().min(1)),
  outputs: z.array(z.string().min(1)),
  parentVersionId: IdSchema.optional(),
  appliedRuleIds: z.array(IdSchema),
  findings: z.array(FindingSchema),
  createdAt: DateTimeSchema,
});
export type Version = z.infer<typeof VersionSchema>;

const StatusNameSchema = z.union([ShotStatusSchema, ProjectStatusSchema]);

/** A stored event: a shot's (shotId set) or the project's status change. */
export const EventSchema = z
  .strictObject({
    eventId: IdSchema,
    shotId: IdSchema.optional(),
    versionId: IdSchema.optional(),
    from: StatusNameSchema.nullable(),
    to: StatusNameSchema,
    cause: z.string().min(1).max(2000),
    at: DateTimeSchema,
    idempotencyKey: z.string().min(1).max(200),
    seq: z.number().int().min(0),
    /** Who screened the text a person typed for this command (Event::screened_by). */
    screenedBy: z.string().max(500).optional(),
  })
  .superRefine((e, ctx) => {
    const names: readonly string[] = e.shotId ? SHOT_STATUSES : PROJECT_STATUSES;
    for (const key of ['from', 'to'] as const) {
      const v = e[key];
      if (v !== null && !names.includes(v)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `expected one of ${names.join(', ')}, got "${v}"`,
        });
      }
    }
  });
export type Event = z.infer<typeof EventSchema>;

const RuleFields = {
  ruleId: IdSchema,
  text: z.string().min(1).max(1000),
  kind: RuleKindSchema,
  scope: RuleScopeSchema,
  scopeId: IdSchema.optional(),
  sourceVersionId: IdSchema.optional(),
  reason: z.string().max(2000).optional(),
  imageBlob: z.string().min(1).optional(),
  createdAt: DateTimeSchema,
  active: z.boolean(),
};
const sceneRuleHasScope: [(r: { scope: string; scopeId?: string }) => boolean, { message: string; path: string[] }] = [
  (r) => r.scope !== 'SCENE' || r.scopeId !== undefined,
  { message: 'required when scope is SCENE', path: ['scopeId'] },
];
export const RuleSchema = z.strictObject(RuleFields).refine(...sceneRuleHasScope);
export type Rule = z.infer<typeof RuleSchema>;

export const RuleEventKindSchema = z.enum(['APPLIED', 'APPROVED', 'STRENGTHENED', 'DEACTIVATED', 'REACTIVATED']);
/** What happened to a rule after it was learned (rule activity is folded from these). */
export const RuleEventSchema = z
  .strictObject({
    ruleEventId: IdSchema,
    ruleId: IdSchema,
    kind: RuleEventKindSchema,
    versionId: IdSchema.optional(),
    reason: z.string().max(2000).optional(),
    at: DateTimeSchema,
  })
  .refine((e) => (e.kind !== 'APPLIED' && e.kind !== 'APPROVED') || e.versionId !== undefined, {
    message: 'required for APPLIED and APPROVED',
    path: ['versionId'],
  });
export type RuleEvent = z.infer<typeof RuleEventSchema>;

export const LedgerEntrySchema = z
  .strictObject({
    entryId: IdSchema,
    kind: LedgerKindSchema,
    provider: IdSchema,
    amountMicros: z.number().int().min(0).max(1_000_000_000_000),
    reservationId: IdSchema.optional(),
    shotId: IdSchema.optional(),
    versionId: IdSchema.optional(),
    at: DateTimeSchema,
  })
  .refine((e) => e.kind === 'RESERVE' || e.reservationId !== undefined, {
    message: 'required for SETTLE and RELEASE',
    path: ['reservationId'],
  });
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

// ---- HTTP API envelopes (src/http/*_controller.cc) ----
// Strict too: every field below is one the server writes (checked against
// the controllers and a running `miri serve`); the OpenAPI document only
// says "object" for most replies, so these are the field-level contract.

/** A project as GET /api/projects(/{id}) shows it: the config plus views. */
export const ProjectViewSchema = ProjectConfigSchema.extend({
  status: ProjectStatusSchema.nullable(),
  agentConfigs: z.array(AgentConfigSchema),
});
export type ProjectView = z.infer<typeof ProjectViewSchema>;

export const ProjectListSchema = z.strictObject({ projects: z.array(ProjectViewSchema) });
export const SceneListSchema = z.strictObject({ scenes: z.array(SceneSchema) });
export const ShotListSchema = z.strictObject({ shots: z.array(ShotSchema) });
export const VersionListSchema = z.strictObject({ versions: z.array(VersionSchema) });
/** A rule as the rules API shows it (RuleView in services/rulebook): the rule and its activity. */
export const RuleViewSchema = z
  .strictObject({
    ...RuleFields,
    stats: z.strictObject({ applied: z.number().int().min(0), approvedAfter: z.number().int().min(0), strengthened: z.number().int().min(0) }),
  })
  .refine(...sceneRuleHasScope);
export type RuleView = z.infer<typeof RuleViewSchema>;
export const RuleListSchema = z.strictObject({ rules: z.array(RuleViewSchema) });
/**
 * RULE_UPDATED payload (Rulebook::Publish, src/services/rulebook): the rule
 * as the rules API shows it, after it was learned, strengthened,
 * deactivated or reactivated. Sent to the project's room only; it carries
 * no projectId.
 */
export const RuleUpdatedPayloadSchema = RuleViewSchema;

export const UploadResultSchema = z.strictObject({ blobKey: z.string().min(1), bytes: z.number().int() });
export type UploadResult = z.infer<typeof UploadResultSchema>;

export const BudgetSchema = z.strictObject({
  capMicros: z.number().int(),
  spentMicros: z.number().int(),
  reservedMicros: z.number().int(),
  remainingMicros: z.number().int(),
  capUsd: z.number(),
  breakers: z
    .record(z.string(), z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']))
    .optional(),
});
export type Budget = z.infer<typeof BudgetSchema>;

/** SHOT_UPDATED / PROJECT_UPDATED payload (EventPayload in src/domain/event_payload.cc). */
export const EventPayloadSchema = z.strictObject({
  projectId: UuidSchema,
  seq: z.number().int().min(0),
  eventId: IdSchema,
  from: StatusNameSchema.nullable(),
  to: StatusNameSchema,
  status: StatusNameSchema,
  cause: z.string(),
  at: DateTimeSchema,
  shotId: IdSchema.optional(),
  versionId: IdSchema.optional(),
  screenedBy: z.string().max(500).optional(),
});
export type EventPayload = z.infer<typeof EventPayloadSchema>;

export const EventListSchema = z.strictObject({
  events: z.array(EventPayloadSchema),
  lastSeq: z.number().int().min(0),
});

/**
 * RENDER_PROGRESS payload (RenderProgressPayload, render_plan.h).
 * Not strict, unlike the rest: the server also sends percent, elapsedMs and
 * etaMs, which the Render view does not use, and a field added to a stream
 * of progress ticks must not freeze the progress bar.
 */
export const RenderProgressSchema = z.object({
  projectId: UuidSchema,
  framesDone: z.number().int().min(0).optional(),
  framesTotal: z.number().int().min(0).optional(),
  fraction: z.number().min(0).max(1).optional(),
  stage: z.string().optional(),
});
export type RenderProgress = z.infer<typeof RenderProgressSchema>;

export const FieldIssueSchema = z.strictObject({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;
/** Every 4xx/5xx body of the API (ErrorResponse in http_types.cc). */
export const ApiErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(FieldIssueSchema),
  }),
});

/** Reply of the shot commands and render (Outcome in shots_controller.cc). */
export const CommandOutcomeSchema = z.strictObject({
  events: z.array(EventPayloadSchema),
  duplicate: z.boolean(),
  dispatched: z.boolean(),
  note: z.string(),
  status: StatusNameSchema.optional(),
  versionId: IdSchema.optional(),
});
export type CommandOutcome = z.infer<typeof CommandOutcomeSchema>;

// ---- the image check (GET .../versions/{versionId}/check; VerdictJson in
// src/services/orchestration/orchestrator.cc, ImageVerdict in
// src/ports/image_auditor.h) ----

/** How a checker saw one of Miri's visual constraints (ConstraintStateName). */
export const CONSTRAINT_STATES = ['MET', 'VIOLATED', 'UNCERTAIN', 'NOT_APPLICABLE', 'NOT_CHECKED'] as const;
export const ConstraintStateSchema = z.enum(CONSTRAINT_STATES);
export type ConstraintState = z.infer<typeof ConstraintStateSchema>;

/** A 1-5 rating of the checker (prompt adherence, continuity). */
const RatingSchema = z.number().int().min(1).max(5);

const ImageCheckFields = {
  versionId: IdSchema,
  shotId: IdSchema,
  checkedAt: DateTimeSchema,
  /** Who looked: "nsfwjs/MobileNetV2", "gemini-2.5-flash" (or the checker that could not run). */
  checker: z.string().min(1).max(200),
};

/** The checker answered: a verdict, passed or not. */
export const ImageVerdictSchema = z.strictObject({
  ...ImageCheckFields,
  passed: z.boolean(),
  /** False when some constraint was NOT_CHECKED: a person must check it. */
  complete: z.boolean(),
  reason: z.string().max(2000),
  elapsedMs: z.number().int().min(0),
  findings: z.array(z.strictObject({ ruleId: z.string().min(1).max(100), message: z.string().max(4000) })),
  constraints: z.array(z.strictObject({ id: IdSchema, state: ConstraintStateSchema, reason: z.string().max(2000) })),
  promptAdherence: RatingSchema.optional(),
  continuity: RatingSchema.optional(),
  /** A classifier's class probabilities (nsfwjs: Drawing, Hentai, Neutral, Porn, Sexy). */
  scores: z.record(z.string(), z.number().min(0).max(1)).optional(),
});
export type ImageVerdict = z.infer<typeof ImageVerdictSchema>;

/** No checker could run: the image is held (never shown), with the error. */
export const HeldImageCheckSchema = z.strictObject({
  ...ImageCheckFields,
  passed: z.literal(false),
  held: z.literal(true),
  error: z.string().max(4000),
});
export type HeldImageCheck = z.infer<typeof HeldImageCheckSchema>;

/** Reply of GET .../versions/{versionId}/check (404 naming versionId: not checked yet). */
export const ImageCheckSchema = z.union([ImageVerdictSchema, HeldImageCheckSchema]);
export type ImageCheck = z.infer<typeof ImageCheckSchema>;

export const PointSchema = z.strictObject({ x: z.number().min(0).max(1), y: z.number().min(0).max(1) });
export type Point = z.infer<typeof PointSchema>;
/**
 * GET/PUT .../motion-brush: up to 6 regions that move, each its painted mask
 * (raw base64 PNG, white = the region, the image's size) and its path in
 * image coordinates 0..1; an optional static mask. A region read back
 * without a mask was saved before regions existed (the server refuses it on
 * save); such paths may have up to 200 points, new ones 2..77.
 */
export const BrushRegionSchema = z.strictObject({
  mask: z.string().min(1).optional(),
  trajectory: z.array(PointSchema).min(2).max(200),
});
export const MotionBrushSchema = z.strictObject({
  dynamicMasks: z.array(BrushRegionSchema).max(6),
  staticMask: z.string().min(1).optional(),
});
export type MotionBrush = z.infer<typeof MotionBrushSchema>;

/** Reply of PUT .../plan. */
export const PlanCommitResultSchema = z.strictObject({
  scenes: z.number().int(),
  shots: z.number().int(),
  seq: z.number().int(),
});

/** Reply of POST .../plan: the director's proposal, not committed yet. */
export const PlanProposalSchema = z.strictObject({
  /** Who planned: "local" (the embedded director) or the cloud model. */
  director: z.string(),
  durationMs: z.number().int().min(1).max(MAX_TIMELINE_MS),
  tempoBpm: z.number().min(0),
  scenes: z.array(SceneSchema),
  shots: z.array(ShotSchema),
  warnings: z.array(z.strictObject({ code: z.string(), message: z.string() })),
});
export type PlanProposal = z.infer<typeof PlanProposalSchema>;

/** GET /api/system/checks (app/doctor.h StartupChecks::Json): miri doctor's checks, the roles' models, the circuits now. */
export const SystemCheckSchema = z.strictObject({
  service: z.string(),
  adapter: z.string(),
  target: z.string(),
  embedded: z.boolean(),
  ok: z.boolean(),
  detail: z.string(),
  fix: z.string(),
});
export const SystemChecksSchema = z.strictObject({
  pending: z.boolean().optional(),
  ok: z.boolean().optional(),
  checkedAt: z.string().optional(),
  checks: z.array(SystemCheckSchema).optional(),
  roles: z.array(z.strictObject({ role: z.string(), model: z.string() })).optional(),
  circuits: z.record(z.string(), z.enum(['CLOSED', 'OPEN', 'HALF_OPEN'])),
});
export type SystemChecks = z.infer<typeof SystemChecksSchema>;

/** POST /api/projects/{projectId}/animatic (services/render/animatic.h): the preview just rendered. */
export const AnimaticReportSchema = z.strictObject({
  blobKey: z.string(),
  url: z.string(),
  frames: z.number().int().min(0),
  durationMs: z.number().int().min(0),
  clips: z.number().int().min(0),
  stills: z.number().int().min(0),
  cards: z.number().int().min(0),
  /** Lyric cues in its soft subtitle track and .../animatic/{srt,vtt}; 0: no timed lyrics. */
  captions: z.number().int().min(0),
});
export type AnimaticReport = z.infer<typeof AnimaticReportSchema>;
