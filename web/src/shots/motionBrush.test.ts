import { describe, expect, it } from 'vitest';
import { addPoint, emptyBrush, finishTrajectory, fromServer, removeTrajectory, toServer, type BrushState } from './motionBrush';

const ok = (r: BrushState | string): BrushState => {
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('motion brush state', () => {
  it('builds trajectories of clamped points and sends them in the server shape', () => {
    let s = ok(addPoint(emptyBrush, { x: 0.1, y: 0.2 }));
    s = ok(addPoint(s, { x: 1.4, y: -0.1 }));
    s = ok(finishTrajectory(s));
    expect(toServer(s)).toEqual({ trajectories: [{ points: [{ x: 0.1, y: 0.2 }, { x: 1, y: 0 }] }] });
    expect(s.current).toEqual([]);
    expect(fromServer(toServer(s)).trajectories).toEqual(s.trajectories);
  });
  it('refuses a trajectory of one point and more than 20 trajectories', () => {
    expect(finishTrajectory(ok(addPoint(emptyBrush, { x: 0, y: 0 })))).toBe('a trajectory needs at least 2 points');
    let s = emptyBrush;
    for (let i = 0; i < 20; i++) s = ok(finishTrajectory(ok(addPoint(ok(addPoint(s, { x: 0, y: 0 })), { x: 1, y: 1 }))));
    expect(finishTrajectory(ok(addPoint(ok(addPoint(s, { x: 0, y: 0 })), { x: 1, y: 1 })))).toBe('at most 20 trajectories');
    expect(removeTrajectory(s, 0).trajectories).toHaveLength(19);
  });
});
