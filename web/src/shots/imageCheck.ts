// The image check of a version in plain words (pure): whether it passed,
// failed or was held, who checked, each of Miri's visual constraints, the
// ratings, findings and classifier scores; and, from a version's own
// findings, why it was made again after an image failed the check.
import type { ConstraintState, Finding, ImageCheck, Version } from '../schemas';

export type CheckTone = 'passed' | 'failed' | 'held';
/** How a constraint's state reads: satisfied, broken, not relevant, or left to a person. */
export type ConstraintTone = 'ok' | 'bad' | 'none' | 'person';

export interface ConstraintWords {
  id: string;
  label: string;
  state: string;
  tone: ConstraintTone;
  /** The checker's reason, when it has one worth reading. */
  why?: string;
}

export interface CheckWords {
  tone: CheckTone;
  headline: string;
  checkedBy: string;
  /** The checker's one sentence, or for a held image the error and what to do. */
  reason: string;
  /** A passing verdict that did not see every constraint: the person checks the rest. */
  personMust?: string;
  constraints: ConstraintWords[];
  ratings: Array<{ label: string; value: number; text: string }>;
  findings: Array<{ ruleId: string; text: string }>;
  /** A classifier's class probabilities, most likely first. */
  scores?: string;
}

/** Miri's constraints (MiriVisualConstraints in src/ports/image_auditor.cc) by id. */
const CONSTRAINT_LABELS: Readonly<Record<string, string>> = {
  'mouth-closed': 'Mouth closed',
  'loose-heavy-fabric-to-mid-calf': 'Loose, heavy clothing to mid-calf',
  'child-physique': "A child's physique (about twelve)",
  'no-other-identifiable-person': 'No other identifiable person',
};

const STATE_WORDS: Readonly<Record<ConstraintState, { text: string; tone: ConstraintTone }>> = {
  MET: { text: 'met', tone: 'ok' },
  VIOLATED: { text: 'not met', tone: 'bad' },
  UNCERTAIN: { text: 'could not tell, so it counts as not met', tone: 'bad' },
  NOT_APPLICABLE: { text: 'does not apply here', tone: 'none' },
  NOT_CHECKED: { text: 'a person must check this', tone: 'person' },
};

function capitalised(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** Ends `text` with a full stop unless it has one ("nsfwjs: cannot start" -> "nsfwjs: cannot start."). */
export function withPeriod(text: string): string {
  const t = text.trim();
  return !t || /[.!?]$/.test(t) ? t : `${t}.`;
}

/** "her lips are parted" -> "Her lips are parted." */
export function sentence(text: string): string {
  return withPeriod(capitalised(text));
}

function constraintLabel(id: string): string {
  return CONSTRAINT_LABELS[id] ?? capitalised(id.replace(/[-_]+/g, ' '));
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function checkWords(check: ImageCheck): CheckWords {
  if ('held' in check) {
    return {
      tone: 'held',
      headline: 'Held: the image check could not run, so this image is not shown',
      checkedBy: `${check.checker} could not check it`,
      reason: `${sentence(check.error)} Retry the shot once the checker is back.`,
      constraints: [],
      ratings: [],
      findings: [],
    };
  }
  const constraints = check.constraints.map((c): ConstraintWords => {
    const s = STATE_WORDS[c.state];
    const why = c.state === 'NOT_CHECKED' || !c.reason.trim() ? undefined : c.reason.trim();
    return { id: c.id, label: constraintLabel(c.id), state: s.text, tone: s.tone, ...(why ? { why } : {}) };
  });
  const unseen = check.constraints.filter((c) => c.state === 'NOT_CHECKED').length;
  const ratings: CheckWords['ratings'] = [];
  if (check.promptAdherence !== undefined) ratings.push({ label: 'Prompt adherence', value: check.promptAdherence, text: `${check.promptAdherence} of 5` });
  if (check.continuity !== undefined) ratings.push({ label: 'Continuity with earlier frames', value: check.continuity, text: `${check.continuity} of 5` });
  const scores = Object.entries(check.scores ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([k, p]) => `${k} ${p.toFixed(2)}`)
    .join(' · ');
  return {
    tone: check.passed ? 'passed' : 'failed',
    headline: check.passed ? 'Passed the image check' : 'Failed the image check: this image is not shown for approval',
    checkedBy: `checked by ${check.checker} in ${duration(check.elapsedMs)}`,
    reason: sentence(check.reason),
    ...(check.passed && unseen > 0 ? { personMust: `This checker could not see ${unseen} of Miri's rules: look at them yourself before you approve.` } : {}),
    constraints,
    ratings,
    findings: check.findings.map((f) => ({ ruleId: f.ruleId, text: capitalised(f.message) })),
    ...(scores ? { scores } : {}),
  };
}

/** The finding the orchestrator puts on a version made again after a failed check. */
export const REGENERATED_RULE = 'vision.regenerated';

/** Why this version was made again, when an earlier image failed the check. */
export function regeneratedWhy(v: Version): string | undefined {
  const f = v.findings.find((x) => x.ruleId === REGENERATED_RULE);
  return f ? sentence(f.message) : undefined;
}

/** The prompt audit's findings (the regeneration note is not one). */
export function auditFindings(v: Version): Finding[] {
  return v.findings.filter((f) => f.ruleId !== REGENERATED_RULE);
}

/** What the page knows of a version's image check. */
export type CheckState =
  | { kind: 'loading' }
  | { kind: 'notChecked' }
  | { kind: 'error'; error: unknown }
  | { kind: 'checked'; check: ImageCheck };

/**
 * Only an image that passed its check is shown (fail closed): not one that
 * failed or was held, nor one whose check is unknown, missing or loading.
 */
export function mayShow(state: CheckState | undefined): boolean {
  return state?.kind === 'checked' && state.check.passed;
}

/** The check in a few words, for a version's one-line summary. */
export function checkBadge(state: CheckState | undefined): string {
  switch (state?.kind) {
    case 'checked':
      return 'held' in state.check ? 'image check held' : state.check.passed ? 'image check passed' : 'image check failed';
    case 'notChecked':
      return 'not checked yet';
    case 'error':
      return 'image check not loaded';
    default:
      return 'image check loading';
  }
}
