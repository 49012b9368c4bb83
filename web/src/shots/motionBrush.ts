// The motion brush's editing state, pure: trajectories of points in image
// coordinates 0..1 (what PUT .../motion-brush takes) and static areas.
import type { MotionBrush, Point } from '../schemas';

export interface BrushState {
  trajectories: Point[][];
  current: Point[]; // the trajectory being drawn
  staticAreas: Array<{ x: number; y: number; w: number; h: number }>;
}

export const emptyBrush: BrushState = { trajectories: [], current: [], staticAreas: [] };
export const MAX_TRAJECTORIES = 20;
export const MAX_POINTS = 200;

const clamp01 = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));

export function addPoint(s: BrushState, p: Point): BrushState | string {
  if (s.current.length >= MAX_POINTS) return `a trajectory has at most ${MAX_POINTS} points`;
  return { ...s, current: [...s.current, { x: clamp01(p.x), y: clamp01(p.y) }] };
}

export function finishTrajectory(s: BrushState): BrushState | string {
  if (s.current.length < 2) return 'a trajectory needs at least 2 points';
  if (s.trajectories.length >= MAX_TRAJECTORIES) return `at most ${MAX_TRAJECTORIES} trajectories`;
  return { ...s, trajectories: [...s.trajectories, s.current], current: [] };
}

export function removeTrajectory(s: BrushState, i: number): BrushState {
  return { ...s, trajectories: s.trajectories.filter((_, k) => k !== i) };
}

export function toServer(s: BrushState): MotionBrush {
  return { trajectories: s.trajectories.map((points) => ({ points })) };
}

export function fromServer(m: MotionBrush): BrushState {
  return { trajectories: m.trajectories.map((t) => t.points), current: [], staticAreas: [] };
}
