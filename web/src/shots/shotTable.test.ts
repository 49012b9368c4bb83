import { describe, expect, it } from 'vitest';
import type { EventPayload, Shot } from '../schemas';
import { initialShotTable, needsSnapshot, reduceShotTable, type ShotTableState } from './shotTable';

const P = '3f2b8c1e-9a4d-4c7b-8e21-5d6f7a8b9c0d';

function shot(id: string, startMs: number, extra: Partial<Shot> = {}): Shot {
  return {
    shotId: id,
    sceneId: 'a',
    timestamps: { startMs, endMs: startMs + 3000 },
    lyricsSnippet: '',
    status: 'DRAFT',
    versions: [],
    description: '',
    showsMiri: true, endState: '',
    ...extra,
  };
}

function ev(seq: number, shotId: string | undefined, from: string | null, to: string, versionId?: string): EventPayload {
  return {
    projectId: P,
    seq,
    eventId: `e${seq}`,
    from: from as EventPayload['from'],
    to: to as EventPayload['to'],
    status: to as EventPayload['to'],
    cause: 'test',
    at: '2026-03-02T10:15:04Z',
    ...(shotId ? { shotId } : {}),
    ...(versionId ? { versionId } : {}),
  };
}

function ready(): ShotTableState {
  return reduceShotTable(initialShotTable, {
    type: 'snapshot',
    seq: 10,
    shots: [shot('s2', 3000), shot('s1', 0)],
  });
}

describe('shot table reducer', () => {
  it('a snapshot orders shots by start time and records its seq', () => {
    const s = ready();
    expect(s.phase).toBe('ready');
    expect(s.shots.map((x) => x.shotId)).toEqual(['s1', 's2']);
    expect(s.lastSeq).toBe(10);
    expect(needsSnapshot(s)).toBe(false);
  });

  it('applies the next event: status and a new version', () => {
    const s = reduceShotTable(ready(), { type: 'event', event: ev(11, 's2', 'DRAFT', 'VALIDATION', 'v1') });
    expect(s.shots[1]).toMatchObject({ shotId: 's2', status: 'VALIDATION', versions: ['v1'] });
    expect(s.lastSeq).toBe(11);
    expect(s.stale).toBe(false);
    expect(s.lastChange).toEqual({ shotId: 's2', seq: 11, cause: 'test' });
  });

  it('does not list the same version twice', () => {
    let s = reduceShotTable(ready(), { type: 'event', event: ev(11, 's2', 'DRAFT', 'VALIDATION', 'v1') });
    s = reduceShotTable(s, { type: 'event', event: ev(12, 's2', 'VALIDATION', 'GENERATING_IMAGE', 'v1') });
    expect(s.shots[1]!.versions).toEqual(['v1']);
  });

  it('ignores a duplicate or older event (same object back)', () => {
    const s = reduceShotTable(ready(), { type: 'event', event: ev(11, 's1', 'DRAFT', 'VALIDATION') });
    expect(reduceShotTable(s, { type: 'event', event: ev(11, 's1', 'DRAFT', 'VALIDATION') })).toBe(s);
    expect(reduceShotTable(s, { type: 'event', event: ev(3, 's1', null, 'DRAFT') })).toBe(s);
  });

  it('detects a gap, applies the event and asks for a refetch', () => {
    const s = reduceShotTable(ready(), { type: 'event', event: ev(14, 's1', 'DRAFT', 'VALIDATION') });
    expect(s.shots[0]!.status).toBe('VALIDATION');
    expect(s.lastSeq).toBe(14);
    expect(s.stale).toBe(true);
    expect(s.staleReason).toBe('missed events 11-13');
    expect(needsSnapshot(s)).toBe(true);
  });

  it('an event for an unknown shot asks for a refetch', () => {
    const s = reduceShotTable(ready(), { type: 'event', event: ev(11, 's9', null, 'DRAFT') });
    expect(s.stale).toBe(true);
    expect(s.staleReason).toBe('shot s9 is new');
  });

  it('a project event advances seq; PLANNED asks for the new shots', () => {
    let s = reduceShotTable(ready(), { type: 'event', event: ev(11, undefined, 'PLANNED', 'FINAL_RENDER') });
    expect(s.lastSeq).toBe(11);
    expect(s.stale).toBe(false);
    expect(s.projectStatus).toBe('FINAL_RENDER');
    s = reduceShotTable(s, { type: 'event', event: ev(12, undefined, 'AUDIO_ANALYSIS', 'PLANNED') });
    expect(s.stale).toBe(true);
  });

  it('buffers events that arrive before the snapshot and applies the newer ones after it', () => {
    let s = reduceShotTable(initialShotTable, { type: 'event', event: ev(10, 's1', null, 'DRAFT') });
    s = reduceShotTable(s, { type: 'event', event: ev(11, 's1', 'DRAFT', 'VALIDATION') });
    expect(s.phase).toBe('loading');
    expect(s.shots).toEqual([]);
    s = reduceShotTable(s, { type: 'snapshot', seq: 10, shots: [shot('s1', 0)] });
    expect(s.shots[0]!.status).toBe('VALIDATION');
    expect(s.lastSeq).toBe(11);
    expect(s.pending).toEqual([]);
    expect(s.stale).toBe(false);
  });

  it('bounds the buffer: past the limit it drops them and asks for a refetch', () => {
    let s = initialShotTable;
    for (let i = 1; i <= 600; i++) s = reduceShotTable(s, { type: 'event', event: ev(i, 's1', 'DRAFT', 'DRAFT') });
    expect(s.pending.length).toBeLessThanOrEqual(500);
    expect(s.stale).toBe(true);
  });

  it('RESYNC from the server asks for a refetch without losing rows', () => {
    const s = reduceShotTable(ready(), { type: 'resync', reason: 'event bus reconnected' });
    expect(s.stale).toBe(true);
    expect(s.staleReason).toBe('event bus reconnected');
    expect(s.shots).toHaveLength(2);
  });

  it('a new snapshot clears stale and replaces the rows', () => {
    let s = reduceShotTable(ready(), { type: 'event', event: ev(20, 's1', 'DRAFT', 'VALIDATION') });
    s = reduceShotTable(s, { type: 'snapshot', seq: 20, shots: [shot('s1', 0, { status: 'GENERATING_IMAGE' })] });
    expect(s.stale).toBe(false);
    expect(s.shots.map((x) => [x.shotId, x.status])).toEqual([['s1', 'GENERATING_IMAGE']]);
  });

  it('ignores events of another project', () => {
    const other = { ...ev(11, 's1', 'DRAFT', 'VALIDATION'), projectId: '00000000-0000-0000-0000-000000000000' };
    const s = ready();
    expect(reduceShotTable(s, { type: 'event', event: other, projectId: P })).toBe(s);
  });
});
