import { describe, expect, it } from 'vitest';
import {
  directorTitle,
  mentionsMiri,
  nextShotId,
  boundaryRange,
  evenPlan,
  fitToSong,
  isEditable,
  mergeWithNext,
  moveBoundary,
  retimeShot,
  splitShot,
  updateShotText,
  validatePlan,
  type EditResult,
  type Plan,
  type PlanShot,
} from './tiling';

const limits = { minShotMs: 2000, maxShotMs: 10000 };

function shot(id: string, sceneId: string, startMs: number, endMs: number, extra: Partial<PlanShot> = {}): PlanShot {
  return {
    shotId: id,
    sceneId,
    startMs,
    endMs,
    lyricsSnippet: '',
    description: `d-${id}`,
    showsMiri: true, endState: '',
    status: 'DRAFT',
    versionCount: 0,
    ...extra,
  };
}

// song 20 s: scene a = [0, 12000) with shots s1 [0,5000) s2 [5000,12000);
// scene b = [12000, 20000) with s3 [12000,16000) s4 [16000,20000)
function plan(): Plan {
  return {
    songMs: 20000,
    scenes: [
      { sceneId: 'a', startMs: 0, endMs: 12000, label: 'verse', description: '' },
      { sceneId: 'b', startMs: 12000, endMs: 20000, label: 'chorus', description: '' },
    ],
    shots: [shot('s1', 'a', 0, 5000), shot('s2', 'a', 5000, 12000), shot('s3', 'b', 12000, 16000), shot('s4', 'b', 16000, 20000)],
  };
}

function ok(r: EditResult): Plan {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  expect(validatePlan(r.plan, limits)).toEqual([]);
  return r.plan;
}

function spans(p: Plan) {
  return p.shots.map((s) => [s.shotId, s.startMs, s.endMs]);
}

let n = 0;
const ids = () => `new${++n}`;

describe('validatePlan', () => {
  it('accepts a tiling plan', () => {
    expect(validatePlan(plan(), limits)).toEqual([]);
  });
  it('names a gap, an overlap, the first start, the last end and durations', () => {
    const p = plan();
    p.shots[1] = { ...p.shots[1]!, startMs: 5100 }; // gap after s1
    p.shots[3] = { ...p.shots[3]!, startMs: 15000, endMs: 19000 }; // overlap with s3, ends early
    p.shots[0] = { ...p.shots[0]!, startMs: 100 };
    const problems = validatePlan(p, limits);
    expect(problems.join('\n')).toMatch(/s1 starts at 100 ms; the first shot must start at 0/);
    expect(problems.join('\n')).toMatch(/gap of 100 ms between s1 and s2/);
    expect(problems.join('\n')).toMatch(/s3 and s4 overlap by 1000 ms/);
    expect(problems.join('\n')).toMatch(/s4 ends at 19000 ms; the last shot must end at the song's end \(20000 ms\)/);
  });
  it('refuses durations outside the limits', () => {
    const p: Plan = { ...plan(), shots: [shot('x', 'a', 0, 1000), shot('y', 'a', 1000, 12000), shot('z', 'b', 12000, 20000)] };
    const text = validatePlan(p, limits).join('\n');
    expect(text).toMatch(/x lasts 1000 ms; a shot lasts at least 2000 ms/);
    expect(text).toMatch(/y lasts 11000 ms; a shot lasts at most 10000 ms/);
  });
  it('refuses a shot that crosses its scene', () => {
    const p = plan();
    p.shots[1] = { ...p.shots[1]!, endMs: 13000 };
    p.shots[2] = { ...p.shots[2]!, startMs: 13000 };
    expect(validatePlan(p, limits).join('\n')).toMatch(/s2 \(5000-13000 ms\) is not inside its scene a \(0-12000 ms\)/);
  });
  it('refuses an empty plan', () => {
    expect(validatePlan({ songMs: 1000, scenes: [], shots: [] }, limits)).toEqual(['the plan has no shots']);
  });
});

describe('splitShot', () => {
  it('splits a shot in two at the given time, inheriting scene and text', () => {
    const p = ok(splitShot(plan(), 's2', 8000, limits, () => 's2b'));
    expect(spans(p)).toEqual([
      ['s1', 0, 5000],
      ['s2', 5000, 8000],
      ['s2b', 8000, 12000],
      ['s3', 12000, 16000],
      ['s4', 16000, 20000],
    ]);
    expect(p.shots[2]).toMatchObject({ sceneId: 'a', description: 'd-s2', status: 'DRAFT', versionCount: 0 });
  });
  it('refuses a split that leaves a part shorter than the minimum', () => {
    const r = splitShot(plan(), 's2', 6000, limits, ids);
    expect(r).toEqual({ ok: false, error: 'splitting s2 at 6000 ms leaves a part of 1000 ms; a shot lasts at least 2000 ms' });
  });
  it('refuses a split outside the shot', () => {
    expect(splitShot(plan(), 's2', 13000, limits, ids).ok).toBe(false);
  });
  it('refuses to edit a shot that has been generated', () => {
    const p = plan();
    p.shots[1] = { ...p.shots[1]!, status: 'AWAITING_APPROVAL', versionCount: 1 };
    expect(splitShot(p, 's2', 8000, limits, ids)).toEqual({
      ok: false,
      error: 's2 is AWAITING_APPROVAL with 1 version; only shots not generated yet can be edited',
    });
  });
  it('refuses an unknown shot and a duplicate id', () => {
    expect(splitShot(plan(), 'nope', 8000, limits, ids)).toEqual({ ok: false, error: 'no shot nope' });
    expect(splitShot(plan(), 's2', 8000, limits, () => 's3').ok).toBe(false);
  });
  it('does not change its input', () => {
    const p = plan();
    const before = JSON.stringify(p);
    splitShot(p, 's2', 8000, limits, ids);
    expect(JSON.stringify(p)).toBe(before);
  });
});

describe('mergeWithNext', () => {
  it('merges two neighbours of one scene, joining their text', () => {
    const p0 = plan();
    p0.shots[2] = { ...p0.shots[2]!, lyricsSnippet: 'hello' };
    p0.shots[3] = { ...p0.shots[3]!, lyricsSnippet: 'world' };
    const p = ok(mergeWithNext(p0, 's3', limits));
    expect(spans(p)).toEqual([
      ['s1', 0, 5000],
      ['s2', 5000, 12000],
      ['s3', 12000, 20000],
    ]);
    expect(p.shots[2]).toMatchObject({ lyricsSnippet: 'hello world', description: 'd-s3 / d-s4' });
  });
  it('refuses across a scene boundary', () => {
    expect(mergeWithNext(plan(), 's2', limits)).toEqual({
      ok: false,
      error: 's2 and s3 are in different scenes (a, b); move the scene boundary instead',
    });
  });
  it('refuses a merge longer than the maximum', () => {
    expect(mergeWithNext(plan(), 's1', limits)).toEqual({
      ok: false,
      error: 'merging s1 and s2 makes a shot of 12000 ms; a shot lasts at most 10000 ms',
    });
  });
  it('refuses the last shot', () => {
    expect(mergeWithNext(plan(), 's4', limits)).toEqual({ ok: false, error: 's4 is the last shot; nothing follows it' });
  });
});

describe('moveBoundary / boundaryRange', () => {
  it('the range keeps both neighbours within the limits', () => {
    // boundary 0 is between s1 [0,5000) and s2 [5000,12000)
    expect(boundaryRange(plan(), 0, limits)).toEqual({ minMs: 2000, maxMs: 10000 });
    // s2 may not exceed 10000: boundary >= 12000-10000=2000; s1 <= 10000
  });
  it('moves a shot boundary and nothing else', () => {
    const p = ok(moveBoundary(plan(), 0, 7000, limits));
    expect(spans(p).slice(0, 2)).toEqual([
      ['s1', 0, 7000],
      ['s2', 7000, 12000],
    ]);
    expect(p.scenes).toEqual(plan().scenes);
  });
  it('moving a scene boundary moves the scenes with it', () => {
    const p = ok(moveBoundary(plan(), 1, 13000, limits));
    expect(p.scenes.map((s) => [s.sceneId, s.startMs, s.endMs])).toEqual([
      ['a', 0, 13000],
      ['b', 13000, 20000],
    ]);
  });
  it('refuses a move outside the range, with the range in words', () => {
    expect(moveBoundary(plan(), 1, 15000, limits)).toEqual({
      ok: false,
      error: 'the cut between s2 and s3 can move within 7000-14000 ms; 15000 ms is outside',
    });
  });
  it('refuses when a neighbour is generated', () => {
    const p = plan();
    p.shots[2] = { ...p.shots[2]!, status: 'COMPLETED', versionCount: 2 };
    expect(moveBoundary(p, 1, 12500, limits).ok).toBe(false);
  });
  it('refuses a boundary index that does not exist', () => {
    expect(moveBoundary(plan(), 3, 19000, limits).ok).toBe(false);
    expect(moveBoundary(plan(), -1, 100, limits).ok).toBe(false);
  });
  it('rounds to whole milliseconds', () => {
    const p = ok(moveBoundary(plan(), 0, 6000.6, limits));
    expect(p.shots[0]!.endMs).toBe(6001);
  });
});

describe('retimeShot', () => {
  it('sets a shot span by moving both its cuts', () => {
    const p = ok(retimeShot(plan(), 's3', 13000, 17000, limits));
    expect(spans(p).slice(1)).toEqual([
      ['s2', 5000, 13000],
      ['s3', 13000, 17000],
      ['s4', 17000, 20000],
    ]);
  });
  it('keeps the first shot at 0 and the last at the song end', () => {
    expect(retimeShot(plan(), 's1', 500, 5000, limits)).toEqual({
      ok: false,
      error: 's1 is the first shot; it starts at 0 ms',
    });
    expect(retimeShot(plan(), 's4', 16000, 19000, limits)).toEqual({
      ok: false,
      error: "s4 is the last shot; it ends at the song's end (20000 ms)",
    });
  });
  it('refuses an end before the start', () => {
    expect(retimeShot(plan(), 's2', 9000, 8000, limits).ok).toBe(false);
  });
  it('refuses a span that breaks a neighbour', () => {
    const r = retimeShot(plan(), 's3', 12000, 19000, limits);
    expect(r.ok).toBe(false);
  });
});

describe('fitToSong', () => {
  it('scales every cut to a new song length, ending exactly at it', () => {
    const p = ok(fitToSong(plan(), 22000, limits));
    expect(spans(p)).toEqual([
      ['s1', 0, 5500],
      ['s2', 5500, 13200],
      ['s3', 13200, 17600],
      ['s4', 17600, 22000],
    ]);
    expect(p.scenes.at(-1)!.endMs).toBe(22000);
  });
  it('refuses when scaling breaks a limit', () => {
    expect(fitToSong(plan(), 8000, limits).ok).toBe(false);
  });
});

describe('evenPlan', () => {
  it('tiles a song with one scene of near-equal shots within the limits', () => {
    const p = evenPlan(23500, limits, 5000, (i) => `shot-${i + 1}`);
    expect(validatePlan(p, limits)).toEqual([]);
    expect(p.shots.map((s) => s.endMs - s.startMs)).toEqual([4700, 4700, 4700, 4700, 4700]);
    expect(p.scenes).toHaveLength(1);
    expect(p.shots[0]!.shotId).toBe('shot-1');
  });
  it('makes one shot for a song shorter than twice the minimum', () => {
    const p = evenPlan(3000, limits, 5000, (i) => `s${i}`);
    expect(p.shots).toHaveLength(1);
    expect(validatePlan(p, limits)).toEqual([]);
  });
});

describe('updateShotText', () => {
  it('edits the description of an editable shot', () => {
    const p = ok(updateShotText(plan(), 's2', { description: 'Miri on the pier' }));
    expect(p.shots[1]!.description).toBe('Miri on the pier');
  });
  it('refuses text longer than the server allows', () => {
    expect(updateShotText(plan(), 's2', { description: 'x'.repeat(2001) })).toEqual({
      ok: false,
      error: 'the description has 2001 characters; at most 2000',
    });
  });
});

describe('isEditable', () => {
  it('is true only for DRAFT shots without versions', () => {
    expect(isEditable(shot('a', 'a', 0, 1))).toBe(true);
    expect(isEditable(shot('a', 'a', 0, 1, { versionCount: 1 }))).toBe(false);
    expect(isEditable(shot('a', 'a', 0, 1, { status: 'VALIDATION' }))).toBe(false);
  });
});

describe('nextShotId', () => {
  it('continues the numbering and padding of the ids in use', () => {
    expect(nextShotId(['shot-001', 'shot-002', 'shot-007'])).toBe('shot-008');
    expect(nextShotId(['sh1', 'sh2'])).toBe('sh3');
    expect(nextShotId([])).toBe('shot-1');
    expect(nextShotId(['intro', 'x9'])).toBe('x10');
  });
});

describe('Miri in the description', () => {
  const plan = evenPlan(10000, { minShotMs: 2000, maxShotMs: 10000 }, 5000, (i) => `s${i + 1}`);
  const off = { ...plan, shots: plan.shots.map((s) => ({ ...s, showsMiri: false })) };
  it('naming her ticks "Miri is in this shot"', () => {
    const r = updateShotText(off, 's1', { description: 'Miri at the window' });
    expect(r.ok && r.plan.shots[0]!.showsMiri).toBe(true);
    const other = updateShotText(off, 's1', { description: 'an empty street' });
    expect(other.ok && other.plan.shots[0]!.showsMiri).toBe(false);
    expect(mentionsMiri('Admiring the rain')).toBe(false);
  });
  it('a plan that names her in a shot without her is refused in words', () => {
    const bad = { ...off, shots: off.shots.map((s, i) => (i === 0 ? { ...s, description: 'miri waves' } : s)) };
    expect(validatePlan(bad, { minShotMs: 2000, maxShotMs: 10000 })).toEqual([
      "s1's description names Miri, so tick “Miri is in this shot” (her depiction rules must apply)",
    ]);
  });
});

describe('directorTitle', () => {
  it('names the director that made the proposal', () => {
    expect(directorTitle('local')).toBe("The local director's proposal");
    expect(directorTitle(undefined)).toBe("The local director's proposal");
    expect(directorTitle('gemini-3.8-flash')).toBe("The gemini-3.8-flash director's proposal");
  });
});
