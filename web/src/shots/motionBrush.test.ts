import { describe, expect, it } from 'vitest';
import { MotionBrushSchema } from '../schemas';
import {
  addPoint,
  addRegion,
  brushUsed,
  clearPath,
  describeBrush,
  emptyBrush,
  fromServer,
  removeRegion,
  selectRegion,
  setRegionMask,
  setStaticMask,
  toServer,
  type BrushState,
} from './motionBrush';

const ok = (r: BrushState | string): BrushState => {
  if (typeof r === 'string') throw new Error(r);
  return r;
};
const MASK = 'iVBORw0KGgoAAAANSUhEUgAAAAUA';
const STILL = 'iVBORw0KGgoAAAANSUhEUgAAAAVB';

describe('motion brush state', () => {
  it('sends each region with its mask and path, and the static mask; reading it back gives the same brush', () => {
    let s = setRegionMask(emptyBrush, MASK);
    s = ok(addPoint(s, { x: 0.1, y: 0.2 }));
    s = ok(addPoint(s, { x: 1.4, y: -0.1 }));
    s = setStaticMask(s, STILL);
    const body = toServer(s);
    expect(body).toEqual({
      dynamicMasks: [{ mask: MASK, trajectory: [{ x: 0.1, y: 0.2 }, { x: 1, y: 0 }] }],
      staticMask: STILL,
    });
    expect(MotionBrushSchema.safeParse(body).success).toBe(true);
    // Static areas and masks survive the round trip (a reload).
    expect(fromServer(body)).toEqual(s);
    expect(toServer(fromServer(body))).toEqual(body);
  });

  it('sends a path without paint (the server refuses it by name) but not a blank region', () => {
    let s = ok(addPoint(emptyBrush, { x: 0.2, y: 0.2 }));
    s = ok(addPoint(s, { x: 0.4, y: 0.2 }));
    s = ok(addRegion(s)); // blank: not sent
    expect(toServer(s)).toEqual({ dynamicMasks: [{ trajectory: [{ x: 0.2, y: 0.2 }, { x: 0.4, y: 0.2 }] }] });
    expect(describeBrush(s)).toBe('1 region (1 unpainted), 1 path, static area no');
    expect(toServer(emptyBrush)).toEqual({ dynamicMasks: [] });
  });

  it('edits only the active region; at most 6 regions and 77 points', () => {
    let s = ok(addRegion(setRegionMask(emptyBrush, MASK)));
    expect(s.active).toBe(1);
    s = setRegionMask(ok(addPoint(s, { x: 0.5, y: 0.5 })), STILL);
    expect(s.regions[0]).toEqual({ mask: MASK, path: [] });
    expect(s.regions[1]).toEqual({ mask: STILL, path: [{ x: 0.5, y: 0.5 }] });
    s = clearPath(selectRegion(s, 1));
    expect(s.regions[1]!.path).toEqual([]);
    for (let i = 0; i < 4; i++) s = ok(addRegion(s));
    expect(addRegion(s)).toBe('at most 6 regions can move');
    let p = emptyBrush;
    for (let i = 0; i < 77; i++) p = ok(addPoint(p, { x: i / 100, y: 0 }));
    expect(addPoint(p, { x: 1, y: 1 })).toBe('a path has at most 77 points');
  });

  it('removing a region keeps the active one sensible and never leaves none', () => {
    let s = ok(addRegion(setRegionMask(emptyBrush, MASK)));
    s = removeRegion(s, 0);
    expect(s.regions).toHaveLength(1);
    expect(s.active).toBe(0);
    expect(removeRegion(s, 0)).toEqual({ ...emptyBrush, staticMask: null });
  });

  it('a region saved before regions existed comes back unpainted', () => {
    const s = fromServer({ dynamicMasks: [{ trajectory: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }] });
    expect(s.regions[0]!.mask).toBeNull();
    expect(fromServer({ dynamicMasks: [] })).toEqual(emptyBrush);
  });

  it('says what a clip version was sent', () => {
    expect(brushUsed({ dynamic: [{ mask: 'k', trajectory: [] }], staticMask: 'still.png' })).toBe('Motion brush used: 1 path, static area yes');
    expect(brushUsed({ dynamic: [{}, {}], staticMask: '' })).toBe('Motion brush used: 2 paths, static area no');
    expect(brushUsed(undefined)).toBeNull();
  });
});
