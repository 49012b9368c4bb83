// Timeline editing as pure functions over a Plan. Every edit returns a new
// plan or an error in words; none changes its input. The tiling rules are
// the server's (ports/director.h, checked_director): shots contiguous from
// 0 to the song's end with no gaps or overlaps, each within the duration
// limits, every shot inside its scene, scenes made of whole shots. Only
// shots that have not been generated (DRAFT, no versions) may change.
import type { Scene, Shot, ShotStatus } from '../schemas';

/** Who made a proposal, in words: the local director, or the cloud model. */
export function directorTitle(director: string | undefined): string {
  if (!director || director === 'local') return "The local director's proposal";
  return `The ${director} director's proposal`;
}

export interface Limits {
  minShotMs: number;
  maxShotMs: number;
}
/** PlanLimits defaults of the server (src/ports/director.h). */
export const DEFAULT_LIMITS: Limits = { minShotMs: 2000, maxShotMs: 10000 };
/** Shot.description and Scene.description limits (src/domain/project.cc). */
export const MAX_DESCRIPTION = 2000;
export const MAX_LYRICS = 4000;

export interface PlanShot {
  shotId: string;
  sceneId: string;
  startMs: number;
  endMs: number;
  lyricsSnippet: string;
  description: string;
  showsMiri: boolean;
  /** Where the shot ends; '' makes the clip from the start frame alone. */
  endState: string;
  status: ShotStatus;
  versionCount: number;
}

export interface Plan {
  songMs: number;
  scenes: Scene[]; // ascending, tiling the song
  shots: PlanShot[]; // ascending, tiling the song
}

export type EditResult = { ok: true; plan: Plan } | { ok: false; error: string };

const fail = (error: string): EditResult => ({ ok: false, error });

export function isEditable(s: Pick<PlanShot, 'status' | 'versionCount'>): boolean {
  return s.status === 'DRAFT' && s.versionCount === 0;
}

function lockedReason(s: PlanShot): string {
  const v = `${s.versionCount} version${s.versionCount === 1 ? '' : 's'}`;
  return `${s.shotId} is ${s.status} with ${v}; only shots not generated yet can be edited`;
}

/** A Plan from the server's documents. */
export function planFromServer(songMs: number, scenes: Scene[], shots: Shot[]): Plan {
  return {
    songMs,
    scenes: [...scenes].sort((a, b) => a.startMs - b.startMs),
    shots: shots
      .map((s) => ({
        shotId: s.shotId,
        sceneId: s.sceneId,
        startMs: s.timestamps.startMs,
        endMs: s.timestamps.endMs,
        lyricsSnippet: s.lyricsSnippet,
        description: s.description,
        showsMiri: s.showsMiri,
        endState: s.endState,
        status: s.status,
        versionCount: s.versions.length,
      }))
      .sort((a, b) => a.startMs - b.startMs),
  };
}

/** The body of PUT /api/projects/{id}/plan. */
export function planToCommit(p: Plan): { scenes: Scene[]; shots: unknown[] } {
  return {
    scenes: p.scenes.map((s) => ({ ...s })),
    shots: p.shots.map((s) => ({
      shotId: s.shotId,
      sceneId: s.sceneId,
      timestamps: { startMs: s.startMs, endMs: s.endMs },
      lyricsSnippet: s.lyricsSnippet,
      description: s.description,
      showsMiri: s.showsMiri,
      endState: s.endState,
    })),
  };
}

/** Every way the plan breaks the tiling rules, in words; [] when it holds. */
export function validatePlan(p: Plan, limits: Limits): string[] {
  const problems: string[] = [];
  const { shots, scenes, songMs } = p;
  if (shots.length === 0) return ['the plan has no shots'];
  const first = shots[0]!;
  const last = shots[shots.length - 1]!;
  if (first.startMs !== 0) {
    problems.push(`${first.shotId} starts at ${first.startMs} ms; the first shot must start at 0`);
  }
  if (last.endMs !== songMs) {
    problems.push(`${last.shotId} ends at ${last.endMs} ms; the last shot must end at the song's end (${songMs} ms)`);
  }
  const seen = new Set<string>();
  shots.forEach((s, i) => {
    if (seen.has(s.shotId)) problems.push(`shot id ${s.shotId} is used twice`);
    seen.add(s.shotId);
    const d = s.endMs - s.startMs;
    if (d < limits.minShotMs) {
      problems.push(`${s.shotId} lasts ${d} ms; a shot lasts at least ${limits.minShotMs} ms`);
    } else if (d > limits.maxShotMs) {
      problems.push(`${s.shotId} lasts ${d} ms; a shot lasts at most ${limits.maxShotMs} ms`);
    }
    const next = shots[i + 1];
    if (next) {
      if (next.startMs > s.endMs) {
        problems.push(`gap of ${next.startMs - s.endMs} ms between ${s.shotId} and ${next.shotId}`);
      } else if (next.startMs < s.endMs) {
        problems.push(`${s.shotId} and ${next.shotId} overlap by ${s.endMs - next.startMs} ms`);
      }
    }
    if (!s.showsMiri && mentionsMiri(s.description)) {
      problems.push(`${s.shotId}'s description names Miri, so tick “Miri is in this shot” (her depiction rules must apply)`);
    }
    const scene = scenes.find((c) => c.sceneId === s.sceneId);
    if (!scene) {
      problems.push(`${s.shotId} names scene ${s.sceneId}, which does not exist`);
    } else if (s.startMs < scene.startMs || s.endMs > scene.endMs) {
      problems.push(
        `${s.shotId} (${s.startMs}-${s.endMs} ms) is not inside its scene ${scene.sceneId} (${scene.startMs}-${scene.endMs} ms)`,
      );
    }
  });
  scenes.forEach((c, i) => {
    const next = scenes[i + 1];
    if (next && next.startMs !== c.endMs) {
      problems.push(`scenes ${c.sceneId} and ${next.sceneId} do not meet (${c.endMs} ms, ${next.startMs} ms)`);
    }
    if (!shots.some((s) => s.sceneId === c.sceneId)) problems.push(`scene ${c.sceneId} has no shots`);
  });
  return problems;
}

function finish(p: Plan, limits: Limits): EditResult {
  const problems = validatePlan(p, limits);
  return problems.length ? fail(problems.join('; ')) : { ok: true, plan: p };
}

function indexOf(p: Plan, shotId: string): number {
  return p.shots.findIndex((s) => s.shotId === shotId);
}

export function splitShot(
  p: Plan,
  shotId: string,
  atMs: number,
  limits: Limits,
  newId: () => string,
): EditResult {
  const i = indexOf(p, shotId);
  if (i < 0) return fail(`no shot ${shotId}`);
  const s = p.shots[i]!;
  if (!isEditable(s)) return fail(lockedReason(s));
  const at = Math.round(atMs);
  if (at <= s.startMs || at >= s.endMs) {
    return fail(`${at} ms is not inside ${shotId} (${s.startMs}-${s.endMs} ms)`);
  }
  const shortest = Math.min(at - s.startMs, s.endMs - at);
  if (shortest < limits.minShotMs) {
    return fail(
      `splitting ${shotId} at ${at} ms leaves a part of ${shortest} ms; a shot lasts at least ${limits.minShotMs} ms`,
    );
  }
  const id = newId();
  if (p.shots.some((x) => x.shotId === id)) return fail(`shot id ${id} is already used`);
  const shots = [...p.shots];
  shots.splice(i, 1, { ...s, endMs: at }, { ...s, shotId: id, startMs: at, status: 'DRAFT', versionCount: 0 });
  return finish({ ...p, shots }, limits);
}

function joinText(a: string, b: string, sep: string): string {
  return [a, b].filter((t) => t.trim() !== '').join(sep);
}

export function mergeWithNext(p: Plan, shotId: string, limits: Limits): EditResult {
  const i = indexOf(p, shotId);
  if (i < 0) return fail(`no shot ${shotId}`);
  const a = p.shots[i]!;
  const b = p.shots[i + 1];
  if (!b) return fail(`${shotId} is the last shot; nothing follows it`);
  for (const s of [a, b]) if (!isEditable(s)) return fail(lockedReason(s));
  if (a.sceneId !== b.sceneId) {
    return fail(
      `${a.shotId} and ${b.shotId} are in different scenes (${a.sceneId}, ${b.sceneId}); move the scene boundary instead`,
    );
  }
  const d = b.endMs - a.startMs;
  if (d > limits.maxShotMs) {
    return fail(`merging ${a.shotId} and ${b.shotId} makes a shot of ${d} ms; a shot lasts at most ${limits.maxShotMs} ms`);
  }
  const description = joinText(a.description, b.description, ' / ');
  const lyricsSnippet = joinText(a.lyricsSnippet, b.lyricsSnippet, ' ');
  if (description.length > MAX_DESCRIPTION) return fail('the merged description is longer than 2000 characters');
  if (lyricsSnippet.length > MAX_LYRICS) return fail('the merged lyrics are longer than 4000 characters');
  // The merged shot ends where the second one ended.
  const merged: PlanShot = { ...a, endMs: b.endMs, description, lyricsSnippet, showsMiri: a.showsMiri || b.showsMiri, endState: b.endState };
  const shots = [...p.shots];
  shots.splice(i, 2, merged);
  return finish({ ...p, shots }, limits);
}

/** Where cut `index` (between shots index and index+1) may move to. */
export function boundaryRange(p: Plan, index: number, limits: Limits): { minMs: number; maxMs: number } | null {
  const a = p.shots[index];
  const b = p.shots[index + 1];
  if (!a || !b || index < 0) return null;
  return {
    minMs: Math.max(a.startMs + limits.minShotMs, b.endMs - limits.maxShotMs),
    maxMs: Math.min(b.endMs - limits.minShotMs, a.startMs + limits.maxShotMs),
  };
}

/** Moves the cut between shots index and index+1; a scene cut moves its scenes. */
export function moveBoundary(p: Plan, index: number, toMs: number, limits: Limits): EditResult {
  const range = boundaryRange(p, index, limits);
  if (!range) return fail(`there is no cut ${index}`);
  const a = p.shots[index]!;
  const b = p.shots[index + 1]!;
  for (const s of [a, b]) if (!isEditable(s)) return fail(lockedReason(s));
  const to = Math.round(toMs);
  if (to < range.minMs || to > range.maxMs) {
    return fail(
      `the cut between ${a.shotId} and ${b.shotId} can move within ${range.minMs}-${range.maxMs} ms; ${to} ms is outside`,
    );
  }
  const old = a.endMs;
  const shots = [...p.shots];
  shots[index] = { ...a, endMs: to };
  shots[index + 1] = { ...b, startMs: to };
  const scenes =
    a.sceneId === b.sceneId
      ? p.scenes
      : p.scenes.map((c) =>
          c.endMs === old && c.sceneId === a.sceneId
            ? { ...c, endMs: to }
            : c.startMs === old && c.sceneId === b.sceneId
              ? { ...c, startMs: to }
              : c,
        );
  return finish({ ...p, shots, scenes }, limits);
}

/** Gives a shot a new span by moving the cuts before and after it. */
export function retimeShot(p: Plan, shotId: string, startMs: number, endMs: number, limits: Limits): EditResult {
  const i = indexOf(p, shotId);
  if (i < 0) return fail(`no shot ${shotId}`);
  const s = p.shots[i]!;
  const start = Math.round(startMs);
  const end = Math.round(endMs);
  if (end <= start) return fail(`the end (${end} ms) must be after the start (${start} ms)`);
  if (i === 0 && start !== 0) return fail(`${shotId} is the first shot; it starts at 0 ms`);
  if (i === p.shots.length - 1 && end !== p.songMs) {
    return fail(`${shotId} is the last shot; it ends at the song's end (${p.songMs} ms)`);
  }
  let plan = p;
  // Move the cut on the side that grows first, so the shot never has to
  // pass through a span outside the limits on the way.
  const steps: Array<() => EditResult> = [];
  if (start !== s.startMs) steps.push(() => moveBoundary(plan, i - 1, start, limits));
  if (end !== s.endMs) steps.push(() => moveBoundary(plan, i, end, limits));
  if (start > s.startMs) steps.reverse();
  for (const step of steps) {
    const r = step();
    if (!r.ok) {
      // Try the other order before giving up.
      return retimeOtherOrder(p, i, start, end, limits) ?? r;
    }
    plan = r.plan;
  }
  return finish(plan, limits);
}

function retimeOtherOrder(p: Plan, i: number, start: number, end: number, limits: Limits): EditResult | null {
  const s = p.shots[i]!;
  let r: EditResult = { ok: true, plan: p };
  if (end !== s.endMs) r = moveBoundary(r.plan, i, end, limits);
  if (r.ok && start !== s.startMs) r = moveBoundary(r.plan, i - 1, start, limits);
  return r.ok ? finish(r.plan, limits) : null;
}

/** Scales every cut to a new song length (e.g. the decoded duration). */
export function fitToSong(p: Plan, songMs: number, limits: Limits): EditResult {
  const songEnd = Math.round(songMs);
  if (p.shots.some((s) => !isEditable(s))) return fail('some shots have been generated; the plan can no longer be scaled');
  const k = songEnd / p.songMs;
  const at = (ms: number) => (ms === p.songMs ? songEnd : Math.round(ms * k));
  return finish(
    {
      songMs: songEnd,
      scenes: p.scenes.map((c) => ({ ...c, startMs: at(c.startMs), endMs: at(c.endMs) })),
      shots: p.shots.map((s) => ({ ...s, startMs: at(s.startMs), endMs: at(s.endMs) })),
    },
    limits,
  );
}

/** One scene of near-equal shots close to `targetMs` each, within the limits. */
export function evenPlan(songMs: number, limits: Limits, targetMs: number, id: (i: number) => string): Plan {
  const song = Math.round(songMs);
  const lo = Math.max(1, Math.ceil(song / limits.maxShotMs));
  const hi = Math.max(1, Math.floor(song / limits.minShotMs));
  const n = Math.min(hi, Math.max(lo, Math.round(song / targetMs)));
  const shots: PlanShot[] = [];
  for (let i = 0; i < n; i++) {
    shots.push({
      shotId: id(i),
      sceneId: 'scene-1',
      startMs: Math.round((song * i) / n),
      endMs: Math.round((song * (i + 1)) / n),
      lyricsSnippet: '',
      description: '',
      showsMiri: true,
      endState: '',
      status: 'DRAFT',
      versionCount: 0,
    });
  }
  return {
    songMs: song,
    scenes: [{ sceneId: 'scene-1', startMs: 0, endMs: song, label: 'song', description: '' }],
    shots,
  };
}

export function updateShotText(
  p: Plan,
  shotId: string,
  change: Partial<Pick<PlanShot, 'description' | 'lyricsSnippet' | 'showsMiri' | 'endState'>>,
): EditResult {
  const i = indexOf(p, shotId);
  if (i < 0) return fail(`no shot ${shotId}`);
  const s = p.shots[i]!;
  if (!isEditable(s)) return fail(lockedReason(s));
  if (change.description !== undefined && change.description.length > MAX_DESCRIPTION) {
    return fail(`the description has ${change.description.length} characters; at most ${MAX_DESCRIPTION}`);
  }
  if (change.endState !== undefined && change.endState.length > MAX_DESCRIPTION) {
    return fail(`the end state has ${change.endState.length} characters; at most ${MAX_DESCRIPTION}`);
  }
  if (change.lyricsSnippet !== undefined && change.lyricsSnippet.length > MAX_LYRICS) {
    return fail(`the lyrics have ${change.lyricsSnippet.length} characters; at most ${MAX_LYRICS}`);
  }
  const next = { ...s, ...change };
  // Naming Miri puts her in the shot: her depiction rules (the LoRA and the
  // modesty terms) then apply to its prompt, which the audit requires.
  if (change.description !== undefined && change.showsMiri === undefined && mentionsMiri(change.description)) next.showsMiri = true;
  const shots = [...p.shots];
  shots[i] = next;
  return { ok: true, plan: { ...p, shots } };
}

/** Whether text names Miri (as the server's audit reads it). */
export function mentionsMiri(text: string): boolean {
  return /\bmiri\b/i.test(text);
}

/** A shot id not in `used`, in the style of the ids there ("shot-007" after "shot-006"). */
export function nextShotId(used: readonly string[]): string {
  let prefix = 'shot-';
  let width = 1;
  let max = 0;
  for (const id of used) {
    const m = /^(.*?)(\d+)$/.exec(id);
    if (!m) continue;
    const n = Number(m[2]);
    if (n >= max) {
      max = n;
      prefix = m[1]!;
      width = m[2]!.length;
    }
  }
  const taken = new Set(used);
  let n = max;
  let id: string;
  do id = `${prefix}${String(++n).padStart(width, '0')}`;
  while (taken.has(id));
  return id;
}
