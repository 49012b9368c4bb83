import { describe, expect, it } from 'vitest';
import type { Shot, ShotStatus } from '../schemas';
import { renderView } from './renderState';

const shot = (id: string, status: ShotStatus): Shot => ({
  shotId: id,
  sceneId: 'a',
  timestamps: { startMs: 0, endMs: 3000 },
  lyricsSnippet: '',
  status,
  versions: [],
  description: '',
  showsMiri: true, endState: '',
});
const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';

describe('renderView', () => {
  it('counts the completed shots while the project is being made', () => {
    const v = renderView('PLANNED', [shot('a', 'COMPLETED'), shot('b', 'AWAITING_APPROVAL')], null);
    expect(v).toMatchObject({ phase: 'waiting', completed: 1, total: 2, canRequest: true });
    expect(v.summary).toContain('1 of 2 shots completed');
  });
  it('is ready when every shot is completed and nothing started it', () => {
    expect(renderView('PLANNED', [shot('a', 'COMPLETED')], null)).toMatchObject({ phase: 'ready', canRequest: true });
  });
  it('follows the progress while rendering, then the storing of the files', () => {
    const all = [shot('a', 'COMPLETED')];
    expect(renderView('FINAL_RENDER', all, null)).toMatchObject({ phase: 'rendering', fraction: null, canRequest: false });
    expect(renderView('FINAL_RENDER', all, { projectId: P, framesDone: 30, framesTotal: 120 })).toMatchObject({ fraction: 0.25 });
    expect(renderView('FINAL_RENDER', all, { projectId: P, fraction: 1 })).toMatchObject({ phase: 'finishing' });
  });
  it('offers the video only once the project is rendered', () => {
    expect(renderView('RENDERED', [shot('a', 'COMPLETED')], null)).toMatchObject({ phase: 'rendered', canRequest: false });
  });
  it('shows a failed render\'s cause and offers to render again', () => {
    const v = renderView('FAILED', [shot('a', 'COMPLETED')], null, { from: 'FINAL_RENDER', cause: 'shot "a": clip missing' });
    expect(v).toMatchObject({ phase: 'failed', canRequest: true, summary: 'The render failed: shot "a": clip missing' });
  });
  it('offers no render for a project that failed before its render', () => {
    const v = renderView('FAILED', [shot('a', 'FAILED')], null, { from: 'PLANNED', cause: 'budget exhausted' });
    expect(v).toMatchObject({ phase: 'failed', canRequest: false, summary: 'The project failed: budget exhausted' });
    expect(renderView('FAILED', [], null).summary).toBe('The project failed; see the shots for the cause.');
  });
  it('says so when there is no plan yet', () => {
    expect(renderView('AUDIO_ANALYSIS', [], null).phase).toBe('no-plan');
  });
});
