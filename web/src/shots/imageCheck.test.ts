import { describe, expect, it } from 'vitest';
import type { ImageCheck, Version } from '../schemas';
import { auditFindings, checkBadge, checkWords, mayShow, regeneratedWhy } from './imageCheck';

const at = '2026-12-07T08:00:42.133Z';
const base = { versionId: 'v1', shotId: 's1', checkedAt: at };
const notChecked = 'a classifier of explicit content cannot see this; a person or the cloud auditor must check it';

const nsfwjsPassed: ImageCheck = {
  ...base,
  checker: 'nsfwjs/MobileNetV2',
  passed: true,
  complete: false,
  reason: "no explicit content (Porn 0.00, Hentai 0.01, Sexy 0.00); Miri's constraints are not checked by this classifier",
  elapsedMs: 323,
  findings: [],
  constraints: ['mouth-closed', 'loose-heavy-fabric-to-mid-calf', 'child-physique', 'no-other-identifiable-person'].map((id) => ({
    id,
    state: 'NOT_CHECKED' as const,
    reason: notChecked,
  })),
  scores: { Drawing: 0.4237, Hentai: 0.0052, Neutral: 0.5705, Porn: 0.0004, Sexy: 0.0002 },
};

const geminiFailed: ImageCheck = {
  ...base,
  checker: 'gemini-2.5-flash',
  passed: false,
  complete: true,
  reason: 'her lips are parted',
  elapsedMs: 1830,
  findings: [
    { ruleId: 'vision.mouth-closed', message: 'her lips are parted' },
    { ruleId: 'vision.continuity', message: 'her coat changed colour' },
  ],
  constraints: [
    { id: 'mouth-closed', state: 'VIOLATED', reason: 'her lips are parted' },
    { id: 'loose-heavy-fabric-to-mid-calf', state: 'MET', reason: 'a long wool coat' },
    { id: 'child-physique', state: 'UNCERTAIN', reason: 'the figure is too small to judge' },
    { id: 'no-other-identifiable-person', state: 'NOT_APPLICABLE', reason: 'nobody else in the frame' },
    { id: 'umbrella-yellow', state: 'MET', reason: '' },
  ],
  promptAdherence: 4,
  continuity: 2,
};

const held: ImageCheck = {
  ...base,
  checker: 'nsfwjs',
  passed: false,
  held: true,
  error: 'the image checker (nsfwjs) cannot start: node not found',
};

describe('checkWords', () => {
  it('a passing classifier: passed, who checked, and every constraint it cannot see left to a person', () => {
    const w = checkWords(nsfwjsPassed);
    expect(w.tone).toBe('passed');
    expect(w.headline).toBe('Passed the image check');
    expect(w.checkedBy).toBe('checked by nsfwjs/MobileNetV2 in 323 ms');
    expect(w.reason).toBe("No explicit content (Porn 0.00, Hentai 0.01, Sexy 0.00); Miri's constraints are not checked by this classifier.");
    expect(w.personMust).toBe("This checker could not see 4 of Miri's rules: look at them yourself before you approve.");
    expect(w.constraints.map((c) => [c.label, c.state])).toEqual([
      ['Mouth closed', 'a person must check this'],
      ['Loose, heavy clothing to mid-calf', 'a person must check this'],
      ["A child's physique (about twelve)", 'a person must check this'],
      ['No other identifiable person', 'a person must check this'],
    ]);
    // The checker's why is the same for each: said once, by the reason.
    expect(w.constraints.every((c) => c.why === undefined)).toBe(true);
    expect(w.ratings).toEqual([]);
    expect(w.findings).toEqual([]);
    expect(w.scores).toBe('Neutral 0.57 · Drawing 0.42 · Hentai 0.01 · Porn 0.00 · Sexy 0.00');
  });

  it('a failing verdict: its findings, each constraint in words, the ratings out of 5', () => {
    const w = checkWords(geminiFailed);
    expect(w.tone).toBe('failed');
    expect(w.headline).toBe('Failed the image check: this image is not shown for approval');
    expect(w.checkedBy).toBe('checked by gemini-2.5-flash in 1.8 s');
    expect(w.personMust).toBeUndefined();
    expect(w.constraints.map((c) => [c.label, c.state, c.tone, c.why])).toEqual([
      ['Mouth closed', 'not met', 'bad', 'her lips are parted'],
      ['Loose, heavy clothing to mid-calf', 'met', 'ok', 'a long wool coat'],
      ["A child's physique (about twelve)", 'could not tell, so it counts as not met', 'bad', 'the figure is too small to judge'],
      ['No other identifiable person', 'does not apply here', 'none', 'nobody else in the frame'],
      ['Umbrella yellow', 'met', 'ok', undefined],
    ]);
    expect(w.ratings).toEqual([
      { label: 'Prompt adherence', value: 4, text: '4 of 5' },
      { label: 'Continuity with earlier frames', value: 2, text: '2 of 5' },
    ]);
    expect(w.findings).toEqual([
      { ruleId: 'vision.mouth-closed', text: 'Her lips are parted' },
      { ruleId: 'vision.continuity', text: 'Her coat changed colour' },
    ]);
    expect(w.scores).toBeUndefined();
  });

  it('held: no verdict, the error, and what to do', () => {
    const w = checkWords(held);
    expect(w.tone).toBe('held');
    expect(w.headline).toBe('Held: the image check could not run, so this image is not shown');
    expect(w.checkedBy).toBe('nsfwjs could not check it');
    expect(w.reason).toBe('The image checker (nsfwjs) cannot start: node not found. Retry the shot once the checker is back.');
    expect(w.constraints).toEqual([]);
  });
});

function version(findings: Version['findings']): Version {
  return {
    versionId: 'v2', shotId: 's1', kind: 'IMAGE', prompt: 'p', negativePrompt: '', modelCode: 'F', model: 'local-image',
    parameters: {}, references: [], outputs: ['o.png'], appliedRuleIds: [], findings, createdAt: at,
  };
}

describe('a regenerated version', () => {
  const regenerated = {
    ruleId: 'vision.regenerated',
    message: 'made again because image v1 failed the image check (gemini-2.5-flash): her lips are parted',
    offendingText: '',
  };
  const audit = { ruleId: 'prompt.lora', message: 'Miri is drawn only through miriN14', offendingText: 'lora' };

  it('says why it was made again, apart from the prompt audit findings', () => {
    const v = version([audit, regenerated]);
    expect(regeneratedWhy(v)).toBe('Made again because image v1 failed the image check (gemini-2.5-flash): her lips are parted.');
    expect(auditFindings(v)).toEqual([audit]);
  });

  it('is not said of a version made the first time', () => {
    expect(regeneratedWhy(version([audit]))).toBeUndefined();
  });
});

describe('which images may be shown', () => {
  it('only one whose check passed', () => {
    expect(mayShow({ kind: 'checked', check: nsfwjsPassed })).toBe(true);
    expect(mayShow({ kind: 'checked', check: geminiFailed })).toBe(false);
    expect(mayShow({ kind: 'checked', check: held })).toBe(false);
    expect(mayShow({ kind: 'notChecked' })).toBe(false);
    expect(mayShow({ kind: 'loading' })).toBe(false);
    expect(mayShow({ kind: 'error', error: new Error('offline') })).toBe(false);
    expect(mayShow(undefined)).toBe(false);
  });

  it('says the check in a few words', () => {
    expect(checkBadge({ kind: 'checked', check: nsfwjsPassed })).toBe('image check passed');
    expect(checkBadge({ kind: 'checked', check: geminiFailed })).toBe('image check failed');
    expect(checkBadge({ kind: 'checked', check: held })).toBe('image check held');
    expect(checkBadge({ kind: 'notChecked' })).toBe('not checked yet');
  });
});
