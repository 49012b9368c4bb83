import { describe, expect, it } from 'vitest';
import type { Version } from '../schemas';
import { routeNote } from './route';

const version = (parameters: Record<string, unknown>): Version => ({
  versionId: 'v1', shotId: 'sh1', kind: 'IMAGE', prompt: 'p', negativePrompt: '', modelCode: 'FLUX2',
  model: 'fal-ai/flux-2/lora', parameters, appliedRuleIds: [], findings: [], references: [], outputs: ['a.png'],
  createdAt: '2026-12-07T10:00:00Z',
}) as unknown as Version;

describe('routeNote: who made an image version, and why', () => {
  it('says Vertex made a scenery image because fal was unavailable', () => {
    expect(routeNote(version({ route: { chosen: 'vertex', label: 'Vertex AI (gemini-2.5-flash-image)', reason: 'fal circuit open', passedOver: ['fal: circuit open'] } })))
      .toBe('Made by Vertex AI (gemini-2.5-flash-image) (fal circuit open)');
  });
  it('says no route could take a Miri shot, with the reasons', () => {
    expect(routeNote(version({ route: { chosen: '', label: '', reason: 'no image route for p:v1; fal: circuit open; vertex: cannot apply the LoRA' } })))
      .toBe('No image route could take it: no image route for p:v1; fal: circuit open; vertex: cannot apply the LoRA');
  });
  it('says nothing when the server recorded no route', () => {
    expect(routeNote(version({ mode: 'text-to-image' }))).toBeUndefined();
    expect(routeNote(version({ route: 'fal' }))).toBeUndefined();
  });
});
