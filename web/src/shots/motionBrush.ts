// The motion brush's editing state, pure: regions that move (each a painted
// mask, raw base64 PNG, and the path it moves along, points in image
// coordinates 0..1), the region being edited, and the static mask; and the
// mapping to and from what GET/PUT .../motion-brush carry.
import type { MotionBrush, Point } from '../schemas';

export interface Region {
  mask: string | null; // raw base64 PNG, white = the region; null: not painted
  path: Point[];
}

export interface BrushState {
  regions: Region[];
  active: number; // the region the tools paint and draw on
  staticMask: string | null;
}

// Kling's image2video takes at most 6 dynamic masks, 2..77 points each.
export const MAX_REGIONS = 6;
export const MAX_POINTS = 77;

const blank: Region = { mask: null, path: [] };
export const emptyBrush: BrushState = { regions: [blank], active: 0, staticMask: null };

const clamp01 = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));

const withActive = (s: BrushState, change: (r: Region) => Region): BrushState => ({
  ...s,
  regions: s.regions.map((r, i) => (i === s.active ? change(r) : r)),
});

export function addRegion(s: BrushState): BrushState | string {
  if (s.regions.length >= MAX_REGIONS) return `at most ${MAX_REGIONS} regions can move`;
  return { ...s, regions: [...s.regions, blank], active: s.regions.length };
}

export function selectRegion(s: BrushState, i: number): BrushState {
  return i >= 0 && i < s.regions.length ? { ...s, active: i } : s;
}

export function removeRegion(s: BrushState, i: number): BrushState {
  const regions = s.regions.filter((_, k) => k !== i);
  if (regions.length === 0) return { ...s, regions: [blank], active: 0 };
  return { ...s, regions, active: Math.min(s.active > i ? s.active - 1 : s.active, regions.length - 1) };
}

export function addPoint(s: BrushState, p: Point): BrushState | string {
  const region = s.regions[s.active];
  if (!region) return 'choose a region first';
  if (region.path.length >= MAX_POINTS) return `a path has at most ${MAX_POINTS} points`;
  return withActive(s, (r) => ({ ...r, path: [...r.path, { x: clamp01(p.x), y: clamp01(p.y) }] }));
}

export function clearPath(s: BrushState): BrushState {
  return withActive(s, (r) => ({ ...r, path: [] }));
}

export function setRegionMask(s: BrushState, mask: string | null): BrushState {
  return withActive(s, (r) => ({ ...r, mask }));
}

export function setStaticMask(s: BrushState, mask: string | null): BrushState {
  return { ...s, staticMask: mask };
}

/**
 * The PUT body. A region left entirely blank (no paint, no path) is not
 * sent; one with a path but no paint is, so the server refuses it by name
 * ("dynamicMasks[0].mask: paint the region that moves along this path").
 */
export function toServer(s: BrushState): MotionBrush {
  const dynamicMasks = s.regions
    .filter((r) => r.mask !== null || r.path.length > 0)
    .map((r) => ({ ...(r.mask ? { mask: r.mask } : {}), trajectory: r.path }));
  return { dynamicMasks, ...(s.staticMask ? { staticMask: s.staticMask } : {}) };
}

export function fromServer(m: MotionBrush): BrushState {
  const regions = m.dynamicMasks.map((d) => ({ mask: d.mask ?? null, path: d.trajectory }));
  return { regions: regions.length > 0 ? regions : [blank], active: 0, staticMask: m.staticMask ?? null };
}

/** "2 regions (1 unpainted), 1 path, static area yes". */
export function describeBrush(s: BrushState): string {
  const used = s.regions.filter((r) => r.mask !== null || r.path.length > 0);
  const unpainted = used.filter((r) => r.mask === null).length;
  const paths = used.filter((r) => r.path.length >= 2).length;
  return (
    `${used.length} ${used.length === 1 ? 'region' : 'regions'}${unpainted ? ` (${unpainted} unpainted)` : ''}, ` +
    `${paths} ${paths === 1 ? 'path' : 'paths'}, static area ${s.staticMask ? 'yes' : 'no'}`
  );
}

/** What a clip version's parameters.motionBrush says was sent. */
export function brushUsed(motionBrush: unknown): string | null {
  if (!motionBrush || typeof motionBrush !== 'object') return null;
  const b = motionBrush as { dynamic?: unknown; staticMask?: unknown };
  const paths = Array.isArray(b.dynamic) ? b.dynamic.length : 0;
  const still = typeof b.staticMask === 'string' && b.staticMask.length > 0;
  return `Motion brush used: ${paths} ${paths === 1 ? 'path' : 'paths'}, static area ${still ? 'yes' : 'no'}`;
}
