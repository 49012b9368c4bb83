import { describe, expect, it } from 'vitest';
import type { Version } from '../schemas';
import { chatLog, shotMedia } from './shotMedia';

function version(id: string, kind: Version['kind'], parameters: Record<string, unknown> = {}): Version {
  return {
    versionId: id,
    shotId: 's1',
    kind,
    prompt: '[s1]_[v]_[F] Miri',
    negativePrompt: '',
    modelCode: 'F',
    model: 'local-image',
    parameters,
    references: [],
    outputs: [`projects/p/shots/s1/${id}-out`],
    appliedRuleIds: [],
    findings: [],
    createdAt: '2026-03-02T10:15:04Z',
  };
}

describe('shotMedia', () => {
  const v1 = version('v1', 'IMAGE');
  const v2 = version('v2', 'IMAGE', { mode: 'inpaint', instruction: 'make the umbrella yellow' });
  const clip = version('c1', 'VIDEO');

  it('shows an end frame beside the start frame it was edited from', () => {
    const end = version('v3', 'IMAGE', { mode: 'edit', frame: 'end', startVersion: 'v1' });
    expect(shotMedia([v1, end], 'AWAITING_APPROVAL')).toMatchObject({ image: end, startFrame: v1 });
    expect(shotMedia([v1], 'AWAITING_APPROVAL').startFrame).toBeUndefined();
    // While the end frame is painted, the start frame is shown alone.
    expect(shotMedia([v1, end], 'REFINING')).toMatchObject({ image: v1, startFrame: undefined });
  });

  it('shows the newest image once it exists', () => {
    expect(shotMedia([v1, v2], 'AWAITING_APPROVAL')).toMatchObject({ image: v2, imagePending: false });
  });
  it('keeps the previous image on screen while a new one is painted', () => {
    expect(shotMedia([v1, v2], 'REFINING')).toMatchObject({ image: v1, imagePending: true });
    expect(shotMedia([v1], 'GENERATING_IMAGE')).toMatchObject({ image: undefined, imagePending: true });
  });
  it('falls back to the previous image when the newest one could not be loaded', () => {
    expect(shotMedia([v1, v2], 'FAILED', new Set(['v2']))).toMatchObject({ image: v1, imagePending: false });
  });
  it('keeps the last image shown while the newest is painted, whatever else is hidden', () => {
    // v1 failed its image check and v2 is made again: v0 stays on screen.
    const v0 = version('v0', 'IMAGE');
    expect(shotMedia([v0, v1, v2], 'GENERATING_IMAGE', new Set(['v1', 'v2']))).toMatchObject({ image: v0, imagePending: true });
    expect(shotMedia([v0, v1], 'GENERATING_IMAGE', new Set(['v1']))).toMatchObject({ image: v0, imagePending: true });
    // A FAILED shot whose newest image was held shows the last one that may be shown.
    expect(shotMedia([v0, v1], 'FAILED', new Set(['v1']))).toMatchObject({ image: v0, imagePending: false });
  });
  it('shows the clip only when the shot is completed', () => {
    expect(shotMedia([v1, clip], 'GENERATING_VIDEO')).toMatchObject({ video: undefined, videoPending: true });
    expect(shotMedia([v1, clip], 'COMPLETED')).toMatchObject({ image: v1, video: clip, videoPending: false });
  });
});

describe('chatLog', () => {
  const v1 = version('v1', 'IMAGE');
  const v2 = version('v2', 'IMAGE', { mode: 'inpaint', instruction: 'make the umbrella yellow' });
  const v3 = version('v3', 'IMAGE', { mode: 'inpaint', instruction: 'add puddles' });

  it('has no messages before a refine', () => {
    expect(chatLog([v1], 'AWAITING_APPROVAL')).toEqual([]);
  });
  it('pairs every instruction with what became of it', () => {
    const painting = chatLog([v1, v2], 'REFINING');
    expect(painting.map((m) => [m.who, m.text])).toEqual([
      ['you', 'make the umbrella yellow'],
      ['miri', 'Painting that change as version v2…'],
    ]);
    const ready = chatLog([v1, v2, v3], 'AWAITING_APPROVAL');
    expect(ready.map((m) => m.text)).toEqual([
      'make the umbrella yellow',
      'Made version v2.',
      'add puddles',
      'Version v3 is ready and awaits your approval.',
    ]);
  });
});
