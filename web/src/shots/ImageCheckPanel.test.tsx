// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { ImageCheck } from '../schemas';
import { ImageCheckPanel } from './ImageCheckPanel';

const at = '2026-12-07T08:00:42.133Z';
const base = { versionId: 'v1', shotId: 's1', checkedAt: at };
const notChecked = 'a classifier of explicit content cannot see this; a person or the cloud auditor must check it';

const passed: ImageCheck = {
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
  scores: { Drawing: 0.42, Hentai: 0.01, Neutral: 0.57, Porn: 0, Sexy: 0 },
};

const failed: ImageCheck = {
  ...base,
  checker: 'gemini-2.5-flash',
  passed: false,
  complete: true,
  reason: 'her lips are parted and her coat is sheer',
  elapsedMs: 1830,
  findings: [
    { ruleId: 'vision.mouth-closed', message: 'her lips are parted' },
    { ruleId: 'vision.loose-heavy-fabric-to-mid-calf', message: 'her coat is sheer' },
  ],
  constraints: [
    { id: 'mouth-closed', state: 'VIOLATED', reason: 'her lips are parted' },
    { id: 'loose-heavy-fabric-to-mid-calf', state: 'UNCERTAIN', reason: 'the fabric may be sheer' },
    { id: 'child-physique', state: 'MET', reason: 'a child of about twelve' },
    { id: 'no-other-identifiable-person', state: 'NOT_APPLICABLE', reason: 'nobody else' },
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

const panel = () => screen.getByRole('region', { name: 'Image check of version v1' });
const items = (name: string) =>
  within(within(panel()).getByRole('list', { name }))
    .getAllByRole('listitem')
    .map((li) => li.textContent);

afterEach(cleanup);

describe('ImageCheckPanel', () => {
  it('passed: who checked, and each of Miri\'s rules the checker cannot see is left to a person', () => {
    render(<ImageCheckPanel versionId="v1" state={{ kind: 'checked', check: passed }} />);
    expect(panel().dataset.verdict).toBe('passed');
    expect(within(panel()).getByText('Passed the image check')).toBeTruthy();
    expect(within(panel()).getByText(/^checked by nsfwjs\/MobileNetV2 in 323 ms/)).toBeTruthy();
    expect(within(panel()).getByRole('note').textContent).toBe("This checker could not see 4 of Miri's rules: look at them yourself before you approve.");
    expect(items("Miri's rules")).toEqual([
      'Mouth closed: a person must check this',
      'Loose, heavy clothing to mid-calf: a person must check this',
      "A child's physique (about twelve): a person must check this",
      'No other identifiable person: a person must check this',
    ]);
    expect(within(panel()).queryByRole('list', { name: 'Findings' })).toBeNull();
    expect(within(panel()).getByText('Classifier scores: Neutral 0.57 · Drawing 0.42 · Hentai 0.01 · Porn 0.00 · Sexy 0.00')).toBeTruthy();
  });

  it('failed: the findings, every rule in words, prompt adherence and continuity out of 5', () => {
    render(<ImageCheckPanel versionId="v1" state={{ kind: 'checked', check: failed }} />);
    expect(panel().dataset.verdict).toBe('failed');
    expect(within(panel()).getByText('Failed the image check: this image is not shown for approval')).toBeTruthy();
    expect(within(panel()).getByText(/^checked by gemini-2\.5-flash/)).toBeTruthy();
    expect(items('Findings')).toEqual(['Her lips are parted (vision.mouth-closed)', 'Her coat is sheer (vision.loose-heavy-fabric-to-mid-calf)']);
    expect(items("Miri's rules")).toEqual([
      'Mouth closed: not met (her lips are parted)',
      'Loose, heavy clothing to mid-calf: could not tell, so it counts as not met (the fabric may be sheer)',
      "A child's physique (about twelve): met (a child of about twelve)",
      'No other identifiable person: does not apply here (nobody else)',
    ]);
    const ratings = within(panel()).getByRole('list', { name: 'Ratings' });
    expect(ratings.textContent).toBe('Prompt adherence: 4 of 5Continuity with earlier frames: 2 of 5');
    expect(within(panel()).queryByRole('note')).toBeNull();
  });

  it('held: no verdict, why, and what to do', () => {
    render(<ImageCheckPanel versionId="v1" state={{ kind: 'checked', check: held }} />);
    expect(panel().dataset.verdict).toBe('held');
    expect(within(panel()).getByText('Held: the image check could not run, so this image is not shown')).toBeTruthy();
    expect(within(panel()).getByText(/^nsfwjs could not check it/)).toBeTruthy();
    expect(within(panel()).getByText('The image checker (nsfwjs) cannot start: node not found. Retry the shot once the checker is back.')).toBeTruthy();
    expect(within(panel()).queryByRole('list', { name: "Miri's rules" })).toBeNull();
  });

  it('not checked yet (the route answered 404)', () => {
    render(<ImageCheckPanel versionId="v1" state={{ kind: 'notChecked' }} />);
    expect(panel().dataset.verdict).toBe('not-checked');
    expect(panel().textContent).toBe('Not checked yet. An image is checked as soon as it is made, and shown only if it passes.');
  });

  it('a check that could not be loaded is an error, in words', () => {
    render(<ImageCheckPanel versionId="v1" state={{ kind: 'error', error: new ApiError('GET /x: the server could not be reached (offline)', 0, 'NETWORK') }} />);
    expect(screen.getByRole('alert').textContent).toBe('Could not load the image check: GET /x: the server could not be reached (offline)');
  });
});
